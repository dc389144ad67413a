package com.maclogin.cutover.localstack;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.maclogin.cutover.cli.CutoverCli;
import com.maclogin.cutover.cli.ExitCodes;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The {@code cutover} CLI against the real shared stack (leases hk-5 and jp-5 only), in-process and through the
 * {@code ./cutover} script as a subprocess, with the tokens file the stack wrote: leases, start, watch (lines and
 * JSON), a viewer's refused pause, rollback, report, and a fleet started, promoted out of its bake and watched to DONE.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
@ExtendWith(SharedStack.class)
@Order(3)
class CliEndToEndTest {

    static final String GREEN_LEASE = "hk-5";
    static final String ROLLBACK_LEASE = "jp-5";
    static final List<String> STEP_ORDER = List.of("INVENTORY", "FREEZE", "SNAPSHOT", "INSTALL_CANDIDATE",
            "PARALLEL_RUN", "FLIP_PLIST", "RELOAD", "VALIDATE", "COMMUNICATE", "UNFREEZE");
    static final List<String> STATE_ORDER = List.of("PENDING", "GATING", "RUNNING", "VALIDATING", "GREEN");
    static final ObjectMapper JSON = new ObjectMapper();

    static LocalStack stack;
    static Path tokens;
    static String greenId;
    static String rollbackId;

    /** Output of one in-process run. */
    record Run(int code, String out, String err) {
    }

    @BeforeAll
    static void useTheSharedStack() {
        stack = SharedStack.get();
        tokens = stack.tokensFile();
    }

    /** In-process, with the stack's tokens file and no environment variables of this JVM. */
    static Run cli(String... args) throws IOException {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        Path cwd = Files.createDirectories(LocalStack.repoRoot().resolve("deploy/local-stack/target/cli-e2e"));
        CutoverCli.Env env = new CutoverCli.Env(Map.of(), cwd, null, new PrintWriter(out, true), new PrintWriter(err, true),
                false, Clock.systemUTC(), d -> Thread.sleep(d.toMillis()));
        List<String> all = new ArrayList<>(List.of("--token-file", tokens.toString()));
        all.addAll(List.of(args));
        int code = CutoverCli.run(env, all.toArray(String[]::new));
        System.out.println("[cli] cutover " + String.join(" ", args) + " -> " + code + "\n" + out + err);
        return new Run(code, out.toString(), err.toString());
    }

    /** Through {@code ./cutover} at the repository root, as a user runs it. */
    static Run script(String... args) throws IOException, InterruptedException {
        Path root = LocalStack.repoRoot();
        List<String> cmd = new ArrayList<>(List.of(root.resolve("cutover").toString(), "--token-file", tokens.toString()));
        cmd.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(cmd).directory(root.resolve("deploy/local-stack/target").toFile());
        pb.environment().remove("CUTOVER_TOKEN");
        pb.environment().remove("ORCHESTRATOR_URL");
        Path outFile = Files.createTempFile("cutover-out", ".txt");
        Path errFile = Files.createTempFile("cutover-err", ".txt");
        Process p = pb.redirectOutput(outFile.toFile()).redirectError(errFile.toFile()).start();
        assertThat(p.waitFor(3, TimeUnit.MINUTES)).as("./cutover %s finished", args).isTrue();
        Run r = new Run(p.exitValue(), Files.readString(outFile), Files.readString(errFile));
        System.out.println("[./cutover] " + String.join(" ", args) + " -> " + r.code() + "\n" + r.out() + r.err());
        return r;
    }

    static String[] startArgs(String lease, String ticket) {
        return new String[] {"start", "--lease", lease, "--candidate", "2026.9.6", "--ticket", ticket,
            "--owner", "Mei Chan:Asia/Hong_Kong", "--operator", "Sam Ortiz:America/New_York",
            "--channel", "slack:#gateway-ops", "--model", "claude-sonnet-4", "--cron", "0 * * * *"};
    }

    @Test
    @Order(1)
    void leasesThroughTheScriptListsTheCliLeasesAndAnUnknownCutoverExitsWithNotFound() throws Exception {
        Run r = script("leases");
        assertThat(r.code()).as(r.err()).isZero();
        assertThat(r.out()).containsPattern("(?m)^hk-5 +HK ").containsPattern("(?m)^jp-5 +JP ");

        Run missing = cli("watch", "no-such-cutover");
        assertThat(missing.code()).isEqualTo(ExitCodes.NOT_FOUND);
        assertThat(missing.err()).contains("cutover no-such-cutover not found");
    }

