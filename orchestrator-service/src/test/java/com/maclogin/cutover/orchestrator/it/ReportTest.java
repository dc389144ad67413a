package com.maclogin.cutover.orchestrator.it;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;

import com.maclogin.cutover.contracts.CutoverMessage;
import com.maclogin.cutover.contracts.Evidence;
import com.maclogin.cutover.contracts.ProbeLayer;
import com.maclogin.cutover.contracts.ProbeResult;
import com.maclogin.cutover.contracts.RunStep;
import com.maclogin.cutover.contracts.StepKind;
import com.maclogin.cutover.contracts.StepOutcome;
import com.maclogin.cutover.contracts.StepReport;
import com.maclogin.cutover.contracts.StepResult;
import com.maclogin.cutover.contracts.Topics;
import com.maclogin.cutover.contracts.Verdict;
import com.maclogin.cutover.testing.EmbeddedPostgresResource;
import com.maclogin.cutover.testing.KafkaKraftResource;
import io.quarkus.test.common.TestResourceScope;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.path.json.JsonPath;
import io.restassured.response.Response;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * GET /api/v1/cutovers/{id}/report over a cutover driven to GREEN through the real broker and PostgreSQL by the fake
 * worker, with probe results published during its validation window and lease output carrying markup.
 */
@QuarkusTest
@WithTestResource(value = KafkaKraftResource.class, scope = TestResourceScope.GLOBAL)
@WithTestResource(value = EmbeddedPostgresResource.class, scope = TestResourceScope.GLOBAL)
class ReportTest {

    static final String HOSTILE = "<script>alert('lease')</script> & <img src=x>";
    static final String DIFF = "--- ai.openclaw.gateway.plist\n+++ ai.openclaw.gateway.plist.candidate\n"
            + "-<string>/opt/openclaw/2026.9.5/dist/index.js</string>\n+<string>/opt/openclaw/2026.9.6/dist/index.js</string>\n";

    static String greenId;

    @BeforeAll
    static void authenticate() {
        Fixtures.authenticate();
    }

    /** One GREEN cutover per test JVM: FLIP_PLIST keeps a diff, INSTALL_CANDIDATE reports markup, probes are stored. */
    static synchronized String greenCutover() {
        if (greenId != null) {
            return greenId;
        }
        String leaseId = CutoverFlowTest.lease("hk-report");
        Fixtures.worker().script(leaseId, cmd -> switch (cmd.kind()) {
            case VALIDATE -> null; // held: answered below, after the probes
            case FLIP_PLIST -> withEvidence(cmd, Map.of("newPlistSha256", "7d".repeat(32)),
                    Evidence.of("diff -u", "diff -u ai.openclaw.gateway.plist ai.openclaw.gateway.plist.candidate", 1, DIFF));
            case INSTALL_CANDIDATE -> withEvidence(cmd, Map.of("candidatePackageSha256", "6e".repeat(32)),
                    Evidence.of("npm install", "npm install -g openclaw@2026.9.6", 0, "added 1 package " + HOSTILE));
            default -> FakeWorker.succeed(cmd);
        });
        String id = CutoverFlowTest.start(leaseId);
        CutoverFlowTest.awaitCommand(id, StepKind.VALIDATE);
        RunStep validate = Fixtures.worker().commandsFor(id).stream().filter(c -> c.kind() == StepKind.VALIDATE)
                .findFirst().orElseThrow();
        Instant t0 = Instant.now();
        for (int round = 1; round <= 3; round++) {
            Instant at = t0.plusSeconds(round);
            publish(validate, round, ProbeLayer.INTEGRATION, round == 3 ? Verdict.FAILED : Verdict.PASSED, 100L * round, Map.of(), at);
            publish(validate, round, ProbeLayer.PROCESS, Verdict.PASSED, null, Map.of("runs", "1", "state", "running"), at);
            publish(validate, round, ProbeLayer.DISK, Verdict.PASSED, null, Map.of("diskFreePercent", "42"), at);
        }
        org.awaitility.Awaitility.await().atMost(CutoverFlowTest.WAIT).untilAsserted(() -> given()
                .get("/api/v1/cutovers/" + id + "/probe-results").then().body("size()", equalTo(9)));
        Fixtures.worker().publish(FakeWorker.succeed(validate));
        CutoverFlowTest.awaitState(id, "GREEN");
        greenId = id;
        return id;
    }

