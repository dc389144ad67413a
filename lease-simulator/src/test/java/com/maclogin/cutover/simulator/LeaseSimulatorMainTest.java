package com.maclogin.cutover.simulator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.maclogin.cutover.contracts.Json;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The CLI as other modules run it: {@code java -cp <classpath> ...LeaseSimulatorMain}, stopped with SIGTERM. */
class LeaseSimulatorMainTest {

    @TempDir
    Path dir;

    @Test
    void cliWritesTheDescriptorStopsGatewaysOnSigtermAndKeepsTheHostKeyAcrossRestarts() throws Exception {
        Path key = dir.resolve("id_ed25519");
        String pub = SshKeys.generateEd25519(key);
        int gatewayPort = LeaseSimulatorTest.freePort();
        Path config = dir.resolve("leases.json");
        Files.writeString(config, "{\"controlPort\":0,\"gatewayStartupDelayMillis\":200,\"throttleIntervalMillis\":500,"
                + "\"authorizedKeys\":[\"" + pub + "\"],\"leases\":[{\"id\":\"kr-1\",\"region\":\"KR\",\"sshPort\":0,"
                + "\"gatewayPort\":" + gatewayPort + ",\"initialVersion\":\"2026.9.5\",\"faults\":{\"diskFreePercent\":8}}]}");

        JsonNode first = runOnce(config, key, gatewayPort, "first");
        JsonNode second = runOnce(config, key, gatewayPort, "second");
        assertThat(second.get("hostKey").asText()).isEqualTo(first.get("hostKey").asText());
        assertThat(Files.readString(dir.resolve("state/kr-1/home/.sim/launchd.log"))).contains("spawned ai.openclaw.gateway");
    }

    private JsonNode runOnce(Path config, Path key, int gatewayPort, String name) throws Exception {
        Path descriptor = dir.resolve("descriptor-" + name + ".json");
        Path out = dir.resolve("cli-" + name + ".out");
        Process cli = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), LeaseSimulatorMain.class.getName(),
                "--config", config.toString(), "--state-dir", dir.resolve("state").toString(),
                "--descriptor-out", descriptor.toString())
                .redirectErrorStream(true).redirectOutput(out.toFile()).start();
        try {
            await().atMost(Duration.ofSeconds(60)).until(() -> Files.exists(descriptor) || !cli.isAlive());
            assertThat(cli.isAlive()).as(Files.readString(out)).isTrue();
            JsonNode lease = Json.MAPPER.readTree(Files.readString(descriptor)).get(0);
            assertThat(lease.get("id").asText()).isEqualTo("kr-1");
            assertThat(lease.get("region").asText()).isEqualTo("KR");
            assertThat(lease.get("host").asText()).isEqualTo("127.0.0.1");
            assertThat(lease.get("gatewayPort").asInt()).isEqualTo(gatewayPort);
            assertThat(lease.get("hostKey").asText()).startsWith("ssh-ed25519 AAAA");
            assertThat(Files.readString(out)).contains("lease kr-1 region=KR", "version=2026.9.5", "faults=[DISK_LOW]");
            assertThat(lease.get("tlsPort").asInt()).isPositive();
            try (SshTestClient c = new SshTestClient("127.0.0.1", lease.get("sshPort").asInt(), lease.get("sshUser").asText(),
                    lease.get("hostKey").asText(), key)) {
                assertThat(c.exec("launchctl print gui/$(id -u)/ai.openclaw.gateway").stdout()).contains("state = running");
                // the config file's initial fault switch: df reports 8 % free on the lease volume
                assertThat(c.exec("df -k \"$HOME\" | awk 'NR==2{print $5}'").stdout()).isEqualTo("93%\n");
            }
            cli.destroy(); // SIGTERM
            assertThat(cli.waitFor(30, java.util.concurrent.TimeUnit.SECONDS)).isTrue();
            assertThat(listening(gatewayPort)).as("gateway stopped with the simulator").isFalse();
            return lease;
        } finally {
            cli.destroyForcibly();
        }
    }

    private static boolean listening(int port) {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress("127.0.0.1", port), 500);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

}