    @Test
    @Order(2)
    void startThenWatchJsonOnHk5ExitsZeroOnGreenWithItsEventsInOrder() throws Exception {
        Run started = cli(startArgs(GREEN_LEASE, "CLI-GREEN"));
        assertThat(started.code()).as(started.err()).isZero();
        greenId = started.out().trim();
        assertThat(greenId).matches("[0-9a-f-]{36}");
        // jp-5's cutover (orders 3 and 4) runs beside it: its steps and window overlap this watch instead of following it
        Run second = cli(startArgs(ROLLBACK_LEASE, "CLI-ROLLBACK"));
        assertThat(second.code()).as(second.err()).isZero();
        rollbackId = second.out().trim();

        Run watched = cli("--json", "watch", greenId, "--interval", "300ms", "--timeout", "4m");

        assertThat(watched.code()).as(watched.err()).isEqualTo(ExitCodes.OK);
        List<JsonNode> events = new ArrayList<>();
        for (String line : watched.out().lines().toList()) {
            events.add(JSON.readTree(line));
        }
        assertThat(events).allSatisfy(e -> {
            assertThat(e.path("event").asText()).isEqualTo("cutover");
            assertThat(e.path("id").asText()).isEqualTo(greenId);
            assertThat(e.path("leaseId").asText()).isEqualTo(GREEN_LEASE);
        });
        List<String> states = events.stream().map(e -> e.path("state").asText()).toList();
        assertThat(states).contains("VALIDATING").last().isEqualTo("GREEN");
        assertThat(states).isSortedAccordingTo((a, b) -> Integer.compare(STATE_ORDER.indexOf(a), STATE_ORDER.indexOf(b)));
        List<String> steps = events.stream().map(e -> e.path("step").asText(null)).filter(s -> s != null)
                .distinct().toList();
        assertThat(steps).contains("VALIDATE")
                .isSortedAccordingTo((a, b) -> Integer.compare(STEP_ORDER.indexOf(a), STEP_ORDER.indexOf(b)));
        JsonNode last = events.get(events.size() - 1);
        assertThat(last.path("final").asBoolean()).isTrue();
        assertThat(last.path("exitCode").asInt()).isZero();
        assertThat(events.subList(0, events.size() - 1)).allSatisfy(e -> assertThat(e.path("final").asBoolean()).isFalse());
    }

    @Test
    @Order(3)
    void aViewersPauseOfJp5IsRefusedWithThe403ReasonAndTheAuthExitCodeWithoutPrintingTheToken() throws Exception {
        assertThat(rollbackId).as("started by order 2").isNotNull();

        Run paused = cli("--viewer", "pause", rollbackId, "--reason", "viewers cannot do this");

        assertThat(paused.code()).isEqualTo(ExitCodes.AUTH);
        assertThat(paused.err()).contains("HTTP 403").contains("has the viewer role, which may only read");
        String viewerToken = TokensFile.read(tokens).get("VIEWER_TOKEN");
        assertThat(paused.out() + paused.err()).doesNotContain(viewerToken);
        assertThat(stack.orchestrator().get("/api/v1/cutovers/" + rollbackId).body().path("state").asText())
                .isNotEqualTo("PAUSED");
    }

    @Test
    @Order(4)
    void rollbackOfJp5ThenWatchExitsWithTheRolledBackCodeAndTheOldVersionServes() throws Exception {
        assertThat(rollbackId).as("started by order 2").isNotNull();
        // once the new version runs (validating, or already GREEN: both roll back with the snapshot), as an operator would
        long deadline = System.nanoTime() + Duration.ofMinutes(3).toNanos();
        while (!List.of("VALIDATING", "GREEN").contains(
                stack.orchestrator().get("/api/v1/cutovers/" + rollbackId).body().path("state").asText())) {
            assertThat(System.nanoTime()).as("jp-5 reaches VALIDATING").isLessThan(deadline);
            Thread.sleep(200);
        }
        Run rolled = cli("rollback", rollbackId, "--reason", "cli end-to-end: operator rollback");
        assertThat(rolled.code()).as(rolled.err()).isZero();
        assertThat(rolled.out().trim()).isEqualTo(rollbackId + " ROLLING_BACK");

        Run watched = cli("watch", rollbackId, "--interval", "300ms", "--timeout", "3m");

        assertThat(watched.code()).as(watched.err()).isEqualTo(ExitCodes.ROLLED_BACK);
        List<String> lines = watched.out().lines().toList();
        assertThat(lines.get(lines.size() - 1)).contains(" jp-5 ROLLED_BACK ");
        assertThat(stack.gatewayStartupz(index(ROLLBACK_LEASE)).path("version").asText()).isEqualTo("2026.9.5");
    }

