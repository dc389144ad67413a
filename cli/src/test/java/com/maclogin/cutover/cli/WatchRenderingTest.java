package com.maclogin.cutover.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** watch without a network: a scripted sequence of API answers, a fake clock, captured output. */
class WatchRenderingTest {

    @TempDir
    Path dir;

    static JsonNode cutover(String state, String step, String outcome, int breaches) throws Exception {
        StringBuilder audit = new StringBuilder("[{\"action\":\"CUTOVER_REQUESTED\",\"detail\":\"x\"}");
        for (int i = 0; i < breaches; i++) {
            audit.append(",{\"action\":\"BREACH\",\"at\":\"t\",\"detail\":\"ERROR_RATE 7.5% > 5%\"}");
        }
        audit.append(']');
        return Api.JSON.readTree("""
                {"id":"c-1","leaseId":"hk-5","region":"HK","state":"%s","epoch":1,"currentStep":"%s",
                 "previousVersion":"2026.9.5","candidateVersion":"2026.9.6","ticketId":"CHG-1",
                 "steps":[{"kind":"%s","attempt":1,"state":"DONE","outcome":"%s","durationMillis":12}],
                 "audit":%s}""".formatted(state, step, step, outcome, audit));
    }

    /** Runs a watcher over the answers; the last answer repeats. */
    static int watch(TestEnv t, Watcher.Mode mode, Duration timeout, JsonNode... answers) {
        Deque<JsonNode> q = new ArrayDeque<>(List.of(answers));
        Watcher w = new Watcher(() -> q.size() > 1 ? q.poll() : q.peek(), Snapshot::ofCutover,
                s -> ExitCodes.forCutoverState(s.state(), false), Blocks::cutover, mode, t.env.out(), t.env.err(),
                t.env.clock(), t.env.sleeper());
        return w.run(Duration.ofSeconds(1), timeout);
    }

    @Test
    void oneLinePerChangeAndExitZeroOnGreen() throws Exception {
        TestEnv t = new TestEnv(Map.of(), dir, false);
        int code = watch(t, Watcher.Mode.LINES, null, cutover("RUNNING", "SNAPSHOT", "SUCCEEDED", 0),
                cutover("RUNNING", "SNAPSHOT", "SUCCEEDED", 0), cutover("VALIDATING", "VALIDATE", "PENDING", 0),
                cutover("VALIDATING", "VALIDATE", "PENDING", 0), cutover("GREEN", "VALIDATE", "SUCCEEDED", 0));

        assertThat(code).isZero();
        List<String> lines = t.out.toString().lines().toList();
        assertThat(lines).containsExactly(
                "2026-12-05T10:00:00Z hk-5 RUNNING step SNAPSHOT#1 SUCCEEDED epoch 1 breaches 0",
                "2026-12-05T10:00:02Z hk-5 VALIDATING step VALIDATE#1 PENDING epoch 1 breaches 0",
                "2026-12-05T10:00:04Z hk-5 GREEN step VALIDATE#1 SUCCEEDED epoch 1 breaches 0");
        assertThat(t.out.toString()).doesNotContain("\u001b[");
    }

    @Test
    void jsonIsOneStableObjectPerChangeWithTheFinalOneCarryingTheExitCode() throws Exception {
        TestEnv t = new TestEnv(Map.of(), dir, false);
        int code = watch(t, Watcher.Mode.JSON, null, cutover("VALIDATING", "VALIDATE", "PENDING", 0),
                cutover("VALIDATING", "VALIDATE", "PENDING", 1), cutover("ROLLING_BACK", "VALIDATE", "FAILED", 1),
                cutover("ROLLED_BACK", "VALIDATE", "FAILED", 1));

        assertThat(code).isEqualTo(ExitCodes.ROLLED_BACK);
        List<JsonNode> events = new ArrayList<>();
        for (String line : t.out.toString().lines().toList()) {
            events.add(Api.JSON.readTree(line));
        }
        assertThat(events).extracting(e -> e.path("state").asText())
                .containsExactly("VALIDATING", "VALIDATING", "ROLLING_BACK", "ROLLED_BACK");
        assertThat(events.get(1).path("breaches").asInt()).isEqualTo(1);
        assertThat(events.get(1).path("lastBreach").asText()).isEqualTo("ERROR_RATE 7.5% > 5%");
        List<String> names = new ArrayList<>();
        events.get(0).fieldNames().forEachRemaining(names::add);
        assertThat(names).containsExactly("event", "at", "id", "leaseId", "state", "epoch", "step", "stepAttempt",
                "stepOutcome", "breaches", "lastBreach", "reason", "final", "exitCode");
        assertThat(events.get(0).path("final").asBoolean()).isFalse();
        assertThat(events.get(0).path("exitCode").isNull()).isTrue();
        assertThat(events.get(3).path("final").asBoolean()).isTrue();
        assertThat(events.get(3).path("exitCode").asInt()).isEqualTo(ExitCodes.ROLLED_BACK);
    }

