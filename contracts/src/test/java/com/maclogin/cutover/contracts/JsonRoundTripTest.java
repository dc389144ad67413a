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
        RunStep step = new RunStep("m1", "c1", "hk-1", Instant.parse("2026-11-25T10:00:00Z"), 1, 3, StepKind.FREEZE, 1,
                RunStep.idempotencyKey("c1", StepKind.FREEZE, 1), Topics.STEP_RESULTS,
                new LeaseTarget(Region.HK, "127.0.0.1", 2201, "lease", "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAI", 18789,
                        "openclaw-probe"),
                new StepCommand.Freeze("CHG-1", "oc-cutover-20261125"), Instant.parse("2026-11-25T10:05:00Z"));
        String json = Json.write(step);
        assertThat(json).contains("\"timestamp\":\"2026-11-25T10:00:00Z\"").contains("\"idempotencyKey\":\"c1:FREEZE:1\"")
                .contains("\"command\":{\"kind\":\"FREEZE\",\"ticketId\":\"CHG-1\",\"tag\":\"oc-cutover-20261125\"}");
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
        StepResult r = StepResult.builder().messageId("m").cutoverId("c").leaseId("l").timestamp(Instant.EPOCH).epoch(1)
                .kind(StepKind.RELOAD).attempt(1).idempotencyKey("k").commandMessageId("cm")
                .outcome(StepOutcome.SUCCEEDED).facts(Map.of("a", "b")).evidence(List.of(Evidence.of("x", "true", 0, "")))
                .durationMillis(5).workerId("w").build();
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
        StepCommand.Validate p = new StepCommand.Validate("2026.9.6", "2026.9.5", "CHG-1", Map.of(), 900, 1000, plan);
        StepCommand back = Json.read(Json.write(p), StepCommand.class);
        assertThat(back).isEqualTo(p);
        assertThat(((StepCommand.Validate) back).probePlan().actions()).containsEntry(TriggerKind.DISK, TriggerAction.PAUSE);
        assertThat(((StepCommand.Validate) Json.read("{\"kind\":\"VALIDATE\",\"candidateVersion\":\"1.2.3\"}",
                StepCommand.class)).probePlan()).isNull();
    }

    @Test
    void everyStepCommandSurvivesJsonInsideARunStepAndKeepsItsKind() {
        List<StepCommand> all = List.of(new StepCommand.Inventory(), new StepCommand.Freeze("CHG-1", null),
                new StepCommand.Snapshot(), new StepCommand.InstallCandidate("2026.9.6", "ab".repeat(32)),
                new StepCommand.ParallelRun("2026.9.6", new CanaryPlan(19500, 12), null),
                new StepCommand.FlipPlist("2026.9.6"), new StepCommand.Reload(null),
                new StepCommand.Validate(null, "2026.9.5", "CHG-1", Map.of(ArtifactHashes.PLIST, "aa"), 3, 500, null),
                new StepCommand.Restore("2026.9.5", Map.of(ArtifactHashes.PLIST, "aa", ArtifactHashes.PACKAGE, "bb",
                        ArtifactHashes.STATE, "cc")),
                new StepCommand.Unfreeze());
        assertThat(all).extracting(StepCommand::kind).containsExactly(StepKind.values());
        for (StepCommand command : all) {
            RunStep step = RunStep.builder().cutoverId("c1").leaseId("hk-1").epoch(2).replyTo(Topics.STEP_RESULTS)
                    .command(command).build();
            String json = Json.write(step);
            assertThat(json).contains("\"command\":{\"kind\":\"" + command.kind() + "\"");
            RunStep back = Json.read(json, RunStep.class);
            assertThat(back).isEqualTo(step);
            assertThat(back.kind()).isEqualTo(command.kind());
            assertThat(back.idempotencyKey()).isEqualTo("c1:" + command.kind() + ":1");
            assertThat(back.command(command.getClass())).isEqualTo(command);
        }
    }

    @Test
    void aCommandOfAnUnknownKindOrWithoutKindReadsAsNoCommandNotAsAnUnreadableMessage() {
        String json = Json.write(RunStep.builder().cutoverId("c1").leaseId("hk-1").command(new StepCommand.FlipPlist("1.2.3"))
                .build());
        RunStep unknown = Json.read(json.replace("\"kind\":\"FLIP_PLIST\",\"candidateVersion\"",
                "\"kind\":\"TELEPORT\",\"candidateVersion\""), RunStep.class);
        assertThat(unknown.kind()).isEqualTo(StepKind.FLIP_PLIST);
        assertThat(unknown.command()).isNull();
        RunStep without = Json.read(json.replace("\"kind\":\"FLIP_PLIST\",\"candidateVersion\"", "\"candidateVersion\""),
                RunStep.class);
        assertThat(without.command()).isNull();
        assertThat(unknown.command(StepCommand.FlipPlist.class)).isNull();
    }

    @Test
    void aReportTravelsTypedBesideTheFacts() {
        StepReport.Restore report = new StepReport.Restore("cc", "00", "aa", "11", "bb", true, "2026.9.5", true);
        StepResult r = StepResult.builder().cutoverId("c").leaseId("l").kind(StepKind.RESTORE).attempt(1)
                .outcome(StepOutcome.SUCCEEDED).facts(Map.of("plistSha256After", "aa")).report(report).build();
        String json = Json.write(r);
        assertThat(json).contains("\"report\":{\"kind\":\"RESTORE\",\"stateArchiveSha256\":\"cc\"")
                .contains("\"packageRestoredFromArchive\":true");
        StepResult back = Json.read(json, StepResult.class);
        assertThat(back).isEqualTo(r);
        assertThat(back.report(StepReport.Restore.class).plistSha256After()).isEqualTo("aa");
        assertThat(back.report(StepReport.Validate.class)).isNull();
        assertThat(Json.read(json.replace("\"report\":{\"kind\":\"RESTORE\"", "\"report\":{\"kind\":\"LATER\""), StepResult.class).report())
                .isNull();
    }

    @Test
    void aResultAnsweringACommandCopiesItsIdentity() {
        RunStep cmd = RunStep.builder().cutoverId("c9").leaseId("hk-9").epoch(4).attempt(2)
                .replyTo(Topics.ROLLBACK_STEP_RESULTS).command(new StepCommand.Unfreeze()).build();
        StepResult r = StepResult.answering(cmd).outcome(StepOutcome.SUCCEEDED).workerId("w").build();
        assertThat(r.cutoverId()).isEqualTo("c9");
        assertThat(r.leaseId()).isEqualTo("hk-9");
        assertThat(r.epoch()).isEqualTo(4);
        assertThat(r.kind()).isEqualTo(StepKind.UNFREEZE);
        assertThat(r.attempt()).isEqualTo(2);
        assertThat(r.idempotencyKey()).isEqualTo("c9:UNFREEZE:2");
        assertThat(r.commandMessageId()).isEqualTo(cmd.messageId());
        assertThat(r.messageId()).isNotBlank().isNotEqualTo(cmd.messageId());
        assertThat(r.schemaVersion()).isEqualTo(CutoverMessage.SCHEMA_VERSION);
        assertThat(r.facts()).isEmpty();
        assertThat(r.evidence()).isEmpty();
        assertThat(cmd.toBuilder().attempt(3).idempotencyKey(null).build().idempotencyKey()).isEqualTo("c9:UNFREEZE:3");
    }
}
