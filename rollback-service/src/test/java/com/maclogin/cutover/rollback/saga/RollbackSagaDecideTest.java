package com.maclogin.cutover.rollback.saga;

import static org.assertj.core.api.Assertions.assertThat;

import com.maclogin.cutover.contracts.CutoverEventType;
import com.maclogin.cutover.contracts.LeaseTarget;
import com.maclogin.cutover.contracts.Region;
import com.maclogin.cutover.contracts.RollbackRequested;
import com.maclogin.cutover.contracts.RunStep;
import com.maclogin.cutover.contracts.StepKind;
import com.maclogin.cutover.contracts.StepOutcome;
import com.maclogin.cutover.contracts.StepReport;
import com.maclogin.cutover.contracts.StepResult;
import com.maclogin.cutover.contracts.ThresholdBreached;
import com.maclogin.cutover.contracts.TriggerAction;
import com.maclogin.cutover.contracts.TriggerKind;
import com.maclogin.cutover.rollback.RollbackState;
import com.maclogin.cutover.rollback.saga.RollbackEffect;
import com.maclogin.cutover.rollback.saga.RollbackEffect.Audit;
import com.maclogin.cutover.rollback.saga.RollbackEffect.AuditMessage;
import com.maclogin.cutover.rollback.saga.RollbackEffect.Count;
import com.maclogin.cutover.rollback.saga.RollbackEffect.LogLine;
import com.maclogin.cutover.rollback.saga.RollbackEffect.PublishEvent;
import com.maclogin.cutover.rollback.saga.RollbackEffect.SendStep;
import com.maclogin.cutover.rollback.saga.RollbackEffect.SetState;
import com.maclogin.cutover.rollback.saga.RollbackInput;
import com.maclogin.cutover.rollback.saga.RollbackSnapshot.Found;
import com.maclogin.cutover.rollback.saga.RollbackSnapshot.Hashes;
import com.maclogin.cutover.rollback.saga.RollbackSnapshot.Outstanding;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Every transition of the rollback saga as a row: one table per input kind. A row names the rollback as recorded
 * ({@code none} or {@code STATUS@epoch}), the input, the effects that reach the row, the outbox and the audit trail
 * (in order; {@code audit}, {@code event}, {@code send}; {@code nothing}), and the status the rollback ends in ({@code unchanged}: no
 * write). Plain JUnit: no database, broker or clock.
 */
class RollbackSagaDecideTest {

    static final String CO = "co-1";
    static final String LEASE = "lease-1";
    static final String PLIST = "a".repeat(64);
    static final String PKG = "b".repeat(64);
    static final String STATE = "d".repeat(64);
    static final String OTHER = "c".repeat(64);
    static final String PREVIOUS = "2026.7.1";
    static final String CANDIDATE = "2026.9.6";
    static final Instant T0 = Instant.parse("2026-03-01T02:10:00Z");
    static final Instant NOW = T0.plusSeconds(90);
    static final Instant DEADLINE = T0.plusSeconds(300);
    static final LeaseTarget TARGET =
            new LeaseTarget(Region.HK, "127.0.0.1", 2201, "gw", "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAA", 18789);

    static final RollbackSaga SAGA = new RollbackSaga(2);

