package com.maclogin.cutover.probe.matrix;

import static org.assertj.core.api.Assertions.assertThat;

import com.maclogin.cutover.contracts.Verdict;
import com.maclogin.cutover.probe.client.CommandResult;
import com.maclogin.cutover.probe.client.HttpProbeResponse;
import com.maclogin.cutover.probe.client.RawHttp;
import com.maclogin.cutover.probe.client.TcpConnectResult;
import com.maclogin.cutover.probe.lease.HooksToken;
import com.maclogin.cutover.probe.lease.LaunchctlPrint;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Each probe's parsing and verdict, from the raw answers. */
class ProbeJudgementTest {

    private static LaunchctlPrint print(String state, String runs, String exit) {
        return LaunchctlPrint.parse("gui/501/ai.openclaw.gateway = {\n\tstate = " + state + "\n\truns = " + runs
                + "\n\tpid = 4242\n" + (exit == null ? "" : "\tlast exit code = " + exit + "\n") + "}\n");
    }

    @Test
    void processTable() {
        assertThat(ProcessProbe.judge(print("running", "1", "(never exited)"), 5, null).verdict())
                .as("fresh bootstrap").isEqualTo(Verdict.PASSED);
        assertThat(ProcessProbe.judge(print("running", "3", "0"), 5, null).verdict()).as("clean restart")
                .isEqualTo(Verdict.PASSED);
        ProbeOutcome respawned = ProcessProbe.judge(print("running", "4", "78: EX_CONFIG"), 5, null);
        assertThat(respawned.verdict()).as("respawned after 78").isEqualTo(Verdict.FAILED);
        assertThat(respawned.observed()).containsEntry("runs", "4").containsEntry("lastExitCode", "78: EX_CONFIG")
                .containsEntry("state", "running").containsEntry("pid", "4242");
        assertThat(ProcessProbe.judge(print("not running", "4", "1"), 5, null).verdict()).as("down")
                .isEqualTo(Verdict.FAILED);
        LaunchctlPrint killed = LaunchctlPrint.parse("x = {\n\tstate = running\n\truns = 2\n\tpid = 9\n"
                + "\tlast terminating signal = Killed: 9\n}\n");
        assertThat(ProcessProbe.judge(killed, 5, null).verdict()).as("respawned after SIGKILL")
                .isEqualTo(Verdict.FAILED);
    }

    @Test
    void tcpTable() {
        assertThat(TcpProbe.judge(new TcpConnectResult(true, 3, null), 18789).verdict()).isEqualTo(Verdict.PASSED);
        ProbeOutcome refused = TcpProbe.judge(new TcpConnectResult(false, 3, "connection refused"), 18789);
        assertThat(refused.verdict()).isEqualTo(Verdict.FAILED);
        assertThat(refused.detail()).isEqualTo("connection refused");
        assertThat(refused.observed()).containsEntry("connected", "false");
    }

    private static HttpProbeResponse http(String path, int status, String body) {
        return new HttpProbeResponse(path, status, body, status == 0 ? "connection refused" : null, 4);
    }

    @Test
    void applicationTable() {
        HttpProbeResponse live = http("/healthz", 200, "{\"ok\":true,\"status\":\"live\"}");
        ProbeOutcome ok = ApplicationProbe.judge(live, http("/readyz", 200,
                "{\"ready\":true,\"failing\":[],\"uptimeMs\":27038}"), 18789);
        assertThat(ok.verdict()).isEqualTo(Verdict.PASSED);
        assertThat(ok.observed()).containsEntry("failing", "").containsEntry("suppressed", "")
                .containsEntry("readyzStatus", "200");

        ProbeOutcome suppressed = ApplicationProbe.judge(live, http("/readyz", 200,
                "{\"ready\":true,\"failing\":[],\"suppressed\":[\"telegram\",\"slack\"]}"), 18789);
        assertThat(suppressed.verdict()).as("suppressed channels: ready, degraded").isEqualTo(Verdict.PASSED);
        assertThat(suppressed.observed()).containsEntry("suppressed", "telegram,slack");
        assertThat(suppressed.detail()).contains("degraded: suppressed [telegram, slack]");

        ProbeOutcome starting = ApplicationProbe.judge(live, http("/readyz", 503,
                "{\"ready\":false,\"failing\":[\"startup-sidecars\"]}"), 18789);
        assertThat(starting.verdict()).isEqualTo(Verdict.FAILED);
        assertThat(starting.observed()).containsEntry("failing", "startup-sidecars");

        assertThat(ApplicationProbe.judge(http("/healthz", 0, null), http("/readyz", 0, null), 1).verdict())
                .as("down").isEqualTo(Verdict.FAILED);
        assertThat(ApplicationProbe.judge(http("/healthz", 200, "<html>"), http("/readyz", 200,
                "{\"ready\":true,\"failing\":[]}"), 1).verdict()).as("SPA fallback is not the documented JSON")
                .isEqualTo(Verdict.FAILED);
    }

