package com.maclogin.cutover.localstack;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * Fleet cutovers on the real stack (real broker, PostgreSQL, SSH, simulated leases, every service as its own process),
 * on a stack of its own: 9 leases in three regions (HK, JP, SG; {@code <region>-1} STAGING, the others PRODUCTION),
 * starting at 2026.9.1, upgraded by three fleets one after the other:
 * <ol>
 *   <li>to 2026.9.2, everything GREEN, the waves in order, never more than {@code maxParallel} leases between
 *       FLIP_PLIST and GREEN at once (computed from the stored step timestamps), the orchestrator SIGKILLed in the
 *       middle of a wave and restarted: no lease started twice, no wave skipped, one banner per chat channel;</li>
 *   <li>to 2026.9.3 on the JP leases, refused by a deployment window (today blacked out), let through by the audited
 *       override; the candidate crash-loops on every production lease: the canary wave breaches and the fleet rolls
 *       that wave back ({@code onFailure: rollbackWave}); no lease outside the staging and canary waves was touched;</li>
 *   <li>at the same time, to 2026.9.3 on two production leases of SG and two of HK: SG's path is broken (the disk of
 *       every SG lease, the control leases included, reports 6 % free): only SG pauses, the failure is not counted
 *       against the candidate, HK goes GREEN.</li>
 * </ol>
 * The last two fleets share no lease, so they overlap: the third test's fleet is started by the second test and goes
 * once the second fleet's staging wave (jp-1) is GREEN on 2026.9.3 (the STAGING_FIRST gate), beside its canary wave;
 * one fleet's failure must not leak into the other's.
 * Runs at the same time as the other end-to-end classes (junit-platform.properties), on its own ports, holding
 * {@link QuietMachine} from its start to the end of the fleet of nine: the playbook's trigger rows run after that
 * fleet, not beside it (the two smaller fleets may run beside them).
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
@Order(1)
class FleetEndToEndTest {

    static final List<String> REGIONS = List.of("hk", "jp", "sg");
    static final Map<String, String> POOL = Map.of("pool", "fleet-e2e");
    static final List<String> JP = List.of("jp-1", "jp-2", "jp-3");
    static LocalStack stack;
    static FleetRunner fleets;
    /** The region fleet of the third test, started by the second so the two run side by side. */
    static CompletableFuture<RegionFleet> regionFleet;
    static boolean permit;
    static final List<String> STAGING = List.of("hk-1", "jp-1", "sg-1");
    static final List<String> PRODUCTION = List.of("hk-2", "hk-3", "jp-2", "jp-3", "sg-2", "sg-3");

    @BeforeAll
    static void start() throws IOException, InterruptedException {
        // first, before the stack starts: the playbook's trigger rows then run after the fleets, when the machine is quiet
        QuietMachine.acquire("FleetEndToEndTest");
        permit = true;
        StackConfig cfg = StackConfig.defaults(LocalStack.repoRoot()).withPortOffset(2000)
                .withWorkDir(LocalStack.repoRoot().resolve("deploy/local-stack/target/fleet-stack"))
                .withRegions(REGIONS).withLeasesPerRegion(3).withVersions("2026.9.1", "2026.9.2")
                // 20 s: early in the suite (every stack starting, load average 60 on 2 cores) a 10 s window got two probe
                // rounds, a blind window, and the staging wave rolled back (a correct verdict, not what this test is about)
                .withValidationWindow(Duration.ofSeconds(20));
        long t0 = System.nanoTime();
        stack = LocalStack.start(cfg, System.out::println);
        System.out.printf("[measure] fleet stack (%d leases) started in %d ms%n", cfg.leaseIds().size(),
                (System.nanoTime() - t0) / 1_000_000);
        fleets = new FleetRunner(stack, System.out);
        fleets.register(STAGING, "STAGING", POOL);
        fleets.register(PRODUCTION, "PRODUCTION", POOL);
    }

    /**
     * Gives the timing-sensitive permit back once the fleet of nine has settled: the two smaller fleets after it (one
     * canary wave, four leases) may run beside the playbook's trigger rows; the nine-lease fleet may not.
     */
    static synchronized void releasePermit() {
        if (permit) {
            permit = false;
            QuietMachine.release();
        }
    }

    @AfterAll
    static void stop() {
        releasePermit();
        if (stack != null) {
            stack.close();
        }
    }