    @Test
    void onATerminalTheBlockIsRedrawnInPlace() throws Exception {
        TestEnv t = new TestEnv(Map.of(), dir, true);
        watch(t, Watcher.Mode.TERMINAL, null, cutover("RUNNING", "FREEZE", "SUCCEEDED", 0),
                cutover("GREEN", "VALIDATE", "SUCCEEDED", 0));
        String s = t.out.toString();
        // the first block is 4 lines (header, state, one step, the status line): cursor up 4, clear to the end
        assertThat(s).contains("\u001b[4A\u001b[J");
        assertThat(s).contains("cutover c-1  lease hk-5 (HK)  2026.9.5 -> 2026.9.6  ticket CHG-1");
    }

    @Test
    void aTimeoutExitsWithEightAndPausedWithSeven() throws Exception {
        TestEnv t = new TestEnv(Map.of(), dir, false);
        assertThat(watch(t, Watcher.Mode.JSON, Duration.ofSeconds(5), cutover("RUNNING", "SNAPSHOT", "PENDING", 0)))
                .isEqualTo(ExitCodes.TIMEOUT);
        String last = t.out.toString().lines().reduce((a, b) -> b).orElseThrow();
        assertThat(Api.JSON.readTree(last).path("event").asText()).isEqualTo("timeout");
        assertThat(t.now).isEqualTo(java.time.Instant.parse("2026-12-05T10:00:05Z"));

        TestEnv p = new TestEnv(Map.of(), dir, false);
        assertThat(watch(p, Watcher.Mode.LINES, null, cutover("PAUSED", "SNAPSHOT", "SUCCEEDED", 0)))
                .isEqualTo(ExitCodes.NEEDS_OPERATOR);
    }

    @Test
    void anApiErrorStopsTheWatchWithItsCodeAndTheProblemDetail() {
        TestEnv t = new TestEnv(Map.of(), dir, false);
        Watcher w = new Watcher(() -> {
            throw new ApiError(404, Api.problem(404, "{\"title\":\"Not Found\",\"detail\":\"cutover c-9 not found\"}".getBytes()));
        }, Snapshot::ofCutover, s -> null, Blocks::cutover, Watcher.Mode.LINES, t.env.out(), t.env.err(), t.env.clock(),
                t.env.sleeper());
        assertThat(w.run(Duration.ofSeconds(1), null)).isEqualTo(ExitCodes.NOT_FOUND);
        assertThat(t.err.toString()).isEqualTo("cutover: HTTP 404 Not Found: cutover c-9 not found\n");
    }

    @Test
    void fleetEventsChangeOnWaveAndCountsButNotOnTheNextActionsTime() throws Exception {
        JsonNode a = Api.JSON.readTree("""
                {"id":"f-1","state":"RUNNING","currentWave":0,"currentWaveName":"staging","counts":{"IN_FLIGHT":2},
                 "budget":{"waveUsed":0,"waveAllowed":1,"totalUsed":0,"totalAllowed":2},"next":{"action":"wait","at":"t1"}}""");
        JsonNode b = Api.JSON.readTree(a.toString().replace("t1", "t2"));
        JsonNode c = Api.JSON.readTree(a.toString().replace("\"currentWave\":0", "\"currentWave\":1"));
        assertThat(Snapshot.ofFleet(b).changedFrom(Snapshot.ofFleet(a))).isFalse();
        assertThat(Snapshot.ofFleet(c).changedFrom(Snapshot.ofFleet(a))).isTrue();
        assertThat(Snapshot.ofFleet(a).line(java.time.Instant.parse("2026-12-05T10:00:00Z")))
                .isEqualTo("2026-12-05T10:00:00Z fleet f-1 RUNNING wave 0 (staging) counts IN_FLIGHT=2 budget 0/2 next wait");
        List<String> names = new ArrayList<>();
        Snapshot.ofFleet(a).json(java.time.Instant.EPOCH, null).fieldNames().forEachRemaining(names::add);
        assertThat(names).containsExactly("event", "at", "id", "state", "wave", "waveName", "counts", "budget", "next",
                "final", "exitCode");
    }
}
