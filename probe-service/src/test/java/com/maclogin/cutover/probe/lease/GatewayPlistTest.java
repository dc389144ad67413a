package com.maclogin.cutover.probe.lease;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.OptionalInt;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class GatewayPlistTest {

    static String plist(String... args) {
        StringBuilder a = new StringBuilder();
        for (String s : args) {
            a.append("    <string>").append(s.replace("&", "&amp;").replace("<", "&lt;")).append("</string>\n");
        }
        return "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
                + "<!DOCTYPE plist PUBLIC \"-//Apple//DTD PLIST 1.0//EN\" \"http://www.apple.com/DTDs/PropertyList-1.0.dtd\">\n"
                + "<plist version=\"1.0\"><dict>\n"
                + "  <key>Label</key><string>ai.openclaw.gateway</string>\n"
                + "  <key>RunAtLoad</key><true/><key>KeepAlive</key><true/>\n"
                + "  <key>ThrottleInterval</key><integer>10</integer>\n"
                + "  <key>ProgramArguments</key><array>\n" + a + "  </array>\n"
                + "  <key>WorkingDirectory</key><string>/Users/u/.openclaw</string>\n"
                + "  <key>StandardOutPath</key><string>/Users/u/Library/Logs/openclaw/gateway.log</string>\n"
                + "  <key>StandardErrorPath</key><string>/Users/u/Library/Logs/openclaw/gateway.log</string>\n"
                + "</dict></plist>\n";
    }

    static final String PKG = "/opt/homebrew/lib/node_modules/openclaw";

    static Stream<Arguments> layouts() {
        return Stream.of(
                // OpenClaw's own template: env wrapper, pinned node, heap flag, index.js, --port N
                Arguments.of(List.of("/bin/sh", "/Users/u/.openclaw/service-env/ai.openclaw.gateway-env-wrapper.sh",
                        "/Users/u/.openclaw/service-env/ai.openclaw.gateway.env", "/opt/homebrew/bin/node",
                        "--max-old-space-size=8192", PKG + "/dist/index.js", "gateway", "--port", "18789"),
                        "/opt/homebrew/bin/node", PKG, OptionalInt.of(18789)),
                Arguments.of(List.of("/usr/local/bin/node", PKG + "/dist/index.js", "gateway", "--port=18799"),
                        "/usr/local/bin/node", PKG, OptionalInt.of(18799)),
                Arguments.of(List.of("/Users/u/.nvm/versions/node/v26.10.0/bin/node", PKG + "/dist/index.js", "gateway"),
                        "/Users/u/.nvm/versions/node/v26.10.0/bin/node", PKG, OptionalInt.empty()),
                Arguments.of(List.of("/opt/homebrew/bin/node", PKG + "/dist/index.js", "gateway", "--port", "notaport"),
                        "/opt/homebrew/bin/node", PKG, OptionalInt.empty()),
                Arguments.of(List.of("/opt/homebrew/bin/node", PKG + "/dist/index.js", "gateway", "--port", "70000"),
                        "/opt/homebrew/bin/node", PKG, OptionalInt.empty()));
    }

    @ParameterizedTest
    @MethodSource("layouts")
    void programArgumentsGiveNodePackageRootAndPort(List<String> args, String node, String pkg, OptionalInt port) {
        GatewayPlist p = GatewayPlist.parse(plist(args.toArray(String[]::new)));
        assertThat(p.programArguments()).isEqualTo(args);
        assertThat(p.nodePath()).contains(node);
        assertThat(p.packageRoot()).contains(pkg);
        assertThat(p.port()).isEqualTo(port);
        assertThat(p.logPath()).contains("/Users/u/Library/Logs/openclaw/gateway.log");
    }

    @Test
    void rewritePointsIndexJsAtTheCandidateAndKeepsEverythingElse() {
        List<String> args = List.of("/bin/sh", "/w.sh", "/e.env", "/opt/homebrew/bin/node", "--max-old-space-size=8192",
                PKG + "/dist/index.js", "gateway", "--port", "18789");
        GatewayPlist before = GatewayPlist.parse(plist(args.toArray(String[]::new)));
        String candidate = "/Users/u/.openclaw-cutover/versions/2026.9.6/lib/node_modules/openclaw";

        GatewayPlist after = GatewayPlist.parse(before.withPackageRoot(candidate));

        assertThat(after.packageRoot()).contains(candidate);
        assertThat(after.programArguments()).hasSize(args.size());
        assertThat(after.programArguments().get(5)).isEqualTo(candidate + "/dist/index.js");
        for (int i = 0; i < args.size(); i++) {
            if (i != 5) {
                assertThat(after.programArguments().get(i)).isEqualTo(args.get(i));
            }
        }
        assertThat(after.port()).hasValue(18789);
        assertThat(after.logPath()).isEqualTo(before.logPath());
        assertThat(before.withPackageRoot(candidate)).contains("<key>ThrottleInterval</key>", "ai.openclaw.gateway");
    }

    @Test
    void rewriteEscapesXmlSpecialCharactersInPaths() {
        GatewayPlist p = GatewayPlist.parse(plist("/opt/homebrew/bin/node", PKG + "/dist/index.js"));
        String odd = "/Users/a&b/<x>/openclaw";
        assertThat(GatewayPlist.parse(p.withPackageRoot(odd)).packageRoot()).contains(odd);
    }

    static Stream<String> broken() {
        return Stream.of("", "   ", "not a plist", "<plist version=\"1.0\"><array/></plist>",
                "<?xml version=\"1.0\"?><plist version=\"1.0\"><dict><key>Label</key><string>x</string></dict></plist>",
                "<?xml version=\"1.0\"?><plist version=\"1.0\"><dict><key>ProgramArguments</key><array><integer>1</integer></array></dict></plist>",
                "<?xml version=\"1.0\"?><plist version=\"1.0\"><dict><key>ProgramArguments</key>");
    }

    @ParameterizedTest
    @MethodSource("broken")
    void unusablePlistsAreRejectedWithAReason(String content) {
        assertThatThrownBy(() -> GatewayPlist.parse(content)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageNotContaining("null");
    }

    @Test
    void rewriteWithoutIndexJsArgumentIsRejected() {
        GatewayPlist p = GatewayPlist.parse(plist("/opt/homebrew/bin/node", "/srv/gateway.js"));
        assertThat(p.packageRoot()).isEmpty();
        assertThatThrownBy(() -> p.withPackageRoot("/x")).isInstanceOf(IllegalArgumentException.class);
    }
}
