package com.maclogin.cutover.probe.service;

import com.maclogin.cutover.contracts.Evidence;
import com.maclogin.cutover.contracts.LeaseTarget;
import com.maclogin.cutover.contracts.RunStep;
import com.maclogin.cutover.probe.ProbeReasons;
import com.maclogin.cutover.probe.client.CommandResult;
import com.maclogin.cutover.probe.client.CommandTimeoutException;
import com.maclogin.cutover.probe.client.HostKeyMismatchException;
import com.maclogin.cutover.probe.client.HttpProbeResponse;
import com.maclogin.cutover.probe.client.LeaseSshClient;
import com.maclogin.cutover.probe.client.SshUnavailableException;
import com.maclogin.cutover.probe.config.ProbeConfig;
import com.maclogin.cutover.contracts.Redaction;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BooleanSupplier;
import java.util.function.LongSupplier;

/**
 * One step run on one lease: the command, its deadline, the SSH client, and what the step collects (facts,
 * evidence, a reason). Every wait is bounded by the deadline; SSH trouble becomes a step exception.
 */
public final class StepContext {

    /** How often a pause looks for a newer epoch: a rollback waits at most this long for a window to stop. */
    static final long PAUSE_SLICE_MILLIS = 100;

    private final RunStep command;
    private final Instant deadline;
    private final LeaseSshClient ssh;
    private final ProbeConfig config;
    private final Map<String, String> facts = new LinkedHashMap<>();
    private final List<Evidence> evidence = new ArrayList<>();
    private String reason;
    private String replayedMessageId;
    private LongSupplier newestEpoch = () -> -1;
    private BooleanSupplier pinVerifiedEarlier = () -> false;
    private List<CommandResult> prefetchedBasics;
    private final TransientRetry retry;
    private boolean connected;
    private long connectMillis;
    private long execMillis;
    private Redaction redaction = Redaction.remembering(java.util.List.of());
    /** Why the step must stop (its lease lock was lost, its partition was revoked), or null: see {@link #stop}. */
    private volatile String stopped;

    /** A context without transient-fault retries (tests of single parts). */
    public StepContext(RunStep command, Instant deadline, LeaseSshClient ssh, ProbeConfig config) {
        this(command, deadline, ssh, config, null);
    }

    StepContext(RunStep command, Instant deadline, LeaseSshClient ssh, ProbeConfig config, TransientRetry retry) {
        this.command = command;
        this.deadline = deadline;
        this.ssh = ssh;
        this.config = config;
        this.retry = retry;
    }

    /** The basics batch's answers ({@code id -u}, home) read together with the ledger, or null. */
    List<CommandResult> prefetchedBasics() {
        return prefetchedBasics;
    }

    void prefetchedBasics(List<CommandResult> answers) {
        this.prefetchedBasics = answers;
    }

    public RunStep command() {
        return command;
    }

    public LeaseTarget target() {
        return command.target();
    }

    public ProbeConfig config() {
        return config;
    }

    public Map<String, String> facts() {
        return facts;
    }

    public List<Evidence> evidence() {
        return evidence;
    }

    public void fact(String name, Object value) {
        if (value != null) {
            facts.put(name, String.valueOf(value));
        }
    }

    public String reason() {
        return reason;
    }

    public void reason(String reason) {
        this.reason = reason;
    }

    public String replayedMessageId() {
        return replayedMessageId;
    }

    void replayedMessageId(String id) {
        this.replayedMessageId = id;
    }

    /**
     * Records evidence with its command and output redacted (this step's {@link Redaction}: every secret shape, and the
     * exact secret values known for this lease or seen under a secret name earlier in the step).
     */
    public void addEvidence(Evidence e) {
        evidence.add(redaction.apply(e));
    }

    /** Evidence of one command, redacted before its output is cut to {@link Evidence#MAX_OUTPUT}. */
    public Evidence evidenceOf(String name, String script, Integer exitCode, String output) {
        return Evidence.of(name, redaction.apply(script), exitCode, redaction.apply(output));
    }

    /** This step's redaction; a secret the step read on purpose (the hooks token) is told to it. */
    public Redaction redaction() {
        return redaction;
    }

    void redaction(Redaction r) {
        this.redaction = r;
    }

    /** Runs one command with the configured per-command timeout; the exit code is the caller's to judge. */
    public CommandResult run(String name, String script) {
        return run(name, script, config.ssh().commandTimeout());
    }

    public CommandResult run(String name, String script, Duration timeout) {
        CommandResult r = exec(name, script, timeout, true);
        evidence.add(evidenceOf(name, script, r.exitCode(), r.combined()));
        return r;
    }

    /**
     * Runs a command that must not run twice even in a read-only step (VALIDATE's restart drill): a transient SSH fault
     * is not retried at the command (in a step retried as a whole, the step still is).
     */
    public CommandResult runOnce(String name, String script) {
        CommandResult r = exec(name, script, config.ssh().commandTimeout(), false);
        evidence.add(evidenceOf(name, script, r.exitCode(), r.combined()));
        return r;
    }