    @Test
    void integrationTable() {
        ProbeOutcome ok = IntegrationProbe.judge(http("/hooks/wake", 200,
                "{\"ok\":true,\"mode\":\"next-heartbeat\",\"eventOutcome\":\"coalesced\"}"), 18789);
        assertThat(ok.verdict()).isEqualTo(Verdict.PASSED);
        assertThat(ok.observed()).containsEntry("eventOutcome", "coalesced").containsEntry("status", "200");
        assertThat(ok.latencyMillis()).isEqualTo(4);
        assertThat(ok.evidence().command()).contains("Bearer [redacted]");
        assertThat(IntegrationProbe.judge(http("/hooks/wake", 401, "Unauthorized"), 1).verdict())
                .isEqualTo(Verdict.FAILED);
        assertThat(IntegrationProbe.judge(http("/hooks/wake", 503, "{\"error\":{}}"), 1).verdict())
                .isEqualTo(Verdict.FAILED);
        assertThat(IntegrationProbe.judge(new HttpProbeResponse("/hooks/wake", 0, null, "timeout after 10000 ms",
                10000), 1).detail()).isEqualTo("/hooks/wake no answer (timeout after 10000 ms)");
    }

    @Test
    void theWakeRequestCarriesTheBearerTokenAndTheDocumentedBody() {
        String req = new String(RawHttp.request("POST", IntegrationProbe.PATH, 18789,
                Map.of("Authorization", "Bearer s3cret"), IntegrationProbe.BODY.getBytes(StandardCharsets.UTF_8)),
                StandardCharsets.UTF_8);
        assertThat(req).startsWith("POST /hooks/wake HTTP/1.1\r\n").contains("Authorization: Bearer s3cret\r\n")
                .contains("Content-Length: " + IntegrationProbe.BODY.length() + "\r\n")
                .endsWith("\r\n\r\n{\"text\":\"cutover smoke test\",\"mode\":\"next-heartbeat\"}")
                .doesNotContainIgnoringCase("x-forwarded-for");
    }

    @Test
    void tlsTable() {
        Instant now = Instant.parse("2026-09-30T00:00:00Z");
        Instant before = now.minus(100, ChronoUnit.DAYS);
        assertThat(TlsProbe.judge("gw.example.com:443", "CN=gw", before, now.plus(60, ChronoUnit.DAYS), now, 30, 9)
                .verdict()).isEqualTo(Verdict.PASSED);
        ProbeOutcome soon = TlsProbe.judge("gw.example.com:443", "CN=gw", before, now.plus(10, ChronoUnit.DAYS), now,
                30, 9);
        assertThat(soon.verdict()).isEqualTo(Verdict.FAILED);
        assertThat(soon.observed()).containsEntry("daysLeft", "10").containsEntry("notAfter", "2026-10-10T00:00:00Z");
        assertThat(TlsProbe.judge("h:1", "CN=gw", before, now.minusSeconds(1), now, 0, 9).verdict()).as("expired")
                .isEqualTo(Verdict.FAILED);
        assertThat(TlsProbe.judge("h:1", "CN=gw", now.plusSeconds(60), now.plus(90, ChronoUnit.DAYS), now, 0, 9)
                .verdict()).as("not yet valid").isEqualTo(Verdict.FAILED);
    }

    @Test
    void diskTable() {
        String df = "Filesystem 1024-blocks Used Available Capacity iused ifree %iused Mounted on\n"
                + "/dev/disk3s5 971350180 900000000 71350180 93% 1 2 0% /System/Volumes/Data\n";
        ProbeOutcome low = DiskProbe.judge(new CommandResult(0, df, "", 3), 10.0);
        assertThat(low.verdict()).isEqualTo(Verdict.FAILED);
        assertThat(low.observed()).containsEntry("diskFreePercent", "7");
        assertThat(DiskProbe.judge(new CommandResult(0, df, "", 3), 5.0).verdict()).isEqualTo(Verdict.PASSED);
        assertThat(DiskProbe.judge(new CommandResult(1, "", "df: nope", 3), 10.0).verdict()).isEqualTo(Verdict.ERROR);
    }

    @Test
    void hooksTokenIsReadFromJson5AndOnlyWhenHooksAreOn() {
        assertThat(HooksToken.parse("{\"hooks\":{\"enabled\":true,\"token\":\"abc123\"}}")).contains("abc123");
        assertThat(HooksToken.parse("{ // json5\n hooks: { token: 'abc123', },\n}")).contains("abc123");
        assertThat(HooksToken.parse("{\"hooks\":{\"enabled\":false,\"token\":\"abc123\"}}")).isEmpty();
        assertThat(HooksToken.parse("{\"hooks\":{\"token\":\"a\\r\\nX-Evil: 1\"}}")).as("header injection").isEmpty();
        assertThat(HooksToken.parse("{\"gateway\":{}}")).isEmpty();
        assertThat(HooksToken.parse("not json")).isEmpty();
    }
}