    static StepResult withEvidence(RunStep cmd, Map<String, String> facts, Evidence evidence) {
        return StepResult.answering(cmd).outcome(StepOutcome.SUCCEEDED).facts(facts)
                .report(StepReport.fromFacts(cmd.kind(), facts)).evidence(List.of(evidence)).durationMillis(7)
                .workerId("fake-worker-hk").build();
    }

    static void publish(RunStep v, int round, ProbeLayer layer, Verdict verdict, Long latency, Map<String, String> observed,
            Instant at) {
        Fixtures.worker().publish(Topics.PROBE_RESULTS, v.leaseId(), new ProbeResult(UUID.randomUUID().toString(),
                v.cutoverId(), v.leaseId(), at, CutoverMessage.SCHEMA_VERSION, v.epoch(), v.messageId(), round, layer,
                verdict, latency, "round " + round, observed));
    }

    @Test
    void aFinishedCutoversJsonReportHasItsGatesStepsChartsHashesPlistDiffAndAudit() {
        String id = greenCutover();
        Response r = given().accept(ContentType.JSON).get("/api/v1/cutovers/" + id + "/report");
        r.then().statusCode(200).contentType(ContentType.JSON)
                .header("Content-Disposition", "inline; filename=\"cutover-" + id + "-report.json\"");
        JsonPath j = r.jsonPath();

        assertThat(j.getInt("reportVersion")).isEqualTo(1);
        assertThat(j.getString("cutover.state")).isEqualTo("GREEN");
        assertThat(j.getString("cutover.previousVersion")).isEqualTo("2026.9.5");
        assertThat(j.getString("cutover.candidateVersion")).isEqualTo("2026.9.6");
        assertThat(j.getString("cutover.leaseHost")).isEqualTo("10.0.0.7");
        assertThat(j.getLong("cutover.durationSeconds")).isNotNegative();
        assertThat(j.getList("gates.gate", String.class)).isNotEmpty().contains("DISK", "PORT_MAP");
        assertThat(j.getList("gates.verdict", String.class)).containsOnly("PASSED");
        assertThat(j.getList("steps.kind", String.class)).containsSubsequence("INVENTORY", "SNAPSHOT",
                "INSTALL_CANDIDATE", "FLIP_PLIST", "RELOAD", "VALIDATE");
        assertThat(j.getList("steps.durationMillis", Integer.class)).doesNotContainNull();
        assertThat(j.getList("charts.id", String.class)).containsExactly("latencyP95", "errorRate", "crashes", "diskFree");
        assertThat(j.getInt("probeResults")).isEqualTo(9);
        // baseline 180 ms from INVENTORY: the line is 5 x max(180, floor 200)
        assertThat(j.getDouble("charts[0].threshold")).isEqualTo(1000.0);
        assertThat(j.getList("charts[0].points.value", Float.class)).containsExactly(100f, 200f, 300f);
        assertThat(j.getFloat("charts[1].points[2].value")).isCloseTo(100f / 3, org.assertj.core.data.Offset.offset(0.01f));
        assertThat(j.getBoolean("plistDiff.shown")).isTrue();
        assertThat(j.getString("plistDiff.text")).isEqualTo(DIFF);
        assertThat(j.getList("hashes", Map.class)).anySatisfy(h -> {
            assertThat(h.get("name")).isEqualTo("plist kit copy");
            assertThat(h.get("expected")).isEqualTo(FakeWorker.HASH_PLIST);
            assertThat(h.get("status")).isEqualTo("MATCH");
        });
        assertThat(j.getList("hashes.name", String.class)).contains("state archive to restore", "new plist");
        assertThat(j.getList("audit.action", String.class)).contains("CUTOVER_REQUESTED", "GATE", "STEP_RESULT", "STATE");
    }

