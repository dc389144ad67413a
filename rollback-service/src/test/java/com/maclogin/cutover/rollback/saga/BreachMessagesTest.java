package com.maclogin.cutover.rollback.saga;

import static org.assertj.core.api.Assertions.assertThat;

import com.maclogin.cutover.contracts.LeaseTarget;
import com.maclogin.cutover.contracts.ProbeLayer;
import com.maclogin.cutover.contracts.ProbePlan;
import com.maclogin.cutover.contracts.Region;
import com.maclogin.cutover.contracts.RollbackRequested;
import com.maclogin.cutover.contracts.RunStep;
import com.maclogin.cutover.contracts.StepCommand;
import com.maclogin.cutover.contracts.ThresholdBreached;
import com.maclogin.cutover.contracts.TriggerAction;
import com.maclogin.cutover.contracts.TriggerKind;
import com.maclogin.cutover.contracts.TriggerThresholds;
import com.maclogin.cutover.rollback.Rollback;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The messages built from a breach and the verification plan, as plain functions. */
class BreachMessagesTest {

    static final String PLIST = "a".repeat(64);
    static final String PKG = "b".repeat(64);

    static ThresholdBreached breach(TriggerKind trigger, TriggerAction action, long epoch) {
        return new ThresholdBreached("b-1", "co-1", "lease-1", Instant.parse("2026-03-01T02:10:00Z"), 1, epoch,
                trigger, action, "3 crashes in 41 s (runs 1 -> 4, last exit 78)", "3 crashes within 300 s",
                Map.of("crashes", "3", "seconds", "41", "lastExitCode", "78"), Instant.parse("2026-03-01T02:09:59Z"),
                new LeaseTarget(Region.JP, "10.0.0.7", 22, "gw", "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIKx0example",
                        18789),
                "CHG-7", "2026.7.1", "2026.9.6", "bob@jp", Map.of("plist", PLIST, "package", PKG, "state", PKG));
    }

    @Test
    void breachBecomesARequestAtTheNextEpochByTheTriggerWithTheNumbersInTheReason() {
        RollbackRequested r = RollbackMessages.requestFromBreach(breach(TriggerKind.CRASH_LOOP, TriggerAction.ROLLBACK, 4));
        assertThat(r.epoch()).isEqualTo(5);
        assertThat(r.requestedBy()).isEqualTo("trigger:CRASH_LOOP");
        assertThat(r.reason()).isEqualTo(
                "CRASH_LOOP: 3 crashes in 41 s (runs 1 -> 4, last exit 78) (threshold 3 crashes within 300 s)");
        assertThat(r.messageId()).isEqualTo("b-1");
        assertThat(r.ticketId()).isEqualTo("CHG-7");
        assertThat(r.rollbackOwner()).isEqualTo("bob@jp");
        assertThat(r.previousVersion()).isEqualTo("2026.7.1");
        assertThat(r.candidateVersion()).isEqualTo("2026.9.6");
        assertThat(r.target().region()).isEqualTo(Region.JP);
        assertThat(r.expectedSha256()).containsEntry("plist", PLIST).containsEntry("package", PKG).containsEntry("state", PKG);
        assertThat(RollbackRules.requestProblem(r)).isNull();
    }

    @Test
    void recordOnlyAndVerificationReasonsCarryTheBreachAndItsSortedNumbers() {
        assertThat(RollbackReasons.breachRecordedOnly(breach(TriggerKind.CRASH_LOOP, TriggerAction.PAUSE, 2)))
                .isEqualTo("breach with action PAUSE recorded, no rollback: CRASH_LOOP: 3 crashes in 41 s (runs 1 -> 4,"
                        + " last exit 78) (threshold 3 crashes within 300 s); numbers {crashes=3, lastExitCode=78,"
                        + " seconds=41}");
        assertThat(RollbackReasons.verificationBreached("2026.7.1", breach(TriggerKind.DISK, TriggerAction.OBSERVE, 5)))
                .isEqualTo("verification of the restored 2026.7.1 breached DISK: 3 crashes in 41 s (runs 1 -> 4, last"
                        + " exit 78) (threshold 3 crashes within 300 s)");
    }

    @Test
    void verificationValidateCarriesTheMatrixWithoutTlsOrDrillAllTriggersObservedAndTheOwner() {
        Rollback rb = new Rollback();
        rb.cutoverId = "co-1";
        rb.leaseId = "lease-1";
        rb.region = Region.JP;
        rb.epoch = 5;
        rb.attempt = 1;
        rb.previousVersion = "2026.7.1";
        rb.ticketId = "CHG-7";
        rb.rollbackOwner = "bob@jp";
        Instant now = Instant.parse("2026-03-01T02:12:00Z");
        RunStep v = RollbackMessages.validate(rb, now, Duration.ofMinutes(2), Duration.ofSeconds(5),
                Duration.ofMinutes(1));
        StepCommand.Validate command = v.command(StepCommand.Validate.class);
        assertThat(command.validationSeconds()).isEqualTo(120);
        assertThat(command.probeIntervalMillis()).isEqualTo(5000);
        assertThat(command.previousVersion()).isEqualTo("2026.7.1");
        assertThat(command.ticketId()).isEqualTo("CHG-7");
        ProbePlan plan = command.probePlan();
        assertThat(plan.layers()).containsExactly(ProbeLayer.PROCESS, ProbeLayer.TCP, ProbeLayer.APPLICATION,
                ProbeLayer.INTEGRATION, ProbeLayer.DISK);
        assertThat(plan.intervalMillis()).isEqualTo(5000);
        assertThat(plan.windowSeconds()).isEqualTo(120);
        assertThat(plan.restartDrillAtSecond()).isNull();
        assertThat(plan.thresholds()).isEqualTo(TriggerThresholds.playbook());
        assertThat(plan.actions()).hasSize(TriggerKind.values().length)
                .allSatisfy((k, a) -> assertThat(a).isEqualTo(TriggerAction.OBSERVE));
        assertThat(plan.rollbackOwner()).isEqualTo("bob@jp");
        assertThat(plan.tlsEndpoint()).isNull();
        assertThat(v.deadline()).isEqualTo(now.plusSeconds(180));
    }
}
