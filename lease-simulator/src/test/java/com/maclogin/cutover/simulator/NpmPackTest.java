package com.maclogin.cutover.simulator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.maclogin.cutover.contracts.Json;
import com.maclogin.cutover.contracts.Region;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code npm pack openclaw@<v>} and {@code npm install -g --prefix P <file>.tgz} over the real SSH server, as
 * probe-service's INSTALL_CANDIDATE runs them when a cutover pins the tarball's sha256.
 */
class NpmPackTest {

    private static final String PLIST = "$HOME/Library/LaunchAgents/ai.openclaw.gateway.plist";
    private static final String KIT = "$HOME/.openclaw-cutover/kits/c-1";
    private static final String TREE_SHA = " && find . -type f -print0 | LC_ALL=C sort -z | xargs -0 shasum -a 256 | shasum -a 256";

    @TempDir
    static Path dir;
    static Path clientKey;
    static LeaseSimulator sim;
    static SimulatedLease hk;
    static SimulatedLease jp;

    @BeforeAll
    static void startTwoLeases() throws IOException {
        clientKey = dir.resolve("client/id_ed25519");
        String pub = SshKeys.generateEd25519(clientKey);
        sim = LeaseSimulator.start(new SimulatorConfig(dir.resolve("state"),
                List.of(new LeaseSpec("hk-1", Region.HK, 0, LeaseSimulatorTest.freePort(), "2026.9.5"),
                        new LeaseSpec("jp-1", Region.JP, 0, LeaseSimulatorTest.freePort(), "2026.9.5")),
                List.of(pub + " test@client"), 0, Duration.ofMillis(300), Duration.ofMillis(300)));
        hk = sim.lease("hk-1");
        jp = sim.lease("jp-1");
    }

    @AfterAll
    static void stop() {
        if (sim != null) {
            sim.close();
        }
    }

    private static String sha256Of(SshTestClient c, String file) throws IOException {
        SshTestClient.Exec r = c.exec("shasum -a 256 " + file);
        assertThat(r.exit()).as(r.stderr()).isZero();
        return r.stdout().split(" ")[0];
    }

    @Test
    void packWritesTheSameBytesOnTwoLeasesAndTwiceInARowMatchingTheJavaApi() throws Exception {
        String expected = SimulatedNpmRegistry.packedTarballSha256("2026.9.6");
        try (SshTestClient a = SshTestClient.to(hk, clientKey); SshTestClient b = SshTestClient.to(jp, clientKey)) {
            SshTestClient.Exec packed = a.exec("mkdir -p " + KIT + " && cd " + KIT + " && npm pack 'openclaw@2026.9.6'");
            assertThat(packed.exit()).as(packed.stderr()).isZero();
            assertThat(packed.stdout()).isEqualTo("openclaw-2026.9.6.tgz\n");
            assertThat(packed.stderr()).contains("npm notice filename: openclaw-2026.9.6.tgz", "npm notice total files: 3");
            String first = sha256Of(a, KIT + "/openclaw-2026.9.6.tgz");

            // a second run on another lease, at a later time, with --pack-destination: same bytes
            SshTestClient.Exec elsewhere = b.exec("mkdir -p out && npm pack openclaw@2026.9.6 --pack-destination out");
            assertThat(elsewhere.exit()).as(elsewhere.stderr()).isZero();
            String second = sha256Of(b, "out/openclaw-2026.9.6.tgz");
            assertThat(a.exec("cd " + KIT + " && npm pack openclaw@2026.9.6").exit()).isZero();
            String third = sha256Of(a, KIT + "/openclaw-2026.9.6.tgz");
            assertThat(List.of(first, second, third)).containsOnly(expected);

            // npm's layout: package/…, sorted, owner 0/0, npm's fixed mtime; what a registry install puts on disk
            SshTestClient.Exec listing = b.exec("tar tvzf out/openclaw-2026.9.6.tgz");
            assertThat(listing.stdout().lines().toList()).satisfiesExactly(
                    l -> assertThat(l).matches("-rw-r--r-- 0/0 +19246 1985-10-26 08:15 package/dist/index\\.js"),
                    l -> assertThat(l).matches("-rwxr-xr-x 0/0 +\\d+ 1985-10-26 08:15 package/openclaw\\.mjs"),
                    l -> assertThat(l).matches("-rw-r--r-- 0/0 +\\d+ 1985-10-26 08:15 package/package\\.json"));
            String tarTree = b.exec("rm -rf x && mkdir x && tar xzf out/openclaw-2026.9.6.tgz -C x && cd x/package" + TREE_SHA).stdout();
            String registryTree = b.exec("npm install -g --prefix reg openclaw@2026.9.6 >/dev/null && cd reg/lib/node_modules/openclaw"
                    + TREE_SHA).stdout();
            assertThat(tarTree).isEqualTo(registryTree).matches("[0-9a-f]{64}  -\n");
            assertThat(b.exec("tar xzOf out/openclaw-2026.9.6.tgz package/package.json").stdout())
                    .contains("\"name\": \"openclaw\"", "\"version\": \"2026.9.6\"", "\"node\": \">=18\"");

            SshTestClient.Exec json = b.exec("npm pack openclaw@2026.9.6 --json --dry-run --pack-destination=nowhere-needed-for-dry-run");
            assertThat(json.exit()).as("a missing destination fails even for a dry run").isEqualTo(1);
            json = b.exec("npm pack openclaw@latest --json --dry-run");
            assertThat(json.exit()).as(json.stderr()).isZero();
            JsonNode report = Json.MAPPER.readTree(json.stdout()).get(0);
            assertThat(report.get("filename").asText()).isEqualTo("openclaw-2026.9.6.tgz");
            assertThat(report.get("entryCount").asInt()).isEqualTo(3);
            assertThat(report.get("integrity").asText()).startsWith("sha512-");
            assertThat(json.stderr()).isEmpty();
        }
        assertThat(Files.readString(hk.home().resolve(".sim/applied.log"))).contains("\tnpm pack openclaw@2026.9.6\texit=0\n");
        assertThat(Files.readString(jp.home().resolve(".sim/applied.log")))
                .contains("\tnpm pack openclaw@2026.9.6 --pack-destination out\texit=0\n");
    }