    @Test
    void theHtmlReportIsOneSelfContainedPageWithAnSvgPerChartAndNoScript() {
        String id = greenCutover();
        Response r = given().accept("text/html").get("/api/v1/cutovers/" + id + "/report");
        r.then().statusCode(200).contentType(ContentType.HTML)
                .header("Content-Disposition", "inline; filename=\"cutover-" + id + "-report.html\"");
        String html = r.asString();

        assertThat(html).startsWith("<!DOCTYPE html>").contains("<style>");
        assertThat(SvgCount.of(html, "<svg ")).isEqualTo(4);
        assertThat(html).contains("id=\"chart-latencyP95\"", "id=\"chart-errorRate\"", "id=\"chart-crashes\"",
                "id=\"chart-diskFree\"", "class=\"threshold\"");
        assertThat(html.toLowerCase()).doesNotContain("<script").doesNotContain("http://").doesNotContain("https://")
                .doesNotContain("<link").doesNotContain("src=\"");
        assertThat(html).contains("id=\"gates\"", "id=\"steps\"", "id=\"hashes\"", "id=\"audit\"", "id=\"plist-diff\"");
        assertThat(html).contains("-&lt;string&gt;/opt/openclaw/2026.9.5/dist/index.js&lt;/string&gt;");
        // ?format=html gives the same page to a client that cannot set Accept (a browser link)
        given().queryParam("format", "html").get("/api/v1/cutovers/" + id + "/report").then().statusCode(200)
                .contentType(ContentType.HTML).body(containsString("<svg "));
    }

    @Test
    void leaseOutputAndAnOperatorReasonWithMarkupComeOutEscaped() {
        String green = greenCutover();
        String html = given().queryParam("format", "html").get("/api/v1/cutovers/" + green + "/report").then()
                .statusCode(200).extract().asString();
        assertThat(html).doesNotContain("<script").doesNotContain("<img src=x>");
        assertThat(html).contains("added 1 package &lt;script&gt;alert(&#39;lease&#39;)&lt;/script&gt; &amp; &lt;img src=x&gt;");

        // a second cutover, aborted before its flip with a reason carrying markup
        String leaseId = CutoverFlowTest.lease("hk-report-abort");
        CutoverFlowTest.hold(leaseId, StepKind.SNAPSHOT);
        String id = CutoverFlowTest.start(leaseId);
        CutoverFlowTest.awaitCommand(id, StepKind.SNAPSHOT);
        String reason = "users see <script>document.title='x'</script> & errors";
        given().contentType(ContentType.JSON).body(Map.of("reason", reason)).post("/api/v1/cutovers/" + id + "/abort")
                .then().statusCode(200);
        String aborted = given().queryParam("format", "html").get("/api/v1/cutovers/" + id + "/report").then()
                .statusCode(200).extract().asString();

        assertThat(aborted).doesNotContain("<script");
        assertThat(aborted).contains("users see &lt;script&gt;document.title=&#39;x&#39;&lt;/script&gt; &amp; errors");
        assertThat(aborted).contains("no plist diff: the cutover did not reach FLIP_PLIST");
        assertThat(SvgCount.of(aborted, "no samples recorded")).isEqualTo(4);
        // the JSON keeps the text as it is (JSON is not markup)
        assertThat(given().accept(ContentType.JSON).get("/api/v1/cutovers/" + id + "/report").then().extract().asString())
                .contains("users see <script>");
    }

    @Test
    void anUnknownCutoverIsA404ProblemAlsoForHtmlAndABadFormatIsA400() {
        given().accept("text/html").get("/api/v1/cutovers/no-such-cutover/report").then().statusCode(404)
                .contentType("application/problem+json").body("detail", equalTo("cutover no-such-cutover not found"));
        given().get("/api/v1/cutovers/no-such-cutover/report").then().statusCode(404);
        given().queryParam("format", "pdf").get("/api/v1/cutovers/" + greenCutover() + "/report").then().statusCode(400)
                .body("field", equalTo("format"));
    }

    @Test
    void aViewerMayReadTheReportAndAnonymousCallersMayNot() {
        String id = greenCutover();
        given().header("Authorization", "Bearer " + Fixtures.VIEWER_TOKEN).queryParam("format", "html")
                .get("/api/v1/cutovers/" + id + "/report").then().statusCode(200);
        given().header("Authorization", "Bearer not-a-token").get("/api/v1/cutovers/" + id + "/report").then()
                .statusCode(401);
    }

    /** Counting helper. */
    static final class SvgCount {
        static int of(String s, String needle) {
            int n = 0;
            for (int i = s.indexOf(needle); i >= 0; i = s.indexOf(needle, i + 1)) {
                n++;
            }
            return n;
        }
    }
}