    @Test
    @Order(5)
    void reportThroughTheScriptWritesAnHtmlFileWithTheCharts() throws Exception {
        assertThat(greenId).as("the GREEN cutover of order 2").isNotNull();
        Path file = LocalStack.repoRoot().resolve("deploy/local-stack/target/cli-e2e/green-report.html");
        Files.deleteIfExists(file);

        Run r = script("report", greenId, "-o", file.toString());

        assertThat(r.code()).as(r.err()).isZero();
        assertThat(r.out().trim()).isEqualTo(file.toString());
        String html = Files.readString(file, StandardCharsets.UTF_8);
        assertThat(html).startsWith("<!DOCTYPE html>").contains("<svg").contains("hk-5").contains("GREEN")
                .doesNotContain("<script");
        Run json = cli("report", greenId, "--format", "json", "-o", "green-report.json");
        assertThat(json.code()).as(json.err()).isZero();
        JsonNode report = JSON.readTree(Files.readString(Path.of(json.out().trim())));
        assertThat(report.path("cutover").path("state").asText()).isEqualTo("GREEN");
        assertThat(report.path("probeResults").asInt()).isPositive();
        assertThat(report.path("charts").get(0).path("points").size()).as("integration P95 points").isPositive();
    }

    @Test
    @Order(6)
    void fleetStartPromoteAndWatchJsonOnJp5EndDoneWithTheBakeCutShortByThePromote() throws Exception {
        // after order 4, jp-5 serves 2026.9.5 again: a fleet of it alone (its staging wave) to 2026.9.6, with a bake of
        // ten minutes after the wave that only an operator's promote cuts short
        Map<String, Object> plan = FleetRunner.plan(Map.of("count", 0), List.of("JP"), 1, "halt", List.of("hk", "jp"));
        plan.put("bakeSeconds", 600);
        Map<String, Object> body = FleetRunner.request("2026.9.6", "CLI-FLEET", Map.of(), plan, 0);
        body.put("selector", Map.of("leaseIds", List.of(ROLLBACK_LEASE)));
        Path file = Files.createDirectories(LocalStack.repoRoot().resolve("deploy/local-stack/target/cli-e2e"))
                .resolve("fleet.json");
        JSON.writeValue(file.toFile(), body);

        Run started = script("fleet", "start", "--file", file.toString());
        assertThat(started.code()).as(started.err()).isZero();
        String fleetId = started.out().trim();
        assertThat(fleetId).matches("[0-9a-f-]{36}");

        long deadline = System.nanoTime() + Duration.ofMinutes(4).toNanos();
        JsonNode fleet = stack.orchestrator().get("/api/v1/fleet-cutovers/" + fleetId).body();
        while (!"BAKING".equals(fleet.path("state").asText())) {
            assertThat(System.nanoTime()).as("the fleet bakes after jp-5's wave: %s", fleet).isLessThan(deadline);
            assertThat(fleet.path("state").asText()).as("fleet %s", fleet).isIn("PENDING", "RUNNING");
            Thread.sleep(500);
            fleet = stack.orchestrator().get("/api/v1/fleet-cutovers/" + fleetId).body();
        }
        Run promoted = cli("fleet", "promote", fleetId, "--reason", "cli end-to-end: staging looks good");
        assertThat(promoted.code()).as(promoted.err()).isZero();

        Run watched = cli("--json", "fleet", "watch", fleetId, "--interval", "300ms", "--timeout", "2m");

        assertThat(watched.code()).as(watched.err()).isEqualTo(ExitCodes.OK);
        List<JsonNode> events = new ArrayList<>();
        for (String line : watched.out().lines().toList()) {
            events.add(JSON.readTree(line));
        }
        JsonNode last = events.get(events.size() - 1);
        assertThat(last.path("event").asText()).isEqualTo("fleet");
        assertThat(last.path("id").asText()).isEqualTo(fleetId);
        assertThat(last.path("state").asText()).isEqualTo("DONE");
        assertThat(last.path("final").asBoolean()).isTrue();
        assertThat(stack.orchestrator().get("/api/v1/fleet-cutovers/" + fleetId + "/audit").body().toString())
                .contains("PROMOTED").contains("cli end-to-end: staging looks good");
        assertThat(stack.gatewayStartupz(index(ROLLBACK_LEASE)).path("version").asText()).isEqualTo("2026.9.6");
    }

    static int index(String leaseId) {
        return stack.config().leaseIds().indexOf(leaseId);
    }
}
