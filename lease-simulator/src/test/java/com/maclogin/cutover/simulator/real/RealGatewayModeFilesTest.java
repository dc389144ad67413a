package com.maclogin.cutover.simulator.real;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The file handling of real gateway mode (no network, no gateway): plist reading, env file, npm wrapper. */
class RealGatewayModeFilesTest {

    @TempDir
    Path dir;

    @Test
    void readsThePinnedNodeThePackageRootThePortAndTheEnvFileFromOpenClawsPlistTemplate() throws IOException {
        Path plist = dir.resolve("ai.openclaw.gateway.plist");
        Files.writeString(plist, """
                <?xml version="1.0" encoding="UTF-8"?>
                <!DOCTYPE plist PUBLIC "-//Apple//DTD PLIST 1.0//EN" "http://www.apple.com/DTDs/PropertyList-1.0.dtd">
                <plist version="1.0"><dict><key>Label</key><string>ai.openclaw.gateway</string>
                <key>ProgramArguments</key><array>
                  <string>/bin/sh</string><string>/h/.openclaw/service-env/ai.openclaw.gateway-env-wrapper.sh</string>
                  <string>/h/.openclaw/service-env/ai.openclaw.gateway.env</string>
                  <string>/opt/homebrew/bin/node</string><string>--max-old-space-size=8192</string>
                  <string>/h/.npm-global/lib/node_modules/openclaw/dist/index.js</string><string>gateway</string>
                  <string>--port</string><string>18789</string></array></dict></plist>
                """);
        RealGatewayMode.PlistInfo info = RealGatewayMode.readPlist(plist);
        assertThat(info.nodePath()).isEqualTo("/opt/homebrew/bin/node");
        assertThat(info.packageRoot()).isEqualTo(Path.of("/h/.npm-global/lib/node_modules/openclaw"));
        assertThat(info.gatewayPort()).isEqualTo(18789);
        assertThat(info.envFile()).isEqualTo(Path.of("/h/.openclaw/service-env/ai.openclaw.gateway.env"));
    }

    @Test
    void theEnvFileKeepsOpenClawsHeaderSortedExportsAndQuotedValuesThroughARoundTrip() throws IOException {
        Path env = dir.resolve("ai.openclaw.gateway.env");
        Map<String, String> values = new TreeMap<>(Map.of("PATH", "/n:/usr/bin", "NODE_OPTIONS", "",
                "ODD", "it's \"quoted\" $HOME `x`"));
        RealGatewayMode.writeEnvFile(env, values);
        String text = Files.readString(env);
        assertThat(text).startsWith(RealGatewayMode.ENV_HEADER + "\nexport NODE_OPTIONS=''\nexport ODD=");
        assertThat(RealGatewayMode.readEnvFile(env)).isEqualTo(values);
        assertThat(Files.getPosixFilePermissions(env)).hasSize(2);

        Files.writeString(env, "export A='b'\n");
        assertThatThrownBy(() -> RealGatewayMode.readEnvFile(env)).hasMessageContaining("header");
    }

    @Test
    void theRealNpmWrapperRunsTheMachinesNpmOnTheLeaseNodeWithTheSharedCacheOffline() {
        String w = RealGatewayMode.npmWrapper(Path.of("/s/hk-1/home"), Path.of("/c/node/bin/node"),
                Path.of("/usr/lib/node_modules/npm/bin/npm-cli.js"), Path.of("/c/npm"));
        assertThat(w).startsWith("#!/bin/bash\n")
                .contains("export PATH='/c/node/bin':\"$PATH\"")
                .contains("export npm_config_cache='/c/npm'")
                .contains("npm_config_prefer_offline=true")
                .contains("'/c/node/bin/node' '/usr/lib/node_modules/npm/bin/npm-cli.js' \"$@\"")
                .contains("'hk-1' \"npm $*\"").contains("'/s/hk-1/home/.sim/applied.log'");
    }
}