    /**
     * Runs a {@link CommandBatch} script with the per-command timeout; the batch records each of its commands as
     * evidence itself, so the combined script is not recorded.
     */
    /** Time this step's commands spent opening new SSH connections (handshake, host key check, login). */
    long connectMillis() {
        return connectMillis;
    }

    /** Time this step's commands ran on the lease, from each exec request to its exit status (connections apart). */
    long execMillis() {
        return execMillis;
    }

    CommandResult runUnrecorded(String script) {
        return exec("command batch", script, config.ssh().commandTimeout(), true);
    }

    /**
     * A command of the lease lock ({@link LeaseLocks}): safe to repeat even when a transient fault hit it after it may
     * have started (a take that did happen is seen as this worker's own lock on the next look); not recorded.
     */
    CommandResult runLockCommand(String script) {
        return exec("lease lock", script, config.ssh().commandTimeout(), true, true);
    }

    private CommandResult exec(String name, String script, Duration timeout, boolean repeatable) {
        return exec(name, script, timeout, repeatable, false);
    }

    private CommandResult exec(String name, String script, Duration timeout, boolean repeatable,
            boolean idempotent) {
        for (int tries = 1; ; tries++) {
            checkStopped();
            Duration budget = bounded(timeout);
            try {
                CommandResult r = ssh.exec(target(), script, budget);
                connected = true;
                connectMillis += r.connectMillis();
                execMillis += r.durationMillis();
                return r;
            } catch (CommandTimeoutException e) {
                evidence.add(evidenceOf(name, script, null, e.getMessage()));
                checkDeadline();
                throw new DeadlineExceededException(String.format(ProbeReasons.COMMAND_TIMED_OUT, name,
                        budget.toMillis()));
            } catch (HostKeyMismatchException e) {
                throw hostKeyRefused();
            } catch (SshUnavailableException e) {
                retryOrThrow(name, e, tries, repeatable, idempotent);
            }
        }
    }

    /**
     * A command on another login of this lease (the probe account) that only reads: a transient fault is retried as
     * for the step's own commands in a read-only step, then the SSH trouble is the caller's to judge.
     */
    CommandResult execReading(LeaseTarget login, String name, String script, Duration timeout)
            throws HostKeyMismatchException, SshUnavailableException, CommandTimeoutException {
        for (int tries = 1; ; tries++) {
            try {
                CommandResult r = ssh.exec(login, script, bounded(timeout));
                connected = true;
                return r;
            } catch (SshUnavailableException e) {
                if (!e.isTransient() || retry == null || retry.scope() != TransientRetry.Scope.COMMAND
                        || !retry.retry(this, tries, name, e)) {
                    throw e;
                }
            }
        }
    }

    /**
     * A transient fault is retried here when that is safe: in a read-only step a {@code repeatable} command; in a step
     * that changes the lease ({@link TransientRetry.Scope#STEP}) only a command that provably did not start (no
     * connection, no session: {@link SshUnavailableException#mayHaveStarted()} false) or an {@code idempotent} one
     * (the lease lock's). A command of such a step that may have started is never run again: the step fails with
     * {@link ProbeReasons#COMMAND_MAY_HAVE_RUN}. Anything else, or no retry left, fails as before.
     */
    private void retryOrThrow(String name, SshUnavailableException e, int tries, boolean repeatable,
            boolean idempotent) {
        RuntimeException failure = sshUnavailable(e);
        if (!e.isTransient() || retry == null) {
            throw failure;
        }
        if (retry.scope() == TransientRetry.Scope.STEP) {
            if (e.mayHaveStarted() && !idempotent) {
                throw new StepFailedException(String.format(ProbeReasons.COMMAND_MAY_HAVE_RUN, name, e.getMessage()));
            }
            if (retry.retry(this, tries, name, e)) {
                return;
            }
            throw gaveUp(failure);
        }
        if (retry.scope() == TransientRetry.Scope.COMMAND && repeatable && retry.retry(this, tries, name, e)) {
            return;
        }
        throw gaveUp(failure);
    }

    /** The failure a transient fault ends with when no retry is left (the retries it survived are named). */
    RuntimeException gaveUp(RuntimeException failure) {
        if (retry == null || retry.retries() == 0 || !(failure instanceof StepFailedException)) {
            return failure;
        }
        return new StepFailedException(String.format(ProbeReasons.TRANSIENT_GAVE_UP, failure.getMessage(),
                retry.retries()));
    }

    /** Runs a command that must exit 0, else the step fails. */
    public CommandResult require(String name, String script) {
        return require(name, script, config.ssh().commandTimeout());
    }

    public CommandResult require(String name, String script, Duration timeout) {
        CommandResult r = run(name, script, timeout);
        if (!r.ok()) {
            throw new StepFailedException(String.format(ProbeReasons.COMMAND_FAILED, name, r.exitCode()));
        }
        return r;
    }

