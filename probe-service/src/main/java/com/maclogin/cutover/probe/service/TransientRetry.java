package com.maclogin.cutover.probe.service;

import com.maclogin.cutover.contracts.Evidence;
import com.maclogin.cutover.contracts.RunStep;
import com.maclogin.cutover.contracts.StepKind;
import com.maclogin.cutover.probe.client.SshUnavailableException;
import com.maclogin.cutover.probe.config.ProbeConfig;
import io.quarkus.logging.Log;
import java.time.Duration;
import java.util.EnumSet;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.DoubleSupplier;

/**
 * How one step survives transient SSH faults ({@link SshUnavailableException#isTransient()}: a refused connect, a
 * connection closed or reset during the key exchange, the login or a command). Never retried: a changed host key, a
 * failed authentication, a peer that does not finish the handshake within the connect timeout, a command timeout, a
 * command's exit code or any other check of the step.
 * <ul>
 *   <li>{@link Scope#COMMAND}, read-only steps (INVENTORY, VALIDATE's set-up and final reads): the command that hit the
 *       fault runs again. VALIDATE's restart drill ({@code kickstart -k}) is run once, never again
 *       ({@link StepContext#runOnce}); the probes of the window map SSH trouble to ERROR themselves.</li>
 *   <li>{@link Scope#STEP}, mutating steps ({@link #REPEATABLE}): only what provably did not start is tried again:
 *       a command whose fault came before the exec request (a refused connect, a connection dropped during the key
 *       exchange or the login, no session) runs again; a command whose connection was lost after the exec request may
 *       have run, so it is never run again and the step fails ({@code ProbeReasons.COMMAND_MAY_HAVE_RUN}). The step is
 *       never re-run as a whole (the lease lock's own commands are idempotent and retried either way).</li>
 *   <li>{@link Scope#NONE}: PARALLEL_RUN (a canary started before the fault would hold its port; the saga's UNFREEZE
 *       stops it).</li>
 * </ul>
 * Backoff: {@code probe.retry.initial-backoff}, doubled per retry up to {@code max-backoff}, shortened by a random
 * share of up to {@code jitter}; never past the step's deadline (an attempt must be able to start with at least the
 * initial backoff left). At most {@code probe.retry.max-attempts} tries per command or step, except for the clean-up
 * steps ({@link #CLEANUP}), which retry until their deadline so that a lease is not left frozen by a cutover that
 * has ended. Every retry is logged with the cutover and lease id, recorded as evidence {@code transient retry} and
 * counted in the fact {@code transientRetries}.
 */
final class TransientRetry {

    /** The unit that is tried again. */
    enum Scope { COMMAND, STEP, NONE }

    /** Fact with the number of retries the step made. */
    static final String FACT = "transientRetries";
    /** Evidence name of one retry. */
    static final String EVIDENCE = "transient retry";

    /** Mutating steps whose commands that did not start may be tried again. */
    static final Set<StepKind> REPEATABLE = EnumSet.of(StepKind.FREEZE, StepKind.SNAPSHOT, StepKind.INSTALL_CANDIDATE,
            StepKind.FLIP_PLIST, StepKind.RELOAD, StepKind.RESTORE, StepKind.UNFREEZE);
    /** Clean-up steps: retried until their deadline, not bounded by {@code max-attempts}. */
    static final Set<StepKind> CLEANUP = EnumSet.of(StepKind.UNFREEZE, StepKind.RESTORE);

    private final RunStep command;
    private final ProbeConfig.Retry config;
    private final Scope scope;
    private final DoubleSupplier random;
    private int retries;

    TransientRetry(RunStep command, ProbeConfig.Retry config) {
        this(command, config, () -> ThreadLocalRandom.current().nextDouble());
    }

    TransientRetry(RunStep command, ProbeConfig.Retry config, DoubleSupplier random) {
        this.command = command;
        this.config = config;
        this.scope = scope(command.kind());
        this.random = random;
    }

    static Scope scope(StepKind kind) {
        if (!kind.mutatesLease()) {
            return Scope.COMMAND;
        }
        return REPEATABLE.contains(kind) ? Scope.STEP : Scope.NONE;
    }

    Scope scope() {
        return scope;
    }

    /** Retries made so far in this step. */
    int retries() {
        return retries;
    }

    /**
     * The pause before the {@code retry}-th retry (1 = the first) when {@code remaining} is left of the deadline, or
     * empty when no retry is allowed: {@code maxAttempts} tries made (unless {@code untilDeadline}), or too little time
     * left. {@code random} in [0, 1) picks the jitter. Pure.
     */
    static Optional<Duration> backoff(int retry, Duration remaining, int maxAttempts, boolean untilDeadline,
            Duration initial, Duration max, double jitter, double random) {
        if (retry < 1 || !untilDeadline && retry >= Math.max(1, maxAttempts)) {
            return Optional.empty();
        }
        long initialMillis = Math.max(1, initial.toMillis());
        long base = initialMillis;
        for (int i = 1; i < retry && base < max.toMillis(); i++) {
            base *= 2;
        }
        base = Math.min(base, Math.max(initialMillis, max.toMillis()));
        double j = Math.max(0, Math.min(1, jitter));
        long pause = Math.max(1, Math.round(base * (1 - j * Math.max(0, Math.min(1, random)))));
        long room = remaining.toMillis() - initialMillis;
        if (room <= 0) {
            return Optional.empty();
        }
        return Optional.of(Duration.ofMillis(Math.min(pause, room)));
    }

    /**
     * A try of {@code what} hit the transient fault {@code e} after {@code failedTries} tries of it: when a retry is
     * allowed, logs it, records it, counts it (fact {@link #FACT} on {@code ctx}) and waits the backoff (which stops
     * at the deadline or when a newer epoch arrives, like every pause); returns false when none is left.
     */
    boolean retry(StepContext ctx, int failedTries, String what, SshUnavailableException e) {
        Optional<Duration> pause = backoff(failedTries, ctx.remaining(), config.maxAttempts(),
                CLEANUP.contains(command.kind()), config.initialBackoff(), config.maxBackoff(), config.jitter(),
                random.getAsDouble());
        if (pause.isEmpty()) {
            return false;
        }
        retries++;
        long ms = pause.get().toMillis();
        Log.warnf("cutover=%s lease=%s step=%s attempt=%d epoch=%d transient SSH fault during %s: %s; retry %d (%s) in %d ms",
                command.cutoverId(), command.leaseId(), command.kind(), command.attempt(), command.epoch(), what,
                e.getMessage(), retries, scope == Scope.STEP ? "command (it had not started)" : "command", ms);
        ctx.addEvidence(Evidence.of(EVIDENCE, what, null, "ssh: " + e.getMessage() + "; retry " + retries + " of the "
                + (scope == Scope.STEP ? "command, which had not started," : "command") + " after " + ms + " ms"));
        ctx.fact(FACT, retries);
        ctx.pause(pause.get());
        return true;
    }
}
