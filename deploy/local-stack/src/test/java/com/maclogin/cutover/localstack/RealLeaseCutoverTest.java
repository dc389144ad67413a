package com.maclogin.cutover.localstack;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.maclogin.cutover.simulator.real.OpenSshLease;
import com.maclogin.cutover.simulator.real.RealGatewayMode;
import com.maclogin.cutover.simulator.real.RealOpenClawCache;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.condition.DisabledIfSystemProperty;

/**
 * The product against the real things a rented Mac runs, through the whole local stack (REST, PostgreSQL, Kafka,
 * probe workers as their own JVMs):
 * <ol>
 *   <li>Debian's OpenSSH daemon in front of lease jp-1 ({@link OpenSshLease}, host key pinned by the worker): a
 *       cutover through it goes GREEN;</li>
 *   <li>lease hk-1 switched to the <b>real</b> {@code openclaw} 2026.9.5 on Node 26 under the launchd emulator
 *       ({@link RealGatewayMode}), the lease's {@code npm} being the real npm: a cutover to 2026.9.6 (which migrates the
 *       state schema 17 → 18) rolled back by the operator during validation ends ROLLED_BACK with 2026.9.5 serving
 *       on the restored schema-17 state; a second cutover goes GREEN on 2026.9.6; then putting 2026.9.5 back without
 *       the state restore shows why the restore is needed (exit 78, the real gateway parks its LaunchAgent).</li>
 * </ol>
 * The real-gateway part is tagged {@code real}; {@code -Dskip.real=true} skips it (CI runs it). The npm downloads are
 * cached in {@code ~/.cache/openclaw-cutover} ({@link RealOpenClawCache}). The OpenSSH part never skips: without
 * openssh-server it fails with the install command.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class RealLeaseCutoverTest {

    static final PrintStream LOG = System.out;
    static final String FROM = RealOpenClawCache.FROM_VERSION;
    static final String TO = RealOpenClawCache.TO_VERSION;

    static LocalStack stack;
    static RealOpenClawCache cache;
    static OpenSshLease openSsh;
    static final List<ProcessHandle> gatewayProcesses = new ArrayList<>();

    static boolean realSkipped() {
        return "true".equalsIgnoreCase(System.getProperty("skip.real"));
    }

    @BeforeAll
    static void startStack() throws IOException {
        OpenSshLease.unavailableReason().ifPresent(reason -> fail("the real OpenSSH end-to-end test cannot run: " + reason));
        if (!realSkipped()) {
            cache = RealOpenClawCache.atDefaultRoot(LOG::println);
            long ms = cache.prepare(List.of(FROM, TO));
            LOG.printf("[measure] real-mode cache ready (node %s, openclaw %s and %s) in %d ms at %s%n",
                    RealOpenClawCache.NODE_VERSION, FROM, TO, ms, cache.root());
        }
        StackConfig cfg = StackConfig.defaults(LocalStack.repoRoot())
                .withPortOffset(2500)
                .withWorkDir(LocalStack.repoRoot().resolve("deploy/local-stack/target/real-stack"))
                .withValidationWindow(Duration.ofSeconds(20));
        long t0 = System.nanoTime();
        stack = LocalStack.start(cfg, LOG::println);
        LOG.printf("[measure] stack started in %d ms%n", (System.nanoTime() - t0) / 1_000_000);
    }

    @AfterAll
    static void stopStack() {
        if (openSsh != null) {
            openSsh.close();
        }
        if (stack != null) {
            rememberGatewayProcesses();
            stack.close();
        }
        // a real gateway does not watch the simulator JVM as the stand-in does: end what is left of ours, by pid
        for (ProcessHandle p : gatewayProcesses) {
            if (p.isAlive()) {
                LOG.println("stopping leftover real gateway process " + p.pid());
                p.destroyForcibly();
            }
        }
    }

    @Test
    @Order(1)
    void cutoverThroughDebiansOpenSshDaemonWithAPinnedHostKeyGoesGreen() throws IOException {
        JsonNode jp = lease("jp-1");
        String probeKey = Files.readString(stack.config().workDir().resolve("keys/probe-jp.pub")).trim();
        openSsh = OpenSshLease.start(stack.config().workDir().resolve("openssh-jp-1"), Path.of(jp.path("home").asText()),
                List.of(probeKey), 0);
        LOG.println("started " + openSsh);
        ObjectNode viaOpenSsh = jp.deepCopy();
        viaOpenSsh.put("sshPort", openSsh.port());
        viaOpenSsh.put("sshUser", openSsh.user());
        viaOpenSsh.put("hostKey", openSsh.hostKey());
        Api.Reply reg = stack.orchestrator().post("/api/v1/leases", viaOpenSsh);
        assertThat(reg.status() / 100).as("re-registration: %s", reg.body()).isEqualTo(2);

        DemoRunner demo = new DemoRunner(stack, LOG);
        long t0 = System.nanoTime();
        String id = demo.start("jp-1", TO);
        JsonNode end = demo.follow(id, Duration.ofMinutes(3));
        LOG.printf("[measure] cutover through OpenSSH: %d ms%n", (System.nanoTime() - t0) / 1_000_000);

        assertThat(end.path("state").asText()).as("final state; reason=%s", end.path("reason")).isEqualTo("GREEN");
        assertThat(RealGatewayMode.startupzVersion(jp.path("gatewayPort").asInt())).isEqualTo(TO);
        String sshdLog = String.join("\n", openSsh.logLines());
        assertThat(sshdLog).as("the worker logged in through OpenSSH").contains("Accepted publickey for " + openSsh.user());
        assertThat(openSsh.isAlive()).isTrue();
    }

    @Test
    @Order(2)
    @Tag("real")
    @DisabledIfSystemProperty(named = "skip.real", matches = "(?i)true")
    void realGatewayCutoverRolledBackDuringValidationRestoresTheSchema17StateAndServes2026_9_5Again() throws IOException {
        JsonNode hk = lease("hk-1");
        Path home = Path.of(hk.path("home").asText());
        int port = hk.path("gatewayPort").asInt();
        RealGatewayMode.RealGateway real = RealGatewayMode.apply(home, FROM, cache, Duration.ofMinutes(3), LOG::println);
        LOG.printf("[measure] real mode applied in %d ms (bootstrap -> ready %d ms)%n", real.applyMillis(), real.readyMillis());
        assertThat(RealGatewayMode.startupzVersion(port)).isEqualTo(FROM);
        assertThat(RealGatewayMode.stateSchema(home, cache)).isEqualTo(17);

        DemoRunner demo = new DemoRunner(stack, LOG);
        long t0 = System.nanoTime();
        String id = demo.start("hk-1", TO);
        JsonNode end = demo.follow(id, "VALIDATING", Duration.ofMinutes(8));
        LOG.printf("[measure] real cutover + rollback: %d ms%n", (System.nanoTime() - t0) / 1_000_000);

        assertThat(end.path("state").asText()).as("final state; reason=%s", end.path("reason")).isEqualTo("ROLLED_BACK");
        assertThat(step(end, "INVENTORY").path("facts").path("plistNodeVersion").asText()).isEqualTo("v" + RealOpenClawCache.NODE_VERSION);
        assertThat(step(end, "RELOAD").path("facts").path("runningVersion").asText()).isEqualTo(TO);
        Path candidate = Path.of(step(end, "INSTALL_CANDIDATE").path("facts").path("candidatePackageRoot").asText());
        assertThat(candidate.resolve("node_modules")).as("the real npm installed the real package with its dependencies")
                .isDirectory();
        assertThat(Files.readString(home.resolve(".sim/applied.log"))).containsPattern(
                "npm install -g --prefix \\S+/\\.openclaw-cutover/versions/" + TO.replace(".", "\\.") + " openclaw@"
                        + TO.replace(".", "\\.") + "\\texit=0");

        assertThat(RealGatewayMode.startupzVersion(port)).isEqualTo(FROM);
        assertThat(RealGatewayMode.stateSchema(home, cache)).as("restored state").isEqualTo(17);
        Path aside;
        try (Stream<Path> kit = Files.list(home.resolve(".openclaw-cutover").resolve(id))) {
            aside = kit.filter(p -> p.getFileName().toString().startsWith("state-aside-")).findFirst()
                    .orElseThrow(() -> new AssertionError("RESTORE moved no state aside in the kit of " + id));
        }
        assertThat(schemaOf(aside.resolve("state/openclaw.sqlite"))).as("the state 2026.9.6 left behind").isEqualTo(18);
    }

    @Test
    @Order(3)
    @Tag("real")
    @DisabledIfSystemProperty(named = "skip.real", matches = "(?i)true")
    void realGatewayCutoverGoesGreenOn2026_9_6WithTheMigratedSchema18State() throws IOException {
        JsonNode hk = lease("hk-1");
        Path home = Path.of(hk.path("home").asText());
        // after ROLLED_BACK the lease stays frozen by the rolled-back cutover (nothing unfreezes it): the operator
        // clears the marker once the rollback is reviewed, before trying again
        Path frozen = home.resolve(".openclaw-cutover/FROZEN");
        assertThat(frozen).as("the rolled-back cutover left the lease frozen").exists();
        Files.delete(frozen);
        DemoRunner demo = new DemoRunner(stack, LOG);
        long t0 = System.nanoTime();
        String id = demo.start("hk-1", TO);
        JsonNode end = demo.follow(id, Duration.ofMinutes(8));
        LOG.printf("[measure] real cutover to GREEN: %d ms%n", (System.nanoTime() - t0) / 1_000_000);

        assertThat(end.path("state").asText()).as("final state; reason=%s", end.path("reason")).isEqualTo("GREEN");
        // VALIDATE's restart drill (kickstart -k) may land at the end of the window, so the real gateway can still be
        // restarting when the cutover turns GREEN: it must come back on 2026.9.6 by itself (KeepAlive)
        long r0 = System.nanoTime();
        RealGatewayMode.awaitReady(hk.path("gatewayPort").asInt(), TO, Duration.ofMinutes(3), home);
        LOG.printf("[measure] 2026.9.6 serving %d ms after GREEN%n", (System.nanoTime() - r0) / 1_000_000);
        assertThat(RealGatewayMode.startupzVersion(hk.path("gatewayPort").asInt())).isEqualTo(TO);
        assertThat(RealGatewayMode.stateSchema(home, cache)).isEqualTo(18);
    }

    @Test
    @Order(4)
    @Tag("real")
    @DisabledIfSystemProperty(named = "skip.real", matches = "(?i)true")
    void withoutTheStateRestoreTheReal2026_9_5RefusesTheMigratedStateWithExit78AndParksItsLaunchAgent() throws IOException {
        JsonNode hk = lease("hk-1");
        Path home = Path.of(hk.path("home").asText());
        Path plist = home.resolve("Library/LaunchAgents/ai.openclaw.gateway.plist");
        Path oldPackage = home.resolve(".npm-global/lib/node_modules/openclaw");
        assertThat(oldPackage.resolve("node_modules")).as("2026.9.5's real package is still installed").isDirectory();
        String uid = sh(home, "id -u").trim();
        String target = "gui/" + uid + "/ai.openclaw.gateway";

        // a package-and-plist-only downgrade, as a careless operator would do it
        sh(home, "launchctl bootout " + target);
        String xml = Files.readString(plist);
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("<string>([^<]*/versions/" + TO.replace(".", "\\.")
                + "/lib/node_modules/openclaw/dist/index\\.js)</string>").matcher(xml);
        assertThat(m.find()).as("the plist runs the candidate after the GREEN cutover: %s", xml).isTrue();
        Files.writeString(plist, xml.replace(m.group(1), oldPackage.resolve("dist/index.js").toString()));
        long t0 = System.nanoTime();
        sh(home, "launchctl bootstrap gui/" + uid + " " + plist);

        String print = "";
        String launchdLog = "";
        long deadline = System.nanoTime() + Duration.ofMinutes(2).toNanos();
        while (System.nanoTime() < deadline) {
            print = sh(home, "launchctl print-disabled gui/" + uid);
            launchdLog = Files.readString(home.resolve(".sim/launchd.log"));
            // parked = disabled by the gateway itself, exited 78, then booted out by its detached helper
            if (print.contains("\"ai.openclaw.gateway\" => disabled")
                    && launchdLog.substring(launchdLog.lastIndexOf(" loaded ai.openclaw.gateway from ")).contains("with code 78")
                    && sh(home, "launchctl print " + target + " >/dev/null 2>&1; echo rc=$?").trim().equals("rc=113")) {
                break;
            }
            sleep(500);
        }
        assertThat(launchdLog.substring(launchdLog.lastIndexOf(" loaded ai.openclaw.gateway from "))).contains("with code 78")
                .contains("not respawning ai.openclaw.gateway: service is disabled");
        assertThat(sh(home, "launchctl print " + target + "; echo rc=$?")).contains("Could not find service").endsWith("rc=113\n");
        LOG.printf("[measure] 2026.9.5 on schema-18 state parked itself %d ms after bootstrap%n", (System.nanoTime() - t0) / 1_000_000);
        assertThat(print).contains("\"ai.openclaw.gateway\" => disabled");
        String log = Files.readString(home.resolve("Library/Logs/openclaw/gateway.log"));
        assertThat(log).contains("refused startup because").contains("uses schema 18; this build supports 17");
        assertThat(RealGatewayMode.stateSchema(home, cache)).as("the refusal did not touch the state").isEqualTo(18);
        assertThat(RealGatewayMode.startupzVersion(hk.path("gatewayPort").asInt())).isNull();
    }

    // ------------------------------------------------------------------------------------------------ helpers

    static JsonNode lease(String id) {
        for (JsonNode l : stack.leases()) {
            if (id.equals(l.path("id").asText())) {
                return l;
            }
        }
        throw new AssertionError("no lease " + id + " in " + stack.leases());
    }

    static JsonNode step(JsonNode cutover, String kind) {
        for (JsonNode s : cutover.path("steps")) {
            if (kind.equals(s.path("kind").asText())) {
                return s;
            }
        }
        throw new AssertionError("no step " + kind + " in " + cutover);
    }

    static int schemaOf(Path sqlite) throws IOException {
        Path tmpHome = Files.createTempDirectory("schema-of");
        try {
            Path state = tmpHome.resolve(".openclaw/state");
            Files.createDirectories(state);
            for (String suffix : List.of("", "-wal", "-shm")) {
                Path f = sqlite.resolveSibling(sqlite.getFileName() + suffix);
                if (Files.exists(f)) {
                    Files.copy(f, state.resolve("openclaw.sqlite" + suffix));
                }
            }
            return RealGatewayMode.stateSchema(tmpHome, cache);
        } finally {
            try (Stream<Path> walk = Files.walk(tmpHome)) {
                walk.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }

    /** A command on the lease, run locally the way a session on it runs (HOME and the shims first on PATH). */
    static String sh(Path home, String command) throws IOException {
        ProcessBuilder pb = new ProcessBuilder("/bin/sh", "-c", command).directory(home.toFile()).redirectErrorStream(true);
        pb.environment().put("HOME", home.toString());
        pb.environment().put("PATH", home.resolve(".sim/bin") + ":" + System.getenv("PATH"));
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes());
        try {
            p.waitFor();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return out;
    }

    /** The real gateway's processes (the listener on hk-1's port and its children), to end any the stack leaves. */
    static void rememberGatewayProcesses() {
        try {
            int port = lease("hk-1").path("gatewayPort").asInt();
            Process p = new ProcessBuilder("lsof", "-t", "-nP", "-iTCP:" + port, "-sTCP:LISTEN").start();
            for (String pid : new String(p.getInputStream().readAllBytes()).trim().split("\\s+")) {
                if (pid.matches("\\d+")) {
                    ProcessHandle.of(Long.parseLong(pid)).ifPresent(h -> {
                        gatewayProcesses.add(h);
                        h.descendants().forEach(gatewayProcesses::add);
                    });
                }
            }
        } catch (IOException | RuntimeException e) {
            LOG.println("cannot list gateway processes: " + e);
        }
    }

    static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