    @Test
    void installFromThePackedTarballLinksTheBinAndTheGatewayRunsTheNewVersion() throws Exception {
        SimulatedLease lease = hk;
        String prefix = "$HOME/.openclaw-cutover/versions/2026.9.6";
        try (SshTestClient c = SshTestClient.to(lease, clientKey)) {
            await().atMost(Duration.ofSeconds(15)).until(() -> "2026.9.5".equals(lease.runningVersion()));
            String tgz = lease.home() + "/.openclaw-cutover/kits/c-2/openclaw-2026.9.6.tgz";
            assertThat(c.exec("mkdir -p " + KIT.replace("c-1", "c-2") + " && cd " + KIT.replace("c-1", "c-2")
                    + " && npm pack openclaw@2026.9.6").exit()).isZero();
            assertThat(sha256Of(c, tgz)).isEqualTo(SimulatedNpmRegistry.packedTarballSha256("2026.9.6"));

            SshTestClient.Exec install = c.exec("mkdir -p \"" + prefix + "\" && npm install -g --prefix \"" + prefix + "\" '" + tgz + "'");
            assertThat(install.exit()).as(install.stderr()).isZero();
            assertThat(install.stdout()).contains("added 1 package");
            String candidate = lease.home() + "/.openclaw-cutover/versions/2026.9.6/lib/node_modules/openclaw";
            assertThat(c.exec("cat '" + candidate + "/package.json'").stdout()).contains("\"version\": \"2026.9.6\"");
            assertThat(c.exec("readlink \"" + prefix + "/bin/openclaw\"").stdout()).isEqualTo("../lib/node_modules/openclaw/openclaw.mjs\n");
            assertThat(c.exec("\"" + prefix + "/bin/openclaw\" --version").stdout()).isEqualTo("2026.9.6\n");
            assertThat(c.exec("stat -c %a '" + candidate + "/openclaw.mjs' '" + candidate + "/dist/index.js'").stdout())
                    .isEqualTo("755\n644\n");

            String flip = "sed 's#" + lease.home() + "/.npm-global/lib/node_modules/openclaw/dist/index.js#" + candidate
                    + "/dist/index.js#' " + PLIST + " > " + PLIST + ".candidate && plutil -lint " + PLIST + ".candidate && mv "
                    + PLIST + ".candidate " + PLIST;
            assertThat(c.exec(flip).exit()).isZero();
            assertThat(c.exec("\"$SHELL\" -lc 'openclaw --version'").stdout()).as("the login shell's CLI is npm's, not the plist's")
                    .isEqualTo("2026.9.5\n");
            String target = "gui/" + LaunchdEmulator.UID + "/ai.openclaw.gateway";
            assertThat(c.exec("launchctl bootout " + target + " && launchctl bootstrap gui/$(id -u) " + PLIST).exit()).isZero();
            await().atMost(Duration.ofSeconds(15)).until(() -> "2026.9.6".equals(lease.runningVersion()));
            assertThat(lease.installedVersion()).isEqualTo("2026.9.6");
        }
        assertThat(Files.readString(lease.home().resolve(".sim/applied.log")))
                .contains("\tnpm install -g --prefix " + lease.home() + "/.openclaw-cutover/versions/2026.9.6 "
                        + lease.home() + "/.openclaw-cutover/kits/c-2/openclaw-2026.9.6.tgz\texit=0\n");
    }