    @Test
    @Order(1)
    void nineLeasesInThreeRegionsGoGreenWaveByWaveWithinMaxParallelAndAKilledOrchestratorResumesTheFleet()
            throws Exception {
        Map<String, Object> plan = FleetRunner.plan(Map.of("count", 1, "bakeSeconds", 2), List.of("HK", "JP", "SG"), 3,
                "halt", REGIONS);
        String ticket = "FLEET-GREEN";
        long t0 = System.nanoTime();
        String id = fleets.start(FleetRunner.request("2026.9.2", ticket, POOL, plan, 0));

        AtomicBoolean killed = new AtomicBoolean();
        JsonNode end = fleets.follow(id, FleetRunner.SETTLED, Duration.ofMinutes(10), v -> {
            // SIGKILL the orchestrator while the JP wave (index 3) has leases in flight, then start it again
            if (!killed.get() && v.path("currentWave").asInt(-1) == 3 && "RUNNING".equals(v.path("state").asText())
                    && v.path("counts").path("IN_FLIGHT").asInt() > 0) {
                killed.set(true);
                System.out.println("[fleet-e2e] kill -9 orchestrator-service during wave 3");
                stack.kill("orchestrator-service");
                try {
                    Thread.sleep(2000);
                    stack.restart("orchestrator-service");
                } catch (Exception e) {
                    throw new IllegalStateException("orchestrator restart", e);
                }
            }
        });
        System.out.printf("[measure] fleet of 9 to GREEN: %d ms%n", (System.nanoTime() - t0) / 1_000_000);
        releasePermit();

        assertThat(killed).as("the orchestrator was killed mid-wave").isTrue();
        assertThat(end.path("state").asText()).as(FleetRunner.progress(end)).isEqualTo("DONE");
        assertThat(end.path("counts").path("GREEN").asInt()).isEqualTo(9);
        assertThat(end.path("budget").path("totalUsed").asInt()).isZero();

        // the waves in order: staging, canary, HK, JP, SG, each starting after the previous one ended
        List<JsonNode> waves = new ArrayList<>();
        end.path("waves").forEach(waves::add);
        assertThat(waves).extracting(w -> w.path("kind").asText() + ":" + w.path("region").asText(""))
                .containsExactly("STAGING:", "CANARY:", "REGION:HK", "REGION:JP", "REGION:SG");
        for (int i = 1; i < waves.size(); i++) {
            assertThat(Instant.parse(waves.get(i).path("startedAt").asText()))
                    .as("wave %d starts after wave %d ended", i, i - 1)
                    .isAfterOrEqualTo(Instant.parse(waves.get(i - 1).path("endedAt").asText()));
        }
        assertThat(waves.get(0).path("leaseIds")).extracting(JsonNode::asText)
                .containsExactlyInAnyOrderElementsOf(STAGING);

        // every lease exactly once: one cutover of this fleet per lease, GREEN on 2026.9.2
        List<long[]> flipToGreen = new ArrayList<>();
        for (String lease : all()) {
            List<JsonNode> mine = cutovers(lease, id);
            assertThat(mine).as("cutovers of fleet %s on %s", id, lease).hasSize(1);
            JsonNode c = stack.orchestrator().get("/api/v1/cutovers/" + mine.get(0).path("id").asText()).body();
            assertThat(c.path("state").asText()).isEqualTo("GREEN");
            assertThat(c.path("fleetId").asText()).isEqualTo(id);
            Instant flip = stepStart(c, "FLIP_PLIST");
            flipToGreen.add(new long[] {flip.toEpochMilli(), Instant.parse(c.path("endedAt").asText()).toEpochMilli()});
        }
        int most = maxOverlap(flipToGreen);
        System.out.printf("[measure] most leases between FLIP_PLIST and GREEN at once: %d (maxParallel 3)%n", most);
        assertThat(most).isBetween(1, 3);

        // every wave transition audited with its actor; the restart is visible as the reconciler carrying on
        String audit = stack.orchestrator().get("/api/v1/fleet-cutovers/" + id + "/audit").body().toString();
        assertThat(audit).contains("WAVE_STARTED", "WAVE_ENDED");

        // one fleet thread per channel: one banner, no per-lease banner
        JsonNode chat = awaitChat(ticket, "[FLEET MAINTENANCE]", 2);
        assertThat(count(chat, "[FLEET MAINTENANCE] Fleet cutover " + ticket)).isEqualTo(2);
        assertThat(count(chat, "[MAINTENANCE]", ticket)).as("per-lease banners").isZero();
    }