    // ================================================================ RollbackRequested

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', quoteCharacter = '"', value = {
            // what the row proves                                                       | recorded          | epoch | usable | effects                                                                               | ends
            "a first request starts the rollback: announced, RESTORE sent                  | none              | 2     | true   | audit REQUESTED, event ROLLBACK_STARTED, send RESTORE                                 | RESTORING",
            "an unusable first request is announced and fails at once, nothing is sent     | none              | 2     | false  | audit REQUESTED, event ROLLBACK_STARTED, audit ROLLBACK_FAILED, event ROLLBACK_FAILED | ROLLBACK_FAILED",
            "the same epoch again while restoring is an audited duplicate                  | RESTORING@2       | 2     | true   | audit REQUEST_IGNORED                                                                 | unchanged",
            "the same epoch again while validating is an audited duplicate                 | VALIDATING@2      | 2     | true   | audit REQUEST_IGNORED                                                                 | unchanged",
            "the same epoch again after the rollback finished is an audited duplicate      | ROLLED_BACK@2     | 2     | true   | audit REQUEST_IGNORED                                                                 | unchanged",
            "an older epoch is stale and changes nothing                                   | VALIDATING@3      | 2     | true   | audit REQUEST_IGNORED                                                                 | unchanged",
            "a newer epoch supersedes a running restore and sends a new RESTORE            | RESTORING@2       | 3     | true   | audit SUPERSEDED, event ROLLBACK_STARTED, send RESTORE                                | RESTORING",
            "a newer epoch supersedes a running verification and restores again            | VALIDATING@2      | 3     | true   | audit SUPERSEDED, event ROLLBACK_STARTED, send RESTORE                                | RESTORING",
            "a newer epoch restarts a failed rollback                                      | ROLLBACK_FAILED@2 | 3     | true   | audit SUPERSEDED, event ROLLBACK_STARTED, send RESTORE                                | RESTORING",
            "a newer epoch restarts a finished rollback                                    | ROLLED_BACK@2     | 5     | true   | audit SUPERSEDED, event ROLLBACK_STARTED, send RESTORE                                | RESTORING",
            "an unusable newer request supersedes and fails at once                        | VALIDATING@2      | 3     | false  | audit SUPERSEDED, event ROLLBACK_STARTED, audit ROLLBACK_FAILED, event ROLLBACK_FAILED | ROLLBACK_FAILED",
    })
    void rollbackRequested(String proves, String recorded, long epoch, boolean usable, String effects, String ends) {
        List<RollbackEffect> out = SAGA.decide(recorded(recorded), new RollbackInput.RequestReceived(
                request(epoch, usable), NOW));
        assertThat(summary(out)).isEqualTo(effects);
        assertThat(ends(out)).isEqualTo(ends);
    }

    // ================================================================ ThresholdBreached

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', quoteCharacter = '"', value = {
            // what the row proves                                                                | recorded          | epoch | action   | effects                                                | ends
            "a ROLLBACK breach without a rollback starts one (at breach epoch + 1)                   | none              | 4     | ROLLBACK | audit REQUESTED, event ROLLBACK_STARTED, send RESTORE  | RESTORING",
            "a PAUSE breach without a rollback is recorded only                                      | none              | 4     | PAUSE    | audit BREACH_RECORDED                                  | unchanged",
            "an OBSERVE breach without a rollback is recorded only                                   | none              | 4     | OBSERVE  | audit BREACH_RECORDED                                  | unchanged",
            "a PAUSE breach of another epoch is recorded only, the running rollback goes on          | VALIDATING@5      | 7     | PAUSE    | audit BREACH_RECORDED                                  | unchanged",
            "a ROLLBACK breach after the orchestrator's request for the same epoch is its duplicate  | RESTORING@5       | 4     | ROLLBACK | audit REQUEST_IGNORED                                  | unchanged",
            "a ROLLBACK breach older than the rollback is stale                                      | RESTORING@5       | 2     | ROLLBACK | audit REQUEST_IGNORED                                  | unchanged",
            "a ROLLBACK breach newer than a finished rollback supersedes it                          | ROLLED_BACK@3     | 5     | ROLLBACK | audit SUPERSEDED, event ROLLBACK_STARTED, send RESTORE | RESTORING",
            "a breach at the rollback's epoch during its verification fails the rollback             | VALIDATING@5      | 5     | OBSERVE  | audit ROLLBACK_FAILED, event ROLLBACK_FAILED           | ROLLBACK_FAILED",
            "a ROLLBACK breach at the rollback's epoch during its verification fails it too          | VALIDATING@5      | 5     | ROLLBACK | audit ROLLBACK_FAILED, event ROLLBACK_FAILED           | ROLLBACK_FAILED",
            "a breach at the rollback's epoch while restoring is recorded, nothing changes           | RESTORING@5       | 5     | ROLLBACK | audit BREACH_IGNORED                                   | unchanged",
            "a breach at the rollback's epoch after it rolled back is recorded, nothing changes      | ROLLED_BACK@5     | 5     | ROLLBACK | audit BREACH_IGNORED                                   | unchanged",
            "a breach at the rollback's epoch after it failed is recorded, nothing changes           | ROLLBACK_FAILED@5 | 5     | PAUSE    | audit BREACH_IGNORED                                   | unchanged",
    })
    void breachReceived(String proves, String recorded, long epoch, TriggerAction action, String effects, String ends) {
        List<RollbackEffect> out = SAGA.decide(recorded(recorded), new RollbackInput.BreachReceived(
                breach(epoch, action), NOW));
        assertThat(summary(out)).isEqualTo(effects);
        assertThat(ends(out)).isEqualTo(ends);
    }

    // ================================================================ StepResult

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', quoteCharacter = '"', value = {
            // what the row proves                                                              | recorded          | tries | kind     | outcome   | facts         | answers     | effects                                                                                 | ends
            "a verified RESTORE starts the health window on the restored version                   | RESTORING@2       | 1     | RESTORE  | SUCCEEDED | verified      | outstanding | audit RESTORE_VERIFIED, audit RESTORE_SUCCEEDED, send VALIDATE                          | VALIDATING",
            "a RESTORE whose plist hash is not the gate's fails the rollback                       | RESTORING@2       | 1     | RESTORE  | SUCCEEDED | wrong-plist   | outstanding | audit RESTORE_VERIFICATION_FAILED, audit ROLLBACK_FAILED, event ROLLBACK_FAILED         | ROLLBACK_FAILED",
            "a RESTORE that reports no hashes fails the rollback                                   | RESTORING@2       | 1     | RESTORE  | SUCCEEDED | none          | outstanding | audit RESTORE_VERIFICATION_FAILED, audit ROLLBACK_FAILED, event ROLLBACK_FAILED         | ROLLBACK_FAILED",
            "a RESTORE running another version fails the rollback                                  | RESTORING@2       | 1     | RESTORE  | SUCCEEDED | wrong-version | outstanding | audit RESTORE_VERIFICATION_FAILED, audit ROLLBACK_FAILED, event ROLLBACK_FAILED         | ROLLBACK_FAILED",
            "a failed RESTORE is retried while attempts remain                                     | RESTORING@2       | 1     | RESTORE  | FAILED    | none          | outstanding | audit RESTORE_RETRY, send RESTORE                                                       | RESTORING",
            "a timed-out RESTORE is retried while attempts remain                                  | RESTORING@2       | 1     | RESTORE  | TIMED_OUT | none          | outstanding | audit RESTORE_RETRY, send RESTORE                                                       | RESTORING",
            "a failed RESTORE after the last attempt fails the rollback                            | RESTORING@2       | 2     | RESTORE  | FAILED    | none          | outstanding | audit ROLLBACK_FAILED, event ROLLBACK_FAILED                                            | ROLLBACK_FAILED",
            "a timed-out RESTORE after the last attempt fails the rollback                         | RESTORING@2       | 2     | RESTORE  | TIMED_OUT | none          | outstanding | audit ROLLBACK_FAILED, event ROLLBACK_FAILED                                            | ROLLBACK_FAILED",
            "a refused RESTORE fails the rollback without a retry                                  | RESTORING@2       | 1     | RESTORE  | REFUSED   | none          | outstanding | audit ROLLBACK_FAILED, event ROLLBACK_FAILED                                            | ROLLBACK_FAILED",
            "a failed RESTORE that found another state archive (tampered kit) fails without retry  | RESTORING@2       | 1     | RESTORE  | FAILED    | tampered      | outstanding | audit ROLLBACK_FAILED, event ROLLBACK_FAILED                                            | ROLLBACK_FAILED",
            "a timed-out RESTORE reporting another state archive is still retried                  | RESTORING@2       | 1     | RESTORE  | TIMED_OUT | tampered      | outstanding | audit RESTORE_RETRY, send RESTORE                                                       | RESTORING",
            "a passed health window on the previous version finishes the rollback                  | VALIDATING@2      | 1     | VALIDATE | SUCCEEDED | none          | outstanding | audit ROLLED_BACK, event ROLLED_BACK                                                    | ROLLED_BACK",
            "a passed health window that reports its first green round records it, then finishes   | VALIDATING@2      | 1     | VALIDATE | SUCCEEDED | green         | outstanding | audit MATRIX_GREEN, audit ROLLED_BACK, event ROLLED_BACK                                | ROLLED_BACK",
            "a passed health window on another version fails the rollback                          | VALIDATING@2      | 1     | VALIDATE | SUCCEEDED | wrong-version | outstanding | audit ROLLBACK_FAILED, event ROLLBACK_FAILED                                            | ROLLBACK_FAILED",
            "a failed health window fails the rollback (its green round is still recorded)         | VALIDATING@2      | 1     | VALIDATE | FAILED    | green         | outstanding | audit MATRIX_GREEN, audit ROLLBACK_FAILED, event ROLLBACK_FAILED                        | ROLLBACK_FAILED",
            "a failed health window fails the rollback                                             | VALIDATING@2      | 1     | VALIDATE | FAILED    | none          | outstanding | audit ROLLBACK_FAILED, event ROLLBACK_FAILED                                            | ROLLBACK_FAILED",
            "a timed-out health window fails the rollback                                          | VALIDATING@2      | 1     | VALIDATE | TIMED_OUT | none          | outstanding | audit ROLLBACK_FAILED, event ROLLBACK_FAILED                                            | ROLLBACK_FAILED",
            "a refused health window fails the rollback                                            | VALIDATING@2      | 1     | VALIDATE | REFUSED   | none          | outstanding | audit ROLLBACK_FAILED, event ROLLBACK_FAILED                                            | ROLLBACK_FAILED",
            "a result of a step this service never sends fails the rollback                        | RESTORING@2       | 1     | FREEZE   | SUCCEEDED | none          | outstanding | audit ROLLBACK_FAILED, event ROLLBACK_FAILED                                            | ROLLBACK_FAILED",
            "a result of an older epoch is ignored                                                 | RESTORING@2       | 1     | RESTORE  | SUCCEEDED | verified      | older-epoch | audit RESULT_IGNORED                                                                    | unchanged",
            "a result for another idempotency key (an earlier attempt) is ignored                  | RESTORING@2       | 2     | RESTORE  | FAILED    | none          | other-key   | audit RESULT_IGNORED                                                                    | unchanged",
            "a result after the rollback finished is ignored (a late green changes nothing)        | ROLLBACK_FAILED@2 | 1     | VALIDATE | SUCCEEDED | green         | outstanding | audit RESULT_IGNORED                                                                    | unchanged",
            "a result for a cutover without a rollback is ignored                                  | none              | 1     | RESTORE  | SUCCEEDED | verified      | outstanding | audit RESULT_IGNORED                                                                    | unchanged",
    })
    void stepFinished(String proves, String recorded, int tries, StepKind kind, StepOutcome outcome, String facts,
                      String answers, String effects, String ends) {
        RollbackSnapshot state = recorded(recorded, tries);
        List<RollbackEffect> out = SAGA.decide(state, new RollbackInput.StepFinished(
                result(state, kind, outcome, facts(facts), answers), NOW));
        assertThat(summary(out)).isEqualTo(effects);
        assertThat(ends(out)).isEqualTo(ends);
    }

    // ================================================================ watchdog

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', quoteCharacter = '"', value = {
            // what the row proves                                                      | recorded          | tries | deadline       | effects                                      | ends
            "an overdue RESTORE is handled as TIMED_OUT and retried while attempts remain  | RESTORING@2       | 1     | before-cutoff  | audit RESTORE_RETRY, send RESTORE            | RESTORING",
            "an overdue RESTORE after the last attempt fails the rollback                  | RESTORING@2       | 2     | before-cutoff  | audit ROLLBACK_FAILED, event ROLLBACK_FAILED | ROLLBACK_FAILED",
            "an overdue VALIDATE fails the rollback                                        | VALIDATING@2      | 1     | before-cutoff  | audit ROLLBACK_FAILED, event ROLLBACK_FAILED | ROLLBACK_FAILED",
            "a command whose deadline is exactly the cutoff is not overdue yet             | RESTORING@2       | 1     | at-cutoff      | nothing                                      | unchanged",
            "a command answered meanwhile (deadline moved past the cutoff) is left alone   | VALIDATING@2      | 1     | after-cutoff   | nothing                                      | unchanged",
            "a finished rollback has no deadline to pass                                   | ROLLED_BACK@2     | 1     | none           | nothing                                      | unchanged",
            "a failed rollback is left alone                                               | ROLLBACK_FAILED@2 | 1     | none           | nothing                                      | unchanged",
            "a cutover without a rollback is left alone                                    | none              | 1     | none           | nothing                                      | unchanged",
    })
    void deadlinePassed(String proves, String recorded, int tries, String deadline, String effects, String ends) {
        RollbackSnapshot state = recorded(recorded, tries);
        if (state != null) {
            Instant d = switch (deadline) {
                case "before-cutoff" -> NOW.minusSeconds(1);
                case "at-cutoff" -> NOW;
                case "after-cutoff" -> NOW.plusSeconds(1);
                default -> null;
            };
            state = withOutstanding(state, new Outstanding(state.outstanding().step(),
                    state.outstanding().commandId(), state.outstanding().idempotencyKey(), d));
        }
        List<RollbackEffect> out = SAGA.decide(state, new RollbackInput.DeadlinePassed(CO, NOW, NOW));
        assertThat(summary(out)).isEqualTo(effects);
        assertThat(ends(out)).isEqualTo(ends);
    }

    // ================================================================ what the transitions write

    @Test
    void aRollbackBreachBecomesARequestAtTheNextEpochByTheTriggerWithTheNumbersInItsAuditLine() {
        List<RollbackEffect> out = SAGA.decide(null, new RollbackInput.BreachReceived(breach(4, TriggerAction.ROLLBACK),
                NOW));
        RollbackSnapshot started = firstState(out);
        assertThat(started.epoch()).isEqualTo(5);
        assertThat(started.request().requestedBy()).isEqualTo("trigger:CRASH_LOOP");
        assertThat(started.request().messageId()).isEqualTo("b-4");
        assertThat(started.request().expected()).isEqualTo(new Hashes(PLIST, PKG, STATE));
        assertThat(of(out, Audit.class).get(0).detail()).isEqualTo("requested by trigger:CRASH_LOOP: CRASH_LOOP: "
                + "3 crashes in 41 s (threshold 3 crashes within 300 s); numbers {crashes=3, seconds=41}");
        assertThat(of(out, Count.class)).extracting(Count::tags)
                .containsExactly(List.of("trigger", "CRASH_LOOP", "decision", "rollback"), List.of("decision", "start"));
    }

    @Test
    void aStartedRollbackCopiesTheRequestTakesANewAttemptNumberAndRestoresFromTheFirstAttempt() {
        RollbackSnapshot old = withFailure(recorded("ROLLBACK_FAILED@2", 2), "earlier failure");
        List<RollbackEffect> out = SAGA.decide(old, new RollbackInput.RequestReceived(request(3, true), NOW));
        RollbackSnapshot s = firstState(out);
        assertThat(s.state()).isEqualTo(RollbackState.RESTORING);
        assertThat(s.epoch()).isEqualTo(3);
        assertThat(s.attempt()).as("never reuse an idempotency key, not even across epochs").isEqualTo(3);
        assertThat(s.restoreAttempts()).isEqualTo(1);
        assertThat(s.found()).isEqualTo(Found.NONE);
        assertThat(s.failureReason()).isNull();
        assertThat(s.finishedAt()).isNull();
        assertThat(s.matrixGreenAt()).isNull();
        assertThat(s.request().requestedAt()).isEqualTo(T0);
        assertThat(s.request().region()).isEqualTo(Region.HK);
        assertThat(s.updatedAt()).isEqualTo(NOW);
        assertThat(of(out, Audit.class).get(0)).isEqualTo(new Audit("SUPERSEDED", RollbackState.ROLLBACK_FAILED, null,
                null, "req-3", "epoch 2 superseded by 3; requested by alice: operator rollback"));
        assertThat(of(out, PublishEvent.class)).containsExactly(
                new PublishEvent(CutoverEventType.ROLLBACK_STARTED, "operator rollback"));
    }

    @Test
    void aRetryTakesANewAttemptNumberAndCountsTheRestoreAttemptBeforeTheCommandIsSent() {
        RollbackSnapshot s = recorded("RESTORING@2", 1);
        List<RollbackEffect> out = SAGA.decide(s, new RollbackInput.StepFinished(
                result(s, StepKind.RESTORE, StepOutcome.FAILED, Map.of(), "outstanding"), NOW));
        assertThat(out).extracting(e -> e.getClass().getSimpleName())
                .containsExactly("SetState", "Audit", "LogLine", "SetState", "SendStep");
        Audit retry = of(out, Audit.class).get(0);
        assertThat(retry.detail()).isEqualTo("RESTORE FAILED after 1 attempt(s): worker says no");
        RollbackSnapshot sent = lastState(out);
        assertThat(sent.attempt()).isEqualTo(2);
        assertThat(sent.restoreAttempts()).isEqualTo(2);
    }

    @Test
    void theRowIsWrittenBeforeEachEffectThatReadsItSoTheVerifiedAuditLineCarriesTheFoundHashes() {
        RollbackSnapshot s = recorded("RESTORING@2", 1);
        List<RollbackEffect> out = SAGA.decide(s, new RollbackInput.StepFinished(
                result(s, StepKind.RESTORE, StepOutcome.SUCCEEDED, facts("verified"), "outstanding"), NOW));
        assertThat(out).extracting(e -> e.getClass().getSimpleName())
                .containsExactly("SetState", "Audit", "SetState", "Audit", "SendStep");
        RollbackSnapshot beforeVerifiedLine = ((SetState) out.get(0)).next();
        assertThat(beforeVerifiedLine.state()).isEqualTo(RollbackState.RESTORING);
        assertThat(beforeVerifiedLine.found()).isEqualTo(new Found(new Hashes(PLIST, PKG, STATE), PREVIOUS));
        assertThat(((Audit) out.get(3))).isEqualTo(new Audit("RESTORE_SUCCEEDED", RollbackState.RESTORING,
                StepKind.RESTORE, StepOutcome.SUCCEEDED, "res-1", null));
        assertThat(lastState(out).state()).isEqualTo(RollbackState.VALIDATING);
    }

    @Test
    void aFailedRestoreKeepsWhatTheWorkerFoundAndATamperedKitNamesTheStateArchiveMismatch() {
        RollbackSnapshot s = recorded("RESTORING@2", 1);
        List<RollbackEffect> out = SAGA.decide(s, new RollbackInput.StepFinished(
                result(s, StepKind.RESTORE, StepOutcome.FAILED, facts("tampered"), "outstanding"), NOW));
        RollbackSnapshot failed = lastState(out);
        assertThat(failed.found().hashes().state()).isEqualTo(OTHER);
        assertThat(failed.failureReason()).isEqualTo("state hash mismatch after restore: expected " + STATE
                + ", found " + OTHER);
        assertThat(of(out, Audit.class).get(0).detail()).isEqualTo(failed.failureReason() + "; worker says no");
        assertThat(of(out, PublishEvent.class)).containsExactly(
                new PublishEvent(CutoverEventType.ROLLBACK_FAILED, failed.failureReason()));
    }

    @Test
    void finishingSetsFinishedAtAndClearsTheDeadlineButKeepsTheLastCommandForTheRecord() {
        RollbackSnapshot s = recorded("VALIDATING@2", 1);
        List<RollbackEffect> out = SAGA.decide(s, new RollbackInput.StepFinished(
                result(s, StepKind.VALIDATE, StepOutcome.SUCCEEDED, facts("green"), "outstanding"), NOW));
        RollbackSnapshot done = lastState(out);
        assertThat(done.state()).isEqualTo(RollbackState.ROLLED_BACK);
        assertThat(done.finishedAt()).isEqualTo(NOW);
        assertThat(done.outstanding()).isEqualTo(new Outstanding(StepKind.VALIDATE, "cmd-1",
                RunStep.idempotencyKey(CO, StepKind.VALIDATE, 1), null));
        assertThat(done.matrixGreenAt()).isEqualTo(Instant.parse("2026-03-01T02:11:00.250Z"));
        assertThat(done.matrixGreenRound()).isEqualTo(3);
        assertThat(of(out, Audit.class).get(0).detail())
                .isEqualTo("matrix green: every layer PASSED in verification round 3 at 2026-03-01T02:11:00.250Z"
                        + " (60250 ms after the request)");
        assertThat(of(out, PublishEvent.class)).containsExactly(new PublishEvent(CutoverEventType.ROLLED_BACK,
                "restored 2026.7.1, hashes verified, health green"));
        assertThat(of(out, Count.class)).containsExactly(new Count("rollback.outcomes", List.of("outcome",
                "rolled_back")));
    }

    @Test
    void aBreachOfTheVerificationNamesTheBreachInTheEventAndItsNumbersInTheAuditLine() {
        List<RollbackEffect> out = SAGA.decide(recorded("VALIDATING@5", 1),
                new RollbackInput.BreachReceived(breach(5, TriggerAction.OBSERVE), NOW));
        String reason = "verification of the restored 2026.7.1 breached CRASH_LOOP: 3 crashes in 41 s"
                + " (threshold 3 crashes within 300 s)";
        assertThat(of(out, PublishEvent.class)).containsExactly(
                new PublishEvent(CutoverEventType.ROLLBACK_FAILED, reason));
        assertThat(of(out, Audit.class)).containsExactly(new Audit("ROLLBACK_FAILED", RollbackState.VALIDATING,
                StepKind.VALIDATE, null, "b-5", reason + "; numbers {crashes=3, seconds=41}"));
        assertThat(of(out, Count.class)).extracting(Count::tags).containsExactly(
                List.of("trigger", "CRASH_LOOP", "decision", "verification_failed"), List.of("outcome", "failed"));
    }

    @Test
    void messagesThatMoveNothingAreAuditedAtTheirOwnEpochAndAttempt() {
        List<RollbackEffect> breach = SAGA.decide(recorded("VALIDATING@5", 1),
                new RollbackInput.BreachReceived(breach(7, TriggerAction.PAUSE), NOW));
        assertThat(of(breach, AuditMessage.class)).containsExactly(new AuditMessage(CO, LEASE, 7, null,
                "BREACH_RECORDED", StepKind.VALIDATE, null, "b-7", "breach with action PAUSE recorded, no rollback: "
                + "CRASH_LOOP: 3 crashes in 41 s (threshold 3 crashes within 300 s); numbers {crashes=3, seconds=41}"));
        List<RollbackEffect> result = SAGA.decide(null, new RollbackInput.StepFinished(
                result(null, StepKind.RESTORE, StepOutcome.SUCCEEDED, Map.of(), "outstanding"), NOW));
        assertThat(of(result, AuditMessage.class)).containsExactly(new AuditMessage(CO, LEASE, 2, 1, "RESULT_IGNORED",
                StepKind.RESTORE, StepOutcome.SUCCEEDED, "res-1", "no rollback recorded for this cutover"));
        assertThat(of(result, LogLine.class)).extracting(LogLine::level).containsExactly(LogLine.Level.WARN);
    }

    @Test
    void theSameStateAndInputAlwaysGiveTheSameEffects() {
        RollbackSnapshot s = recorded("RESTORING@2", 1);
        RollbackInput in = new RollbackInput.StepFinished(
                result(s, StepKind.RESTORE, StepOutcome.SUCCEEDED, facts("verified"), "outstanding"), NOW);
        assertThat(SAGA.decide(s, in)).isEqualTo(SAGA.decide(s, in));
    }

    // ================================================================ fixtures

    /** {@code none}, or {@code STATUS@epoch}: a rollback waiting for its first RESTORE (or VALIDATE) attempt. */
    static RollbackSnapshot recorded(String spec) {
        return recorded(spec, 1);
    }

    /** As {@link #recorded(String)}, after {@code tries} RESTORE attempts; the outstanding key is the last one's. */
    static RollbackSnapshot recorded(String spec, int tries) {
        if (spec.equals("none")) {
            return null;
        }
        RollbackState status = RollbackState.valueOf(spec.substring(0, spec.indexOf('@')));
        long epoch = Long.parseLong(spec.substring(spec.indexOf('@') + 1));
        StepKind step = status == RollbackState.RESTORING ? StepKind.RESTORE : StepKind.VALIDATE;
        RollbackSnapshot started = RollbackSnapshot.started(null, request(epoch, true), T0);
        Outstanding outstanding = new Outstanding(step, "cmd-1", RunStep.idempotencyKey(CO, step, tries),
                status.terminal() ? null : DEADLINE);
        return new RollbackSnapshot(CO, LEASE, epoch, status, started.request(), Found.NONE, outstanding, tries, tries,
                null, T0, status.terminal() ? T0 : null, null, null);
    }

    static RollbackSnapshot withOutstanding(RollbackSnapshot s, Outstanding o) {
        return new RollbackSnapshot(s.cutoverId(), s.leaseId(), s.epoch(), s.state(), s.request(), s.found(), o,
                s.attempt(), s.restoreAttempts(), s.failureReason(), s.updatedAt(), s.finishedAt(), s.matrixGreenAt(),
                s.matrixGreenRound());
    }

    static RollbackSnapshot withFailure(RollbackSnapshot s, String reason) {
        return new RollbackSnapshot(s.cutoverId(), s.leaseId(), s.epoch(), s.state(), s.request(),
                new Found(new Hashes(OTHER, PKG, STATE), CANDIDATE), s.outstanding(), s.attempt(),
                s.restoreAttempts(), reason, s.updatedAt(), s.finishedAt(), T0, 1);
    }

    static RollbackRequested request(long epoch, boolean usable) {
        return new RollbackRequested("req-" + epoch, CO, LEASE, T0, 1, epoch, "alice", "operator rollback", TARGET,
                "CHG-1", usable ? PREVIOUS : "latest", CANDIDATE, "bob@hk",
                Map.of("plist", PLIST, "package", PKG, "state", STATE));
    }

    static ThresholdBreached breach(long epoch, TriggerAction action) {
        return new ThresholdBreached("b-" + epoch, CO, LEASE, T0, 1, epoch, TriggerKind.CRASH_LOOP, action,
                "3 crashes in 41 s", "3 crashes within 300 s", Map.of("crashes", "3", "seconds", "41"), T0, TARGET,
                "CHG-1", PREVIOUS, CANDIDATE, "bob@hk", Map.of("plist", PLIST, "package", PKG, "state", STATE));
    }

    /**
     * A result answering the rollback's outstanding command ({@code outstanding}), or one of an older epoch or for an
     * earlier attempt's key; {@code s} null: a result for a cutover without a rollback. It carries the facts and the
     * typed report made from them, as the worker sends both.
     */
    static StepResult result(RollbackSnapshot s, StepKind kind, StepOutcome outcome, Map<String, String> facts,
                             String answers) {
        RollbackSnapshot to = s == null ? recorded("RESTORING@2") : s; // none recorded: as if it were
        long epoch = answers.equals("older-epoch") ? to.epoch() - 1 : to.epoch();
        String key = answers.equals("other-key") ? RunStep.idempotencyKey(CO, kind, to.attempt() - 1)
                : to.outstanding().idempotencyKey();
        return StepResult.builder().messageId("res-1").cutoverId(CO).leaseId(LEASE).timestamp(NOW).epoch(epoch)
                .kind(kind).attempt(to.attempt()).idempotencyKey(key).commandMessageId("cmd-1").outcome(outcome)
                .reason("worker says no").facts(facts).report(StepReport.fromFacts(kind, facts)).durationMillis(10)
                .workerId("worker-hk").build();
    }

    static Map<String, String> facts(String name) {
        return switch (name) {
            case "none" -> Map.of();
            case "verified" -> Map.of("plistSha256After", PLIST, "packageSha256After", PKG, "stateArchiveSha256", STATE,
                    "runningVersion", PREVIOUS);
            case "wrong-plist" -> Map.of("plistSha256After", OTHER, "packageSha256After", PKG, "stateArchiveSha256",
                    STATE, "runningVersion", PREVIOUS);
            case "wrong-version" -> Map.of("plistSha256After", PLIST, "packageSha256After", PKG, "stateArchiveSha256",
                    STATE, "runningVersion", CANDIDATE);
            case "tampered" -> Map.of("stateArchiveSha256", OTHER);
            case "green" -> Map.of("firstGreenAt", "2026-03-01T02:11:00.250Z", "firstGreenRound", "3",
                    "runningVersion", PREVIOUS);
            default -> throw new IllegalArgumentException(name);
        };
    }

    // ================================================================ reading effects

    /**
     * The effects that reach the audit trail, the outbox and the worker, in order. Also checks the saga's promise to
     * the engine: nothing changes the row after a command was sent (sending records the outstanding command).
     */
    static String summary(List<RollbackEffect> effects) {
        List<String> parts = new ArrayList<>();
        boolean sent = false;
        for (RollbackEffect e : effects) {
            assertThat(sent && e instanceof SetState).as("state written after a command was sent: " + effects)
                    .isFalse();
            if (e instanceof Audit a) {
                parts.add("audit " + a.action());
            } else if (e instanceof AuditMessage a) {
                parts.add("audit " + a.action());
            } else if (e instanceof PublishEvent p) {
                parts.add("event " + p.type());
            } else if (e instanceof SendStep s) {
                parts.add("send " + s.kind());
                sent = true;
            }
        }
        return parts.isEmpty() ? "nothing" : String.join(", ", parts);
    }

    /** The status of the last state written, or {@code unchanged}. */
    static String ends(List<RollbackEffect> effects) {
        List<SetState> writes = of(effects, SetState.class);
        return writes.isEmpty() ? "unchanged" : writes.get(writes.size() - 1).next().state().name();
    }

    static RollbackSnapshot firstState(List<RollbackEffect> effects) {
        return of(effects, SetState.class).get(0).next();
    }

    static RollbackSnapshot lastState(List<RollbackEffect> effects) {
        List<SetState> writes = of(effects, SetState.class);
        return writes.get(writes.size() - 1).next();
    }

    static <T extends RollbackEffect> List<T> of(List<RollbackEffect> effects, Class<T> type) {
        return effects.stream().filter(type::isInstance).map(type::cast).collect(Collectors.toList());
    }
}
