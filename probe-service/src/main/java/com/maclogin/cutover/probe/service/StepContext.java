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
import com.maclogin.cutover.probe.lease.Redaction;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
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
    private List<CommandResult> prefetchedBasics;

    public StepContext(RunStep command, Instant deadline, LeaseSshClient ssh, ProbeConfig config) {
        this.command = command;
        this.deadline = deadline;
        this.ssh = ssh;
        this.config = config;
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

    public void addEvidence(Evidence e) {
        evidence.add(e);
    }

    /** Runs one command with the configured per-command timeout; the exit code is the caller's to judge. */
    public CommandResult run(String name, String script) {
        return run(name, script, config.ssh().commandTimeout());
    }

    public CommandResult run(String name, String script, Duration timeout) {
        CommandResult r = exec(name, script, timeout);
        evidence.add(Evidence.of(name, script, r.exitCode(), Redaction.redact(r.combined())));
        return r;
    }

    /**
     * Runs a {@link CommandBatch} script with the per-command timeout; the batch records each of its commands as
     * evidence itself, so the combined script is not recorded.
     */
    CommandResult runUnrecorded(String script) {
        return exec("command batch", script, config.ssh().commandTimeout());
    }

    private CommandResult exec(String name, String script, Duration timeout) {
        Duration budget = bounded(timeout);
        try {
            return ssh.exec(target(), script, budget);
        } catch (CommandTimeoutException e) {
            evidence.add(Evidence.of(name, script, null, e.getMessage()));
            checkDeadline();
            throw new DeadlineExceededException(String.format(ProbeReasons.COMMAND_TIMED_OUT, name,
                    budget.toMillis()));
        } catch (HostKeyMismatchException e) {
            throw hostKeyMismatch();
        } catch (SshUnavailableException e) {
            throw sshUnavailable(e);
        }
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
        try {
            return ssh.httpGet(target(), port, path, bounded(config.http().requestTimeout()));
        } catch (HostKeyMismatchException e) {
            throw hostKeyMismatch();
        } catch (SshUnavailableException e) {
            throw sshUnavailable(e);
        }
    }

    /** Whether something accepts a TCP connection on {@code 127.0.0.1:port} of the lease (what {@code nc -z} checks). */
    public boolean portOpen(int port) {
        try {
            return ssh.tcpConnect(target(), "127.0.0.1", port, bounded(config.validate().tcpConnectTimeout()))
                    .connected();
        } catch (HostKeyMismatchException e) {
            throw hostKeyMismatch();
        } catch (SshUnavailableException e) {
            throw sshUnavailable(e);
        }
    }

    /** Where the newest epoch announced for this command's cutover on this lease is read from. */
    void newestEpoch(LongSupplier supplier) {
        this.newestEpoch = supplier;
    }

    /** Stops a long step (the validation window) as soon as a command of a newer epoch of its cutover arrived. */
    public void checkSuperseded() {
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

    private StepRefusedException hostKeyMismatch() {
        return new StepRefusedException(String.format(ProbeReasons.HOST_KEY_MISMATCH, target().host(),
                target().sshPort()));
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
