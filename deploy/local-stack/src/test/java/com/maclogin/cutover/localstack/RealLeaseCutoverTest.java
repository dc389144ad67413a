package com.maclogin.cutover.localstack;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
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
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.condition.DisabledIfSystemProperty;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

/**
 * The product against the real OpenClaw gateway, through the whole local stack (REST, PostgreSQL, Kafka, probe
 * workers as their own JVMs; Debian's OpenSSH daemon in front of a lease is {@link OpenSshCutoverTest}, which runs
 * beside this class):
 * lease hk-4 switched to the <b>real</b> {@code openclaw} 2026.9.5 on Node 26 under the launchd emulator
 * ({@link RealGatewayMode}), the lease's {@code npm} being the real npm.
 * <ul>
 *   <li>In {@code ./run-tests.sh} (the reduced form, one start of the real gateway): the inventory gates read the real
 *       gateway and pass on every check of it; the disk gate refuses; nothing on the lease changes.</li>
 *   <li>With {@code -Dreal.full=true} ({@code ./run-real-tests.sh}, ~10 more minutes under load): a cutover to
 *       2026.9.6 (which migrates the state schema 17 → 18) rolled back by the operator during validation ends
 *       ROLLED_BACK with 2026.9.5 serving on the restored schema-17 state; putting 2026.9.6's migrated state under
 *       2026.9.5 shows why the restore is needed (exit 78, the real gateway parks its LaunchAgent; recovered with the
 *       schema-17 state); then a second cutover goes GREEN on 2026.9.6.</li>
 * </ul>
 * The real-gateway part is tagged {@code real}; {@code -Dskip.real=true} skips it. The npm downloads are
 * cached in {@code ~/.cache/openclaw-cutover} ({@link RealOpenClawCache}).
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
@ExtendWith({RealLeaseCutoverTest.Prefetch.class, SharedStack.class})
@Order(1)
class RealLeaseCutoverTest {

    /**
     * Starts the npm downloads of the real-mode cache (~100 s on a fresh machine, network-bound) before the shared
     * stack's start (CPU-bound) blocks this class, so the two overlap; {@link #prepare()} waits for it.
     */
    static final class Prefetch implements org.junit.jupiter.api.extension.BeforeAllCallback {
        @Override
        public void beforeAll(org.junit.jupiter.api.extension.ExtensionContext context) {
            if (!realSkipped() && cacheReady == null) {
                cacheReady = java.util.concurrent.CompletableFuture.supplyAsync(() -> {
                    try {
                        RealOpenClawCache c = RealOpenClawCache.atDefaultRoot(LOG::println);
                        long ms = c.prepare(List.of(FROM, TO));
                        LOG.printf("[measure] real-mode cache ready (node %s, openclaw %s and %s) in %d ms at %s%n",
                                RealOpenClawCache.NODE_VERSION, FROM, TO, ms, c.root());
                        return c;
                    } catch (IOException e) {
                        throw new java.io.UncheckedIOException(e);
                    }
                });
            }
        }
    }

    static volatile java.util.concurrent.CompletableFuture<RealOpenClawCache> cacheReady;

    static final PrintStream LOG = System.out;
    static final String FROM = RealOpenClawCache.FROM_VERSION;
    static final String TO = RealOpenClawCache.TO_VERSION;

    /** The lease switched to the real gateway (owned by this class). */
    static final String REAL_LEASE = "hk-4";

    static LocalStack stack;
    static RealOpenClawCache cache;
    static boolean realApplied;
    /** The schema-18 state RESTORE moved aside in the rolled-back cutover's kit. */
    static Path migratedStateAside;

    static boolean realSkipped() {
        return "true".equalsIgnoreCase(System.getProperty("skip.real"));
    }

    @BeforeAll
    static void prepare() throws IOException {
        if (!realSkipped()) {
            try {
                cache = cacheReady.join();
            } catch (java.util.concurrent.CompletionException e) {
                throw e.getCause() instanceof java.io.UncheckedIOException u ? u.getCause() : new IOException(e.getCause());
            }
        }
        stack = SharedStack.get();
    }

    @AfterAll
    static void stopRealThings() {
        if (realApplied) {
            // a real gateway does not watch the simulator JVM as the stand-in does: take it out of launchd, then end
            // whatever is left of its process tree by pid
            List<ProcessHandle> gateway = gatewayProcesses();
            try {
                Path home = Path.of(lease(REAL_LEASE).path("home").asText());
                sh(home, "launchctl bootout gui/$(id -u)/ai.openclaw.gateway");
            } catch (IOException | RuntimeException e) {
                LOG.println("cannot boot out the real gateway: " + e);
            }
            for (ProcessHandle p : gateway) {
                if (p.isAlive()) {
                    LOG.println("stopping leftover real gateway process " + p.pid());
                    p.destroyForcibly();
                }
            }
        }
    }

    /**
     * Switches the real lease to the real gateway once, for whichever test comes first: not while the other classes'
     * stacks start (the busiest minutes of the run), since the real gateway's start-up heartbeat has a fixed 5 s.
     */
    static synchronized void applyRealGateway() throws IOException, InterruptedException {
        if (realApplied) {
            return;
        }
        LOG.printf("[measure] real gateway waited %d ms for the other stacks to finish starting%n",
                LocalStack.awaitNoStackStarting(Duration.ofMinutes(4)));
        JsonNode hk = lease(REAL_LEASE);
        Path home = Path.of(hk.path("home").asText());
        int port = hk.path("gatewayPort").asInt();
        realApplied = true;
        // and not beside the fleet of nine or the playbook's trigger rows: on the failed CI run the real gateway hung
        // in three starts in a row (a missed start-up heartbeat, a slow SQLite transaction) while they ran
        QuietMachine.acquire("RealLeaseCutoverTest (the real gateway's start)");
        RealGatewayMode.RealGateway real;
        try {
            real = RealGatewayMode.apply(home, FROM, cache, Duration.ofMinutes(2), LOG::println);
        } finally {
            QuietMachine.release();
        }
        LOG.printf("[measure] real mode applied in %d ms (bootstrap -> ready %d ms)%n", real.applyMillis(), real.readyMillis());
        assertThat(RealGatewayMode.startupzVersion(port)).isEqualTo(FROM);
        assertThat(RealGatewayMode.stateSchema(home, cache)).isEqualTo(17);
    }

    /**
     * The reduced real check of the suite (one start of the real gateway, no install): the inventory gates read the
     * real {@code openclaw} 2026.9.5 under the launchd emulator (its plist's node, its listener, the hashes of its
     * 37,000-file package tree, its version, its launchd job as the probe account) and pass on every one of them; the
     * disk gate (the lease's {@code df} reports 5 % free) refuses the cutover, so nothing on the lease changes and the
     * real gateway keeps serving. The full real cutover, rollback and exit-78 park run with {@code -Dreal.full=true}
     * ({@code ./run-real-tests.sh}).
     */
    @Test
    @Order(1)
    @Tag("real")
    @DisabledIfSystemProperty(named = "skip.real", matches = "(?i)true")
    void theGatesReadTheRealGatewayPassEveryCheckOfItAndTheDiskGateRefusesWithNothingChangedOnTheLease()
            throws IOException, InterruptedException {
        applyRealGateway();
        JsonNode hk = lease(REAL_LEASE);
        Path home = Path.of(hk.path("home").asText());
        int port = hk.path("gatewayPort").asInt();
        Path plist = home.resolve("Library/LaunchAgents/ai.openclaw.gateway.plist");
        byte[] plistBefore = Files.readAllBytes(plist);
        Api.Reply fault = stack.simulator().patch("/v1/leases/" + REAL_LEASE + "/fault-switches", "{\"diskFreePercent\":5}");
        assertThat(fault.status()).as("fault switch: %s", fault.body()).isEqualTo(200);
        JsonNode end;
        long t0 = System.nanoTime();
        try {
            DemoRunner demo = new DemoRunner(stack, LOG);
            end = demo.follow(demo.start(REAL_LEASE, TO), Duration.ofMinutes(4));
        } finally {
            stack.simulator().delete("/v1/leases/" + REAL_LEASE + "/fault-switches");
        }
        LOG.printf("[measure] gates against the real gateway: %d ms%n", (System.nanoTime() - t0) / 1_000_000);

        assertThat(end.path("state").asText()).as("final state; reason=%s", end.path("reason")).isEqualTo("FAILED");
        assertThat(end.path("reason").asText()).containsIgnoringCase("disk");
        JsonNode inventory = step(end, "INVENTORY").path("facts");
        assertThat(inventory.path("plistNodeVersion").asText()).isEqualTo("v" + RealOpenClawCache.NODE_VERSION);
        List<String> gates = new ArrayList<>();
        stack.orchestrator().get("/api/v1/cutovers/" + end.path("id").asText() + "/audit").body().forEach(a -> {
            if ("GATE".equals(a.path("action").asText())) {
                gates.add(a.path("detail").asText());
            }
        });
        for (String gate : List.of("NODE_MAJOR_LOCK", "PORT_MAP", "ARTIFACT_HASHES", "PREVIOUS_VERSION", "PROBE_LAUNCHD_READ")) {
            assertThat(gates).as("gate %s against the real gateway", gate).anySatisfy(g -> assertThat(g).startsWith(gate + " PASSED"));
        }
        assertThat(gates).anySatisfy(g -> assertThat(g).startsWith("DISK FAILED"));
        List<String> kinds = new ArrayList<>();
        end.path("steps").forEach(s -> kinds.add(s.path("kind").asText()));
        assertThat(kinds).doesNotContain("FREEZE", "SNAPSHOT", "INSTALL_CANDIDATE", "FLIP_PLIST");
        assertThat(Files.readAllBytes(plist)).as("the plist is untouched").isEqualTo(plistBefore);
        assertThat(home.resolve(".openclaw-cutover/FROZEN")).doesNotExist();
        assertThat(RealGatewayMode.startupzVersion(port)).isEqualTo(FROM);
        assertThat(RealGatewayMode.stateSchema(home, cache)).isEqualTo(17);
    }

    @Test
    @Order(2)
    @Tag("real")
    @DisabledIfSystemProperty(named = "skip.real", matches = "(?i)true")
    @EnabledIfSystemProperty(named = "real.full", matches = "(?i)true")
    void realGatewayCutoverRolledBackDuringValidationRestoresTheSchema17StateAndServes2026_9_5Again()
            throws IOException, InterruptedException {
        applyRealGateway();
        JsonNode hk = lease(REAL_LEASE);
        Path home = Path.of(hk.path("home").asText());
        int port = hk.path("gatewayPort").asInt();
        assertThat(RealGatewayMode.startupzVersion(port)).isEqualTo(FROM);

        DemoRunner demo = new DemoRunner(stack, LOG);
        long t0 = System.nanoTime();
        String id = demo.start(REAL_LEASE, TO);
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
        migratedStateAside = aside.resolve("state");
    }

    @Test
    @Order(3)
    @Tag("real")
    @DisabledIfSystemProperty(named = "skip.real", matches = "(?i)true")
    @EnabledIfSystemProperty(named = "real.full", matches = "(?i)true")
    void withoutTheStateRestoreTheReal2026_9_5RefusesTheMigratedStateWithExit78AndParksItsLaunchAgent() throws IOException {
        assertThat(migratedStateAside).as("the rolled-back cutover kept 2026.9.6's schema-18 state aside").isNotNull();
        JsonNode hk = lease(REAL_LEASE);
        Path home = Path.of(hk.path("home").asText());
        int port = hk.path("gatewayPort").asInt();
        String uid = sh(home, "id -u").trim();
        String target = "gui/" + uid + "/ai.openclaw.gateway";
        Path plist = home.resolve("Library/LaunchAgents/ai.openclaw.gateway.plist");
        Path state = home.resolve(".openclaw/state");
        Path restored = home.resolve(".openclaw/state.schema17");

        // what a package-and-plist-only rollback leaves: 2026.9.5 (the restored package and plist) on the state
        // 2026.9.6 migrated to schema 18
        sh(home, "launchctl bootout " + target);
        Files.move(state, restored);
        sh(home, "cp -Rp '" + migratedStateAside + "' '" + state + "'");
        assertThat(RealGatewayMode.stateSchema(home, cache)).isEqualTo(18);
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
        assertThat(RealGatewayMode.startupzVersion(port)).isNull();

        // recovery the way the runbook does it: the schema-17 state back, the agent enabled and bootstrapped again
        sh(home, "rm -rf '" + state + "'");
        Files.move(restored, state);
        sh(home, "launchctl enable " + target + " && launchctl bootstrap gui/" + uid + " " + plist);
        RealGatewayMode.awaitReady(port, FROM, Duration.ofMinutes(3), home);
        assertThat(RealGatewayMode.startupzVersion(port)).isEqualTo(FROM);
    }

    @Test
    @Order(4)
    @Tag("real")
    @DisabledIfSystemProperty(named = "skip.real", matches = "(?i)true")
    @EnabledIfSystemProperty(named = "real.full", matches = "(?i)true")
    void realGatewayCutoverGoesGreenOn2026_9_6WithTheMigratedSchema18State() throws IOException {
        JsonNode hk = lease(REAL_LEASE);
        Path home = Path.of(hk.path("home").asText());
        // RESTORE lifted the rolled-back cutover's freeze: a new cutover may start right away
        assertThat(home.resolve(".openclaw-cutover/FROZEN")).as("the rollback lifted its own freeze").doesNotExist();
        DemoRunner demo = new DemoRunner(stack, LOG);
        long t0 = System.nanoTime();
        // a 90 s window (longer than the stack's: tightening needs no override): the real gateway takes ~14 s to come
        // back from VALIDATE's restart drill, and in the stack's short window that left too few usable INTEGRATION
        // samples, a blind window the product rightly refuses to call GREEN
        java.util.Map<String, Object> body = DemoRunner.demoRequest(REAL_LEASE, TO);
        body.put("validation", java.util.Map.of("windowSeconds", 90));
        Api.Reply started = stack.orchestrator().post("/api/v1/cutovers", body);
        assertThat(started.status()).as("start: %s", started.body()).isEqualTo(201);
        String id = started.body().path("id").asText();
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

    // ------------------------------------------------------------------------------------------------ helpers

    static JsonNode lease(String id) {
        return SharedStack.lease(id);
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

    /** The real gateway's processes (the listener on the real lease's port and its children). */
    static List<ProcessHandle> gatewayProcesses() {
        List<ProcessHandle> found = new ArrayList<>();
        try {
            int port = lease(REAL_LEASE).path("gatewayPort").asInt();
            Process p = new ProcessBuilder("lsof", "-t", "-nP", "-iTCP:" + port, "-sTCP:LISTEN").start();
            for (String pid : new String(p.getInputStream().readAllBytes()).trim().split("\\s+")) {
                if (pid.matches("\\d+")) {
                    ProcessHandle.of(Long.parseLong(pid)).ifPresent(h -> {
                        found.add(h);
                        h.descendants().forEach(found::add);
                    });
                }
            }
        } catch (IOException | RuntimeException e) {
            LOG.println("cannot list gateway processes: " + e);
        }
        return found;
    }

    static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