    @Test
    @Order(2)
    void aClosedWindowRefusesTheFleetTheOverrideLetsItThroughAndACrashLoopingCanaryRollsBackOnlyItsWave()
            throws Exception {
        regionFleet = CompletableFuture.supplyAsync(FleetEndToEndTest::runRegionFleet);
        Map<String, Object> plan = FleetRunner.plan(Map.of("count", 1, "bakeSeconds", 2), List.of("JP"), 3,
                "rollbackWave", REGIONS);
        // today (in each region's zone) is a blackout date
        Map<String, Object> windows = new LinkedHashMap<>();
        Map<String, String> zones = Map.of("HK", "Asia/Hong_Kong", "JP", "Asia/Tokyo", "SG", "Asia/Singapore");
        zones.forEach((r, z) -> windows.put(r, Map.of("fromHour", 0, "toHour", 24, "allowFridayAfternoonAndWeekend",
                true, "blackoutDates", List.of(LocalDate.now(ZoneId.of(z)).toString(),
                        LocalDate.now(ZoneId.of(z)).plusDays(1).toString()))));
        plan.put("windows", windows);
        String ticket = "FLEET-CRASH";
        Map<String, Object> body = FleetRunner.request("2026.9.3", ticket, POOL, plan, 0);
        body.put("selector", Map.of("leaseIds", JP));

        Api.Reply refused = stack.orchestrator().post("/api/v1/fleet-cutovers", body);
        assertThat(refused.status()).as(refused.body().toString()).isEqualTo(409);
        assertThat(refused.body().toString()).containsIgnoringCase("blackout");

        plan.put("windowOverride", Map.of("approver", "Sam Ortiz", "reason", "e2e: the fix must ship today"));
        String id = fleets.start(body);

        Set<String> injected = new HashSet<>();
        Set<String> cleared = new HashSet<>();
        JsonNode end = fleets.follow(id, FleetRunner.ENDED, Duration.ofMinutes(6), v -> {
            // the candidate crash-loops on every production lease: the service env file breaks after the flip
            for (JsonNode l : v.path("leases")) {
                String lease = l.path("leaseId").asText();
                String state = l.path("cutoverState").asText("");
                try {
                    if (PRODUCTION.contains(lease) && "VALIDATING".equals(state) && injected.add(lease)) {
                        stack.simulator().patch("/v1/leases/" + lease + "/fault-switches", "{\"envFile\":\"INVALID\"}");
                    }
                    if (injected.contains(lease) && state.startsWith("ROLL") && cleared.add(lease)) {
                        stack.simulator().delete("/v1/leases/" + lease + "/fault-switches");
                    }
                } catch (IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            }
        });

        assertThat(end.path("state").asText()).as(FleetRunner.progress(end)).isEqualTo("ROLLED_BACK");
        assertThat(injected).as("only the canary lease reached VALIDATE").hasSize(1);
        String canary = injected.iterator().next();
        List<JsonNode> canaryCutovers = cutovers(canary, id);
        assertThat(canaryCutovers).hasSize(1);
        assertThat(canaryCutovers.get(0).path("state").asText()).isEqualTo("ROLLED_BACK");
        assertThat(cutovers("jp-1", id)).as("jp-1, the staging wave").hasSize(1)
                .allSatisfy(c -> assertThat(c.path("state").asText()).isEqualTo("GREEN"));
        for (String lease : PRODUCTION) {
            if (!lease.equals(canary)) {
                assertThat(cutovers(lease, id)).as("%s is outside the canary wave and untouched", lease).isEmpty();
            }
        }
        String audit = stack.orchestrator().get("/api/v1/fleet-cutovers/" + id + "/audit").body().toString();
        assertThat(audit).contains("Sam Ortiz").contains("e2e: the fix must ship today");
    }

    @Test
    @Order(3)
    void aRegionWhoseControlLeasesFailTooPausesAloneWithoutChargingTheCandidateWhileTheOtherRegionGoesGreen()
            throws Exception {
        if (regionFleet == null) { // run on its own (-Dtest=...#this method)
            regionFleet = CompletableFuture.supplyAsync(FleetEndToEndTest::runRegionFleet);
        }
        RegionFleet run = regionFleet.get(10, TimeUnit.MINUTES);
        String id = run.id();
        JsonNode end = run.end();
        AtomicBoolean regionFaulted = run.regionFaulted();

        assertThat(regionFaulted).as("an SG lease was seen VALIDATING (the fault goes in then); the fleet ended %s; leases %s",
                FleetRunner.progress(end), end.path("leases")).isTrue();
        assertThat(end.path("pausedRegions").toString()).as(FleetRunner.progress(end)).contains("SG");
        assertThat(end.path("budget").path("totalUsed").asInt()).as("the broken path is not the candidate's fault")
                .isZero();
        for (String lease : List.of("hk-2", "hk-3")) {
            assertThat(cutovers(lease, id)).as(lease).hasSize(1)
                    .allSatisfy(c -> assertThat(c.path("state").asText()).isEqualTo("GREEN"));
        }
        long sgStarted = List.of("sg-2", "sg-3").stream().filter(l -> {
            try {
                return !cutovers(l, id).isEmpty();
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        }).count();
        assertThat(sgStarted).as("one SG lease was started, then the region paused").isEqualTo(1);
        String audit = stack.orchestrator().get("/api/v1/fleet-cutovers/" + id + "/audit").body().toString();
        assertThat(audit).contains("CONTROL_CHECK");
        JsonNode chat = awaitChat("FLEET-REGION", "[REGION PAUSED]", 2);
        assertThat(count(chat, "[REGION PAUSED] Fleet FLEET-REGION: region SG")).isEqualTo(2);
    }

    record RegionFleet(String id, JsonNode end, AtomicBoolean regionFaulted) {
    }

    /**
     * The third test's fleet (two SG and two HK leases, SG's path broken), run to its settled state: started by the
     * second test so the two fleets run at the same time.
     */
    static RegionFleet runRegionFleet() {
        try {
            return regionFleetToSettled();
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private static RegionFleet regionFleetToSettled() throws IOException, InterruptedException {
        // the STAGING_FIRST gate: a production lease takes 2026.9.3 only after a staging lease went GREEN on it, which the
        // second test's staging wave (jp-1) does first
        awaitGreenOnStaging("jp-1", "2026.9.3", Duration.ofMinutes(6));
        Map<String, Object> plan = FleetRunner.plan(Map.of("count", 0), List.of("SG", "HK"), 1, "halt", REGIONS);
        plan.put("continueOtherRegions", true);
        Map<String, Object> body = FleetRunner.request("2026.9.3", "FLEET-REGION", POOL, plan, 0);
        // two SG leases (one is started, one stays unstarted), two HK leases: one at a time
        body.put("selector", Map.of("leaseIds", List.of("sg-2", "sg-3", "hk-2", "hk-3")));
        String id = fleets.start(body);

        List<String> sg = List.of("sg-1", "sg-2", "sg-3");
        Set<String> broken = new HashSet<>();
        AtomicBoolean regionFaulted = new AtomicBoolean();
        AtomicBoolean regionCleared = new AtomicBoolean();
        JsonNode end = fleets.follow(id, Set.of("DONE", "PAUSED", "HALTED", "ROLLED_BACK", "ABORTED"),
                Duration.ofMinutes(6), v -> {
                    try {
                        for (JsonNode l : v.path("leases")) {
                            String lease = l.path("leaseId").asText();
                            String state = l.path("cutoverState").asText("");
                            // the region's disk path breaks under the first SG lease's validation: every SG lease
                            if (lease.startsWith("sg-") && "VALIDATING".equals(state) && regionFaulted.compareAndSet(false, true)) {
                                for (String s : sg) {
                                    stack.simulator().patch("/v1/leases/" + s + "/fault-switches", "{\"diskFreePercent\":6}");
                                }
                                broken.add(lease);
                            }
                            // the breached lease's own rollback must verify on a healthy disk
                            if (broken.contains(lease) && state.startsWith("ROLL")) {
                                stack.simulator().delete("/v1/leases/" + lease + "/fault-switches");
                            }
                        }
                        if (!regionCleared.get() && v.path("pausedRegions").toString().contains("SG")) {
                            regionCleared.set(true);
                            for (String s : sg) {
                                stack.simulator().delete("/v1/leases/" + s + "/fault-switches");
                            }
                        }
                    } catch (IOException e) {
                        throw new java.io.UncheckedIOException(e);
                    }
                });
        // the fleet settles once HK is done and SG waits paused
        return new RegionFleet(id, settleHk(id, end), regionFaulted);

    }

    // ---------------------------------------------------------------------------------------------- helpers

    /** Waits until {@code lease} has a GREEN cutover to {@code version}. */
    private static void awaitGreenOnStaging(String lease, String version, Duration within)
            throws IOException, InterruptedException {
        long deadline = System.nanoTime() + within.toNanos();
        while (System.nanoTime() < deadline) {
            for (JsonNode c : stack.orchestrator().get("/api/v1/cutovers?lease=" + lease + "&limit=100").body()) {
                if ("GREEN".equals(c.path("state").asText()) && version.equals(c.path("candidateVersion").asText())) {
                    return;
                }
            }
            Thread.sleep(1000);
        }
        throw new AssertionError("no GREEN cutover to " + version + " on " + lease + " within " + within);
    }

    /** Waits (up to 4 minutes) until the HK leases of the fleet ended, returning the last view. */
    private static JsonNode settleHk(String id, JsonNode last) throws IOException, InterruptedException {
        long deadline = System.nanoTime() + Duration.ofMinutes(4).toNanos();
        JsonNode v = last;
        while (System.nanoTime() < deadline) {
            v = stack.orchestrator().get("/api/v1/fleet-cutovers/" + id).body();
            boolean hkDone = true;
            for (JsonNode l : v.path("leases")) {
                if (l.path("leaseId").asText().startsWith("hk-")
                        && !DemoRunner.TERMINAL.contains(l.path("cutoverState").asText(""))) {
                    hkDone = false;
                }
            }
            if (hkDone && v.path("leases").toString().contains("hk-3")) {
                return v;
            }
            Thread.sleep(500);
        }
        return v;
    }

    static List<String> all() {
        List<String> a = new ArrayList<>(STAGING);
        a.addAll(PRODUCTION);
        return a;
    }

    /** The lease's cutovers that belong to {@code fleetId}. */
    static List<JsonNode> cutovers(String lease, String fleetId) throws IOException {
        List<JsonNode> out = new ArrayList<>();
        for (JsonNode c : stack.orchestrator().get("/api/v1/cutovers?lease=" + lease + "&limit=100").body()) {
            if (fleetId.equals(c.path("fleetId").asText())) {
                out.add(c);
            }
        }
        return out;
    }

    static Instant stepStart(JsonNode cutover, String kind) {
        for (JsonNode s : cutover.path("steps")) {
            if (kind.equals(s.path("kind").asText())) {
                return Instant.parse(s.path("startedAt").asText());
            }
        }
        throw new AssertionError("no " + kind + " in " + cutover.path("id"));
    }

    /** The largest number of intervals [from, to] that overlap at one instant. */
    static int maxOverlap(List<long[]> intervals) {
        List<long[]> edges = new ArrayList<>();
        for (long[] i : intervals) {
            edges.add(new long[] {i[0], 1});
            edges.add(new long[] {i[1], -1});
        }
        // an interval that ends at the instant another starts does not overlap it
        edges.sort((a, b) -> a[0] != b[0] ? Long.compare(a[0], b[0]) : Long.compare(a[1], b[1]));
        int now = 0;
        int most = 0;
        for (long[] e : edges) {
            now += (int) e[1];
            most = Math.max(most, now);
        }
        return most;
    }

    static JsonNode awaitChat(String ticket, String marker, int atLeast) throws IOException, InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        JsonNode msgs = stack.chatMessages();
        while (count(msgs, marker, ticket) < atLeast && System.nanoTime() < deadline) {
            Thread.sleep(500);
            msgs = stack.chatMessages();
        }
        return msgs;
    }

    static int count(JsonNode msgs, String prefix) {
        int n = 0;
        for (JsonNode m : msgs) {
            if (m.path("text").asText().startsWith(prefix)) {
                n++;
            }
        }
        return n;
    }

    static int count(JsonNode msgs, String prefix, String containing) {
        int n = 0;
        for (JsonNode m : msgs) {
            String t = m.path("text").asText();
            if (t.startsWith(prefix) && t.contains(containing)) {
                n++;
            }
        }
        return n;
    }
}