    /** One health request to the gateway on the lease, bounded by the HTTP timeout and the deadline. */
    public HttpProbeResponse http(int port, String path) {
        for (int tries = 1; ; tries++) {
            try {
                HttpProbeResponse r = ssh.httpGet(target(), port, path, bounded(config.http().requestTimeout()));
                connected = true;
                return r;
            } catch (HostKeyMismatchException e) {
                throw hostKeyRefused();
            } catch (SshUnavailableException e) {
                retryOrThrow("GET " + path, e, tries, true, false);
            }
        }
    }

    /** Whether something accepts a TCP connection on {@code 127.0.0.1:port} of the lease (what {@code nc -z} checks). */
    public boolean portOpen(int port) {
        for (int tries = 1; ; tries++) {
            try {
                boolean open = ssh.tcpConnect(target(), "127.0.0.1", port,
                        bounded(config.validate().tcpConnectTimeout())).connected();
                connected = true;
                return open;
            } catch (HostKeyMismatchException e) {
                throw hostKeyRefused();
            } catch (SshUnavailableException e) {
                retryOrThrow("connect 127.0.0.1:" + port, e, tries, true, false);
            }
        }
    }

    /** Where the newest epoch announced for this command's cutover on this lease is read from. */
    void newestEpoch(LongSupplier supplier) {
        this.newestEpoch = supplier;
    }

    /**
     * Makes the step stop at its next command or pause with {@code reason} (refused): its lease lock was lost, or the
     * worker lost the partition its command came from. Called from another thread.
     */
    void stop(String reason) {
        this.stopped = reason;
    }

    /** Whether {@link #stop} was called. */
    boolean isStopped() {
        return stopped != null;
    }

    /** Why {@link #stop} was called, or null. */
    String stoppedBecause() {
        return stopped;
    }

    private void checkStopped() {
        String why = stopped;
        if (why != null) {
            throw new StepRefusedException(why);
        }
    }

    /** Stops a long step (the validation window) as soon as a command of a newer epoch of its cutover arrived. */
    public void checkSuperseded() {
        checkStopped();
        long newest = newestEpoch.getAsLong();
        if (newest > command.epoch()) {
            throw new StepRefusedException(String.format(ProbeReasons.SUPERSEDED, newest, command.epoch()));
        }
    }

    public void checkDeadline() {
        if (!Instant.now().isBefore(deadline)) {
            throw new DeadlineExceededException(ProbeReasons.DEADLINE_EXCEEDED);
        }
    }

    public Duration remaining() {
        return Duration.between(Instant.now(), deadline);
    }

    /** Sleeps, but never past the deadline (then throws) nor past a newer epoch's arrival (then it is refused). */
    public void pause(Duration d) {
        checkDeadline();
        checkSuperseded();
        long until = System.nanoTime() + Math.min(d.toMillis(), Math.max(0, remaining().toMillis())) * 1_000_000L;
        try {
            for (long left = until - System.nanoTime(); left > 0; left = until - System.nanoTime()) {
                Thread.sleep(Math.max(1, Math.min(PAUSE_SLICE_MILLIS, left / 1_000_000L)));
                checkSuperseded();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new DeadlineExceededException("interrupted");
        }
        checkDeadline();
    }

    private Duration bounded(Duration timeout) {
        checkDeadline();
        Duration left = remaining();
        return left.compareTo(timeout) < 0 ? left : timeout;
    }

    /** Where the worker says whether a connection of this cutover already verified the pinned key on this lease. */
    void pinVerifiedEarlier(BooleanSupplier supplier) {
        this.pinVerifiedEarlier = supplier;
    }

    /** Whether an SSH call of this step reached the lease (so the pinned host key was verified). */
    boolean connected() {
        return connected;
    }

    /**
     * The refusal for a host key other than the pinned one: {@link ProbeReasons#HOST_KEY_CHANGED} when this step or an
     * earlier step of the cutover already connected with the pinned key (it changed between two connections), else
     * {@link ProbeReasons#HOST_KEY_MISMATCH} (the pin is wrong, or the key changed before this cutover). Never retried.
     */
    public StepRefusedException hostKeyRefused() {
        boolean changed = connected || pinVerifiedEarlier.getAsBoolean();
        return new StepRefusedException(String.format(changed ? ProbeReasons.HOST_KEY_CHANGED
                : ProbeReasons.HOST_KEY_MISMATCH, target().host(), target().sshPort()));
    }

    /** The SSH client, for the probe matrix (which maps SSH trouble to ERROR itself). */
    public LeaseSshClient ssh() {
        return ssh;
    }

    private RuntimeException sshUnavailable(SshUnavailableException e) {
        if (e.isTimeout()) {
            return new DeadlineExceededException(String.format(ProbeReasons.SSH_TIMED_OUT, target().host(),
                    target().sshPort(), e.getMessage()));
        }
        if (e.isAuthentication()) {
            return new StepFailedException(String.format(ProbeReasons.SSH_AUTH_FAILED, target().sshUser(),
                    target().host(), target().sshPort()));
        }
        return new StepFailedException(String.format(ProbeReasons.SSH_UNAVAILABLE, target().host(),
                target().sshPort(), e.getMessage()));
    }
}