    @Test
    void aCorruptTruncatedOrForeignTarballIsRefusedWithExit1AndNothingIsInstalled() throws Exception {
        String prefix = "$HOME/.openclaw-cutover/versions/bad";
        try (SshTestClient c = SshTestClient.to(jp, clientKey)) {
            assertThat(c.exec("mkdir -p bad && cd bad && npm pack openclaw@2026.9.6 >/dev/null"
                    + " && cp openclaw-2026.9.6.tgz flipped.tgz && printf '\\377' | dd of=flipped.tgz bs=1 seek=3000 conv=notrunc 2>/dev/null"
                    + " && head -c 4000 openclaw-2026.9.6.tgz > truncated.tgz"
                    + " && echo 'not a tarball' > plain.tgz"
                    + " && mkdir -p lp/package && echo '{\"name\":\"left-pad\",\"version\":\"1.3.0\"}' > lp/package/package.json"
                    + " && tar czf left-pad-1.3.0.tgz -C lp package").exit()).isZero();
            assertThat(sha256Of(c, "bad/flipped.tgz")).isNotEqualTo(SimulatedNpmRegistry.packedTarballSha256("2026.9.6"));

            record Case(String file, String code) {
            }
            for (Case k : List.of(new Case("flipped.tgz", "Z_DATA_ERROR"), new Case("truncated.tgz", "Z_BUF_ERROR"),
                    new Case("plain.tgz", "Z_DATA_ERROR"), new Case("left-pad-1.3.0.tgz", "EUNSUPPORTED"),
                    new Case("missing.tgz", "ENOENT"))) {
                SshTestClient.Exec r = c.exec("npm install -g --prefix \"" + prefix + "\" bad/" + k.file());
                assertThat(r.exit()).as(k.file()).isEqualTo(1);
                assertThat(r.stderr()).as(k.file()).startsWith("npm error code " + k.code() + "\n");
                assertThat(r.stdout()).as(k.file()).isEmpty();
            }
            assertThat(c.exec("ls -A \"" + prefix + "/lib/node_modules\" 2>/dev/null; test -e \"" + prefix + "/bin/openclaw\"").stdout())
                    .as("no package, no staging leftovers").isEmpty();
            assertThat(c.exec("test -e \"" + prefix + "/bin/openclaw\"").exit()).isEqualTo(1);
        }
        assertThat(Files.readString(jp.home().resolve(".sim/applied.log")))
                .contains("/versions/bad bad/flipped.tgz\texit=1\n", "/versions/bad bad/left-pad-1.3.0.tgz\texit=1\n");
    }

    @Test
    void packOfAnUnpublishedVersionOrPackageFailsLikeTheRegistryInstallAndWritesNothing() throws Exception {
        try (SshTestClient c = SshTestClient.to(jp, clientKey)) {
            SshTestClient.Exec version = c.exec("mkdir -p none && cd none && npm pack openclaw@1.2.3");
            assertThat(version.exit()).isEqualTo(1);
            assertThat(version.stderr()).startsWith("npm error code ETARGET\n")
                    .contains("No matching version found for openclaw@1.2.3.");
            assertThat(c.exec("npm install -g --prefix /tmp/nowhere-sim openclaw@1.2.3").stderr()).isEqualTo(version.stderr());
            SshTestClient.Exec pkg = c.exec("cd none && npm pack left-pad@1.3.0");
            assertThat(pkg.exit()).isEqualTo(1);
            assertThat(pkg.stderr()).startsWith("npm error code E404\n").contains("'left-pad@*' is not in this registry.");
            assertThat(c.exec("ls -A none").stdout()).isEmpty();
        }
        assertThat(Files.readString(jp.home().resolve(".sim/applied.log"))).contains("\tnpm pack openclaw@1.2.3\texit=1\n");
    }
}
