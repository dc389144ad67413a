package com.maclogin.cutover.contracts;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class JsonRoundTripTest {

    @Test
    void runStepSurvivesJsonRoundTripWithInstantsAsIsoStrings() {
        RunStep step = new RunStep("m1", "c1", "hk-1", Instant.parse("2026-11-25T10:00:00Z"), 1, 3, StepKind.SNAPSHOT, 1,
                RunStep.idempotencyKey("c1", StepKind.SNAPSHOT, 1), Topics.STEP_RESULTS,
                new LeaseTarget(Region.HK, "127.0.0.1", 2201, "lease", "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAI", 18789,
                        "openclaw-probe"),
                new StepParameters("2026.9.6", "2026.9.5", "CHG-1", "oc-cutover-20261125", Map.of("plist", "ab"), 30, 1000),
                Instant.parse("2026-11-25T10:05:00Z"));
        String json = Json.write(step);
        assertThat(json).contains("\"timestamp\":\"2026-11-25T10:00:00Z\"").contains("\"idempotencyKey\":\"c1:SNAPSHOT:1\"");
        assertThat(Json.read(json, RunStep.class)).isEqualTo(step);
    }

    @Test
    void aTargetFromBeforeProbeUserExistedReadsWithoutOneAndTheNewFieldTravels() {
        LeaseTarget old = Json.read("{\"region\":\"HK\",\"host\":\"h\",\"sshPort\":22,\"sshUser\":\"gw\","
                + "\"hostKey\":\"k\",\"gatewayPort\":18789}", LeaseTarget.class);
        assertThat(old.probeUser()).isNull();
        assertThat(old).isEqualTo(new LeaseTarget(Region.HK, "h", 22, "gw", "k", 18789));
        LeaseTarget t = new LeaseTarget(Region.HK, "h", 22, "gw", "k", 18789, "openclaw-probe");
        assertThat(Json.write(t)).contains("\"probeUser\":\"openclaw-probe\"");
        assertThat(Json.read(Json.write(t), LeaseTarget.class)).isEqualTo(t);
        assertThat(Validation.probeUser("openclaw-probe")).isNull();
        assertThat(Validation.probeUser("Bad User")).contains("probe user");
    }

    @Test
    void unknownFieldsFromANewerProducerAreIgnored() {
        StepResult r = new StepResult("m", "c", "l", Instant.EPOCH, 1, 1, StepKind.RELOAD, 1, "k", "cm",
                StepOutcome.SUCCEEDED, null, Map.of("a", "b"), List.of(Evidence.of("x", "true", 0, "")), 5, "w");
        String json = Json.write(r).replace("{\"messageId\"", "{\"futureField\":42,\"messageId\"");
        assertThat(Json.read(json, StepResult.class)).isEqualTo(r);
    }

    @Test
    void malformedJsonIsReportedWithTheTypeName() {
        assertThatThrownBy(() -> Json.read("{not json", RunStep.class))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("RunStep");
    }

    @Test
    void validateStepCarriesItsProbePlanThroughJson() {
        ProbePlan plan = new ProbePlan(List.of(ProbeLayer.PROCESS, ProbeLayer.INTEGRATION), 1000, 900, 300,
                TriggerThresholds.playbook(), Map.of(TriggerKind.DISK, TriggerAction.PAUSE), 12.5, null, null, "Mei Chan");
        StepParameters p = new StepParameters("2026.9.6", "2026.9.5", "CHG-1", null, Map.of(), 900, 1000, plan);
        StepParameters back = Json.read(Json.write(p), StepParameters.class);
        assertThat(back).isEqualTo(p);
        assertThat(back.probePlan().actions()).containsEntry(TriggerKind.DISK, TriggerAction.PAUSE);
        assertThat(Json.read("{\"candidateVersion\":\"1.2.3\"}", StepParameters.class).probePlan()).isNull();
    }
}
