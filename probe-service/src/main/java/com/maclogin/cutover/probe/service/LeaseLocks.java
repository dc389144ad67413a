package com.maclogin.cutover.probe.service;

import com.maclogin.cutover.contracts.Evidence;
import com.maclogin.cutover.contracts.RunStep;
import com.maclogin.cutover.probe.ProbeReasons;
import com.maclogin.cutover.probe.client.CommandResult;
import com.maclogin.cutover.probe.client.LeaseSshClient;
import com.maclogin.cutover.probe.config.ProbeConfig;
import io.quarkus.logging.Log;
import java.time.Duration;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * Takes, renews and releases the {@link LeaseLock} for a step that changes the lease. {@link #acquire} waits (in the
 * step's pauses: deadline, newer epoch and stop all end the wait) while another worker's lock is live, and answers
 * {@link ProbeReasons#LEASE_LOCK_HELD} (timed out) if the deadline comes first. Why wait rather than refuse at once: the
 * usual holder is the previous owner of the step topic's partition, which stops within a poll of losing it and
 * releases, or is dead and its lock expires within {@code probe.lock.ttl}; both end well inside a step's deadline,
 * while a refusal would fail the saga's step for a conflict that resolves itself.
 *
 * <p>While the step runs, a timer renews the lock every {@code probe.lock.renew-every} by creating the next
 * generation; if another worker created it first (the lock had expired and was taken over), the step is stopped
 * ({@link ProbeReasons#LEASE_LOCK_LOST}) and its SSH connection closed. A renewal that cannot reach the lease is
 * tried again at the next tick; the lock then simply expires if the lease stays unreachable.
 */
final class LeaseLocks {

    /** Fact: the owner of an expired lock this step took over (that worker died or stopped renewing). */
    static final String TAKEN_OVER_FACT = "leaseLockTakenOver";
    /** Fact: the owner of the lock an interrupted earlier delivery of this very step left (it may have run in part). */
    static final String INTERRUPTED_FACT = "leaseLockInterruptedRun";
    /** Evidence name of the lock's commands. */
    static final String EVIDENCE = "lease lock";

    private final LeaseSshClient ssh;
    private final ProbeConfig.Lock config;
    private final String workerId;
    private final ScheduledExecutorService timer;

    LeaseLocks(LeaseSshClient ssh, ProbeConfig.Lock config, String workerId, ScheduledExecutorService timer) {
        this.ssh = ssh;
        this.config = config;
        this.workerId = LeaseLock.owner(workerId);
        this.timer = timer;
    }

    /** A lock this worker holds for one step. */
    final class Held {
        private final StepContext ctx;
        private long generation;
        private long leaseNowAt;
        private long nanosAt;
        private boolean released;
        private ScheduledFuture<?> renewal;

        private Held(StepContext ctx, long generation, long leaseNow, long nanos) {
            this.ctx = ctx;
            this.generation = generation;
            this.leaseNowAt = leaseNow;
            this.nanosAt = nanos;
        }

        /** The lease's clock now, from its clock at the last look and the time since (this JVM's monotonic clock). */
        private long leaseNow() {
            return leaseNowAt + (System.nanoTime() - nanosAt) / 1_000_000_000L;
        }

        synchronized long generation() {
            return generation;
        }

        synchronized void renew() {
            if (released) {
                return;
            }
            RunStep c = ctx.command();
            long next = generation + 1;
            long expires = leaseNow() + config.ttl().toSeconds();
            try {
                CommandResult r = ssh.exec(c.target(), LeaseLock.takeScript(next,
                        LeaseLock.Holder.held(workerId, c, expires)), config.renewEvery());
                String out = r.stdout() == null ? "" : r.stdout().strip();
                if (out.equals("taken")) {
                    generation = next;
                } else if (out.equals("lost")) {
                    lost("generation " + next + " was created by another worker");
                } else {
                    Log.warnf("cutover=%s lease=%s step=%s: lease lock renewal answered exit %d; tried again in %s",
                            c.cutoverId(), c.leaseId(), c.kind(), r.exitCode(), config.renewEvery());
                }
            } catch (Exception e) {
                Log.warnf("cutover=%s lease=%s step=%s: lease lock not renewed (%s); tried again in %s",
                        c.cutoverId(), c.leaseId(), c.kind(), e.getMessage(), config.renewEvery());
            }
        }

        private void lost(String why) {
            RunStep c = ctx.command();
            released = true;
            Log.warnf("cutover=%s lease=%s step=%s: lease lock lost (%s): stopping the step", c.cutoverId(),
                    c.leaseId(), c.kind(), why);
            ctx.stop(String.format(ProbeReasons.LEASE_LOCK_LOST, why));
            // a command that is running now dies with its connection
            ssh.reconnect(c.target());
        }
    }

    /**
     * Takes the lease's lock for {@code ctx}'s step, waiting while another worker's live lock is there; starts its
     * renewal. Records one evidence entry {@link #EVIDENCE} with how it was taken (and how long it waited).
     */
    Held acquire(StepContext ctx) {
        RunStep c = ctx.command();
        long start = System.nanoTime();
        String waitedFor = null;
        while (true) {
            CommandResult look;
            try {
                look = ctx.runLockCommand(LeaseLock.lookScript());
            } catch (DeadlineExceededException e) {
                throw new DeadlineExceededException(String.format(ProbeReasons.LEASE_LOCK_HELD,
                        waitedFor == null ? e.getMessage() : waitedFor));
            }
            LeaseLock.Observed o = look.ok() ? LeaseLock.observed(look.stdout()) : null;
            if (o == null) {
                ctx.addEvidence(Evidence.of(EVIDENCE, LeaseLock.lookScript(), look.exitCode(), "lock not readable"));
                throw new StepFailedException(String.format(ProbeReasons.COMMAND_FAILED, "lease lock look",
                        look.exitCode()));
            }
            long nanos = System.nanoTime();
            LeaseLock.Decision d = LeaseLock.decide(o, workerId, c);
            if (d.action() == LeaseLock.Action.TAKE) {
                long next = o.generation() + 1;
                String take = LeaseLock.takeScript(next, LeaseLock.Holder.held(workerId, c,
                        o.leaseNow() + config.ttl().toSeconds()));
                CommandResult r = ctx.runLockCommand(take);
                if (r.ok() && "taken".equals(r.stdout().strip())) {
                    Held held = new Held(ctx, next, o.leaseNow(), nanos);
                    long waited = (System.nanoTime() - start) / 1_000_000;
                    ctx.addEvidence(Evidence.of(EVIDENCE, "take generation " + next, 0, "taken (" + d.why() + ")"
                            + (waitedFor != null ? " after waiting " + waited + " ms: " + waitedFor : "")));
                    if (d.takeOver() != null) {
                        ctx.fact(TAKEN_OVER_FACT, d.takeOver());
                        Log.warnf("cutover=%s lease=%s step=%s: took over the expired lease lock of %s (%s)",
                                c.cutoverId(), c.leaseId(), c.kind(), d.takeOver(), d.why());
                    }
                    long every = Math.max(1, config.renewEvery().toMillis());
                    held.renewal = timer.scheduleWithFixedDelay(held::renew, every, every, TimeUnit.MILLISECONDS);
                    if (d.interrupted() != null) {
                        interrupted(ctx, d.interrupted(), held);
                    }
                    return held;
                }
                // another worker created that generation first: look again at once
                continue;
            }
            if (waitedFor == null) {
                Log.infof("cutover=%s lease=%s step=%s: waiting for the lease lock (%s)", c.cutoverId(), c.leaseId(),
                        c.kind(), d.why());
            }
            waitedFor = d.why();
            Duration poll = config.poll();
            if (ctx.remaining().compareTo(poll) <= 0) {
                ctx.addEvidence(Evidence.of(EVIDENCE, "look", 0, "not taken: " + d.why()));
                throw new DeadlineExceededException(String.format(ProbeReasons.LEASE_LOCK_HELD, d.why()));
            }
            ctx.pause(poll);
        }
    }

    /**
     * An earlier delivery of this very step was cut off while it held the lock (its worker crashed or was killed): it
     * may have run in part. A step whose handler checks the lease before each change ({@link TransientRetry#REPEATABLE})
     * runs on, its checks see what is done (fact {@link #INTERRUPTED_FACT}); any other (PARALLEL_RUN: a canary may be
     * running) is not run again: the step fails, naming the interrupted run (the lock is released as usual).
     */
    private void interrupted(StepContext ctx, String owner, Held held) {
        RunStep c = ctx.command();
        ctx.fact(INTERRUPTED_FACT, owner);
        Log.warnf("cutover=%s lease=%s step=%s key=%s: an earlier run of this step by %s was interrupted holding the "
                + "lease lock", c.cutoverId(), c.leaseId(), c.kind(), c.idempotencyKey(), owner);
        if (!TransientRetry.REPEATABLE.contains(c.kind())) {
            release(held);
            throw new StepFailedException(String.format(ProbeReasons.STEP_INTERRUPTED_MAY_HAVE_RUN, owner));
        }
    }

    /**
     * Stops renewing and releases the lock (a released generation), unless another worker took it over meanwhile.
     * Never throws: a lock that cannot be released expires.
     */
    void release(Held held) {
        release(held, false);
    }

    /**
     * As {@link #release(Held)}; {@code interrupted}: the step was stopped part way (its partition was revoked, the
     * worker is stopping), so instead of a released generation the lock is left for this step already expired: the
     * next delivery of the step takes it at once and knows that this run may have changed the lease in part.
     */
    void release(Held held, boolean interrupted) {
        if (held == null) {
            return;
        }
        RunStep c = held.ctx.command();
        long next;
        synchronized (held) {
            if (held.renewal != null) {
                held.renewal.cancel(false);
            }
            if (held.released) {
                return;
            }
            held.released = true;
            next = held.generation + 1;
        }
        try {
            CommandResult r = ssh.exec(c.target(), LeaseLock.takeScript(next, interrupted
                    ? LeaseLock.Holder.held(workerId, c, 0) : LeaseLock.Holder.releasedBy(workerId)),
                    config.renewEvery());
            if (!r.ok() || !"taken".equals(r.stdout().strip())) {
                Log.warnf("cutover=%s lease=%s step=%s: lease lock not released (%s); it expires", c.cutoverId(),
                        c.leaseId(), c.kind(), r.stdout().strip());
            }
        } catch (Exception e) {
            Log.warnf("cutover=%s lease=%s step=%s: lease lock not released (%s); it expires within %s",
                    c.cutoverId(), c.leaseId(), c.kind(), e.getMessage(), config.ttl());
        }
    }
}
