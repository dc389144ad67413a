package com.maclogin.cutover.probe.service;

import com.maclogin.cutover.contracts.Evidence;
import com.maclogin.cutover.contracts.LeaseTarget;
import com.maclogin.cutover.contracts.Redaction;
import com.maclogin.cutover.contracts.Region;
import com.maclogin.cutover.contracts.RunStep;
import com.maclogin.cutover.contracts.StepKind;
import com.maclogin.cutover.contracts.StepOutcome;
import com.maclogin.cutover.contracts.StepReport;
import com.maclogin.cutover.contracts.StepResult;
import com.maclogin.cutover.contracts.Validation;
import com.maclogin.cutover.probe.ProbeReasons;
import com.maclogin.cutover.probe.client.CommandResult;
import com.maclogin.cutover.probe.client.LeaseSshClient;
import com.maclogin.cutover.probe.config.ProbeConfig;
import com.maclogin.cutover.probe.lease.LeasePaths;
import com.maclogin.cutover.probe.lease.LedgerEntry;
import com.maclogin.cutover.contracts.ShellQuote;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.logging.Log;
import jakarta.enterprise.context.ApplicationScoped;
import java.net.InetAddress;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;

/**
 * Runs one {@link RunStep} on its lease and answers with a {@link StepResult}: deadline, validation, fencing and
 * idempotency first, then the step's commands. Never throws: every problem is an outcome.
 */
@ApplicationScoped
public class StepExecutionService {

    /** Fact of a step whose ledger read skipped lines (too long or malformed): how many. */
    public static final String LEDGER_LINES_SKIPPED_FACT = "ledgerLinesSkipped";

    /** Steps that never run on a pooled connection: each opens a new one, so the host key is checked again. */
    static final Set<StepKind> FRESH_HANDSHAKE = EnumSet.of(StepKind.INVENTORY, StepKind.RESTORE);

    private final LeaseSshClient ssh;
    private final ProbeConfig config;
    private final MeterRegistry metrics;
    private final Region region;
    private final String workerId;
    private final FencingRegistry fencing = new FencingRegistry();
    private final CompletedSteps completed;
    private final VerifiedPins verifiedPins;
    private final KnownSecrets secrets;
    private final Map<StepKind, StepHandler> handlers = new EnumMap<>(StepKind.class);
    private final LeaseLocks locks;
    /** The steps running now, by their command's message id ({@link #stop}). */
    private final Map<String, StepContext> running = new ConcurrentHashMap<>();

    public StepExecutionService(LeaseSshClient ssh, ProbeConfig config, MeterRegistry metrics,
            ValidationEvents events) {
        this.ssh = ssh;
        this.config = config;
        this.metrics = metrics;
        this.region = Region.parse(config.region());
        this.workerId = config.workerId().orElseGet(() -> "probe-" + region.suffix() + "-" + hostName());
        this.completed = new CompletedSteps(config.idempotency().maxEntries());
        this.verifiedPins = new VerifiedPins(config.idempotency().maxEntries());
        this.secrets = new KnownSecrets(config.idempotency().maxEntries());
        ScheduledExecutorService timer = Executors.newScheduledThreadPool(2, r -> {
            Thread t = new Thread(r, "probe-lease-lock");
            t.setDaemon(true);
            return t;
        });
        this.locks = new LeaseLocks(ssh, config.lock(), workerId, timer);
        handlers.put(StepKind.INVENTORY, new InventoryStep());
        handlers.put(StepKind.FREEZE, new FreezeStep());
        handlers.put(StepKind.SNAPSHOT, new SnapshotStep());
        handlers.put(StepKind.INSTALL_CANDIDATE, new InstallCandidateStep());
        handlers.put(StepKind.PARALLEL_RUN, new ParallelRunStep(config));
        handlers.put(StepKind.FLIP_PLIST, new FlipPlistStep());
        handlers.put(StepKind.RELOAD, new ReloadStep());
        handlers.put(StepKind.VALIDATE, new ValidateStep(events));
        handlers.put(StepKind.RESTORE, new RestoreStep());
        handlers.put(StepKind.UNFREEZE, new UnfreezeStep());
    }

    public String workerId() {
        return workerId;
    }

    public StepResult execute(RunStep c) {
        long start = System.currentTimeMillis();
        StepResult result = decide(c, start);
        metrics.counter("probe.steps", "kind", String.valueOf(c.kind()), "outcome", result.outcome().name())
                .increment();
        Log.infof("cutover=%s lease=%s step=%s attempt=%d epoch=%d outcome=%s reason=%s (%d ms)", c.cutoverId(),
                c.leaseId(), c.kind(), c.attempt(), c.epoch(), result.outcome(), result.reason(),
                result.durationMillis());
        return result;
    }

    /**
     * Called on the consumer thread the moment a command arrives, before it queues behind the lease's running step:
     * a newer epoch of the same cutover (a rollback, a resume) makes that running step stop at its next pause
     * ({@link StepContext#checkSuperseded()}), so a RESTORE never waits for an old validation window to run out.
     */
    public void announce(RunStep c) {
        if (c.leaseId() != null && c.cutoverId() != null) {
            fencing.observe(c.leaseId(), c.cutoverId(), c.epoch());
        }
    }

    private StepResult decide(RunStep c, long start) {
        Instant now = Instant.now();
        if (c.deadline() != null && !now.isBefore(c.deadline())) {
            return result(null, c, StepOutcome.TIMED_OUT, ProbeReasons.DEADLINE_PASSED, Map.of(), List.of(), start, null);
        }
        String invalid = validateEnvelope(c);
        if (invalid != null) {
            return result(null, c, StepOutcome.REFUSED, invalid, Map.of(), List.of(), start, null);
        }
        OptionalLong stale = fencing.observe(c.leaseId(), c.cutoverId(), c.epoch());
        if (stale.isPresent()) {
            return result(null, c, StepOutcome.REFUSED, String.format(ProbeReasons.STALE_EPOCH, c.epoch(),
                    stale.getAsLong()), Map.of(), List.of(), start, null);
        }
        // read-only steps are simply run again (fresh facts, nothing to protect); mutating ones are replayed
        Optional<StepResult> done = c.kind().mutatesLease() ? completed.get(c.leaseId(), c.idempotencyKey())
                : Optional.empty();
        if (done.isPresent()) {
            Log.infof("cutover=%s lease=%s step=%s key=%s already completed: replaying its result", c.cutoverId(),
                    c.leaseId(), c.kind(), c.idempotencyKey());
            metrics.counter("probe.steps.replayed", "kind", c.kind().name()).increment();
            return done.get();
        }
        StepHandler handler = handlers.get(c.kind());
        if (handler == null) {
            return result(null, c, StepOutcome.REFUSED, ProbeReasons.NOT_SUPPORTED_YET, Map.of(), List.of(), start, null);
        }
        String badParameter = c.command() != null && c.command().kind() != c.kind()
                ? String.format(ProbeReasons.COMMAND_KIND_MISMATCH, c.command().kind(), c.kind()) : handler.validate(c);
        if (badParameter != null) {
            return result(null, c, StepOutcome.REFUSED, String.format(ProbeReasons.INVALID_PARAMETER, badParameter),
                    Map.of(), List.of(), start, null);
        }
        Instant deadline = c.deadline() != null ? c.deadline() : now.plus(config.defaultStepTimeout());
        if (FRESH_HANDSHAKE.contains(c.kind())) {
            // a pooled connection keeps the host key it negotiated, possibly hours ago: the first step of a cutover
            // and every RESTORE verify the lease's current host key against the pin on a new handshake
            ssh.reconnect(c.target());
        }
        return runOnLease(c, handler, deadline, start);
    }

    /**
     * Runs the step once: a step that changes the lease holds the lease's {@link LeaseLock} from before its ledger
     * check until after its ledger line (so no two workers run steps on one lease at once), and can be stopped from
     * another thread ({@link #stop}). Never retried as a whole: transient faults are retried per command where that is
     * safe ({@link StepContext}).
     */
    private StepResult runOnLease(RunStep c, StepHandler handler, Instant deadline, long start) {
        TransientRetry retry = new TransientRetry(c, config.retry());
        StepContext ctx = new StepContext(c, deadline, ssh, config, retry);
        ctx.redaction(secrets.forLease(c.leaseId()));
        ctx.newestEpoch(() -> fencing.highest(c.leaseId(), c.cutoverId()));
        ctx.pinVerifiedEarlier(() -> verifiedPins.verified(c.leaseId(), c.cutoverId(), c.target().hostKey()));
        String stopKey = c.messageId();
        if (stopKey != null) {
            running.put(stopKey, ctx);
        }
        LeaseLocks.Held lock = null;
        StepResult r;
        try {
            if (c.kind().mutatesLease()) {
                lock = locks.acquire(ctx);
            }
            r = runHandler(c, handler, ctx, start);
        } catch (StepFailedException | StepRefusedException | DeadlineExceededException e) {
            r = ended(c, ctx, ctx.gaveUp(e), start);
        } finally {
            locks.release(lock, ctx.isStopped());
            if (stopKey != null) {
                running.remove(stopKey, ctx);
            }
            if (ctx.connected()) {
                verifiedPins.record(c.leaseId(), c.cutoverId(), c.target().hostKey());
            }
            secrets.learned(c.leaseId(), ctx.redaction().known());
        }
        if (ctx.isStopped() && r.outcome() != StepOutcome.SUCCEEDED) {
            // whatever the stop broke (a command cut off with its connection) it ends as stopped, with the stop's reason
            r = ended(c, ctx, new StepRefusedException(ctx.stoppedBecause()), start);
        }
        // a step that never got the lock did not run: nothing to remember (a later delivery runs it)
        if (c.kind().mutatesLease() && lock != null && !ctx.isStopped()
                && (r.outcome() != StepOutcome.REFUSED || ctx.replayedMessageId() != null)) {
            completed.put(c.leaseId(), c.idempotencyKey(), r);
        }
        return r;
    }

    /**
     * Stops the step running for the command with this message id, if any (the worker lost the partition it came
     * from): it ends at its next command or pause, its SSH connection is closed so a running command ends now, and its
     * lease lock is released when it has ended. Returns whether a step was running.
     */
    public boolean stop(String commandMessageId, String reason) {
        StepContext ctx = commandMessageId == null ? null : running.get(commandMessageId);
        if (ctx == null) {
            return false;
        }
        ctx.stop(reason);
        ssh.reconnect(ctx.target());
        return true;
    }

    /** Whether the step of the command with this message id is running on this worker now. */
    public boolean running(String commandMessageId) {
        return commandMessageId != null && running.containsKey(commandMessageId);
    }

    /** The answer for a step that ended with {@code e} (a step exception) instead of returning. */
    private StepResult ended(RunStep c, StepContext ctx, RuntimeException e, long start) {
        StepOutcome outcome = e instanceof StepRefusedException ? StepOutcome.REFUSED
                : e instanceof DeadlineExceededException ? StepOutcome.TIMED_OUT : StepOutcome.FAILED;
        return result(ctx, c, outcome, e.getMessage(), ctx.facts(), ctx.evidence(), start, null);
    }

    private StepResult runHandler(RunStep c, StepHandler handler, StepContext ctx, long start) {
        try {
            if (c.kind().mutatesLease()) {
                Optional<StepResult> fromLedger = checkLedger(ctx, start);
                if (fromLedger.isPresent()) {
                    return fromLedger.get();
                }
            }
            handler.run(ctx);
            String messageId = UUID.randomUUID().toString();
            if (c.kind().mutatesLease()) {
                appendLedger(ctx, messageId);
            }
            return result(ctx, c, StepOutcome.SUCCEEDED, ctx.reason(), ctx.facts(), ctx.evidence(), start, messageId);
        } catch (StepFailedException e) {
            return result(ctx, c, StepOutcome.FAILED, e.getMessage(), ctx.facts(), ctx.evidence(), start, null);
        } catch (StepRefusedException e) {
            return result(ctx, c, StepOutcome.REFUSED, e.getMessage(), ctx.facts(), ctx.evidence(), start, null);
        } catch (DeadlineExceededException e) {
            return result(ctx, c, StepOutcome.TIMED_OUT, e.getMessage(), ctx.facts(), ctx.evidence(), start, null);
        } catch (RuntimeException e) {
            Log.errorf(e, "cutover=%s lease=%s step=%s failed unexpectedly", c.cutoverId(), c.leaseId(), c.kind());
            return result(ctx, c, StepOutcome.FAILED, String.format(ProbeReasons.INTERNAL_ERROR,
                    e.getClass().getSimpleName()), ctx.facts(), ctx.evidence(), start, null);
        }
    }

    /**
     * Reads the lease's ledger: a key already applied is answered from it (same result message id, facts and
     * reason) without touching the lease; a higher epoch recorded for this cutover fences the command.
     */
    private Optional<StepResult> checkLedger(StepContext ctx, long start) {
        RunStep c = ctx.command();
        // one exec: the ledger and the lease basics the step will ask for (judged only when it does)
        // each line cut on the lease one byte past the cap: a hostile 5 MB line never crosses the wire, and what
        // was cut is still longer than the cap, so the read below skips it
        int maxLine = config.caps().ledgerLineBytes();
        CommandResult r = LeaseInventory.basicsAndLedger(ctx, "cut -c 1-" + (maxLine + 1) + " \"$HOME\"/"
                + LeasePaths.CUTOVER_DIR + "/" + LeasePaths.LEDGER + " 2>/dev/null || true").get(2);
        LedgerEntry.Read read = LedgerEntry.read(r.stdout(), maxLine);
        List<LedgerEntry> entries = read.entries();
        // the ledger's text never goes into the result: only what was read from it
        ctx.evidence().replaceAll(ev -> ev != null && "read ledger".equals(ev.name())
                ? new Evidence(ev.name(), ev.command(), ev.exitCode(), entries.size() + " ledger entries read"
                        + (read.skipped() > 0 ? "; " + String.format(ProbeReasons.LEDGER_LINES_SKIPPED,
                                read.skipped(), maxLine) : ""), null)
                : ev);
        if (read.skipped() > 0) {
            ctx.fact(LEDGER_LINES_SKIPPED_FACT, read.skipped());
            Log.warnf("cutover=%s lease=%s step=%s: %s", c.cutoverId(), c.leaseId(), c.kind(),
                    String.format(ProbeReasons.LEDGER_LINES_SKIPPED, read.skipped(), maxLine));
        }
        for (LedgerEntry e : entries) {
            if (e.idempotencyKey().equals(c.idempotencyKey())) {
                ctx.replayedMessageId(e.resultMessageId());
                Log.infof("cutover=%s lease=%s step=%s key=%s found in the lease ledger: not applied again",
                        c.cutoverId(), c.leaseId(), c.kind(), c.idempotencyKey());
                metrics.counter("probe.steps.replayed", "kind", c.kind().name()).increment();
                Map<String, String> facts = new LinkedHashMap<>(e.facts());
                if (ctx.facts().containsKey(TransientRetry.FACT)) {
                    // found after a transient fault of this delivery: the step had applied before the connection broke
                    facts.put(TransientRetry.FACT, ctx.facts().get(TransientRetry.FACT));
                }
                if (ctx.facts().containsKey(LEDGER_LINES_SKIPPED_FACT)) {
                    facts.put(LEDGER_LINES_SKIPPED_FACT, ctx.facts().get(LEDGER_LINES_SKIPPED_FACT));
                }
                return Optional.of(result(ctx, c, StepOutcome.SUCCEEDED, e.reason(), facts, ctx.evidence(), start,
                        e.resultMessageId()));
            }
        }
        long highest = Long.MIN_VALUE;
        String prefix = c.cutoverId() + ":";
        for (LedgerEntry e : entries) {
            if (e.idempotencyKey().startsWith(prefix)) {
                highest = Math.max(highest, e.epoch());
            }
        }
        if (highest > c.epoch()) {
            fencing.observe(c.leaseId(), c.cutoverId(), highest);
            throw new StepRefusedException(String.format(ProbeReasons.STALE_EPOCH, c.epoch(), highest));
        }
        return Optional.empty();
    }

    private void appendLedger(StepContext ctx, String messageId) {
        RunStep c = ctx.command();
        // within the limits the read validates, so this worker's own line is never skipped
        String line = LedgerEntry.bounded(c.idempotencyKey(), c.epoch(), c.kind(), messageId, ctx.reason(),
                ctx.facts(), config.caps().ledgerLineBytes()).toLine();
        CommandResult r = ctx.run("append ledger", "mkdir -p \"$HOME\"/" + LeasePaths.CUTOVER_DIR
                + " && printf '%s\\n' " + ShellQuote.quote(line) + " >> \"$HOME\"/" + LeasePaths.CUTOVER_DIR + "/"
                + LeasePaths.LEDGER);
        if (!r.ok()) {
            // the change is applied; only a memory-less redelivery would repeat the (state-checking) step
            Log.warnf("cutover=%s lease=%s step=%s could not append to the lease ledger (exit %d)", c.cutoverId(),
                    c.leaseId(), c.kind(), r.exitCode());
        }
    }

    /** What is wrong with a command's kind and ids (lease, cutover, idempotency key), or null: shared with the consumer. */
    public static String invalidIds(RunStep c) {
        if (c.kind() == null) {
            return String.format(ProbeReasons.INVALID_PARAMETER, "kind is required");
        }
        String p = Validation.leaseId(c.leaseId());
        if (p == null) {
            p = LeasePaths.checkCutoverId(c.cutoverId());
        }
        if (p == null) {
            p = LeasePaths.checkIdempotencyKey(c.idempotencyKey());
        }
        return p == null ? null : String.format(ProbeReasons.INVALID_PARAMETER, p);
    }

    private String validateEnvelope(RunStep c) {
        String ids = invalidIds(c);
        if (ids != null) {
            return ids;
        }
        String p;
        LeaseTarget t = c.target();
        if (t == null) {
            return ProbeReasons.MISSING_TARGET;
        }
        if (t.region() != region) {
            return String.format(ProbeReasons.WRONG_REGION, t.region(), region);
        }
        p = Validation.host(t.host());
        if (p == null) {
            p = Validation.port(t.sshPort());
        }
        if (p == null) {
            p = Validation.sshUser(t.sshUser());
        }
        if (p == null) {
            p = Validation.hostKey(t.hostKey());
        }
        if (p == null) {
            p = Validation.port(t.gatewayPort());
        }
        return p == null ? null : String.format(ProbeReasons.INVALID_PARAMETER, p);
    }

    /**
     * The answer to {@code c}. The typed report is filled from the facts, so a result answered from the lease's
     * ledger (which keeps the facts) carries the same report as the original.
     */
    private StepResult result(StepContext ctx, RunStep c, StepOutcome outcome, String reason, Map<String, String> facts,
            List<Evidence> evidence, long start, String messageId) {
        // the last gate before Kafka: reason (cut at Redaction.MAX_REASON), facts and evidence are redacted with what
        // is known of the lease's secrets, whatever path (handler, ledger replay, refusal) built them
        if (ctx != null) {
            secrets.learned(c.leaseId(), ctx.redaction().known());
        }
        Redaction redaction = secrets.forLease(c.leaseId());
        Map<String, String> safeFacts = new LinkedHashMap<>();
        facts.forEach((k, v) -> safeFacts.put(k, redaction.apply(v)));
        List<Evidence> safeEvidence = new ArrayList<>(evidence.size());
        evidence.forEach(e -> safeEvidence.add(redaction.apply(e)));
        return StepResult.answering(c).messageId(messageId != null ? messageId : UUID.randomUUID().toString())
                .outcome(outcome).reason(redaction.applyToReason(reason)).facts(safeFacts)
                .report(StepReport.fromFacts(c.kind(), safeFacts)).evidence(safeEvidence)
                .durationMillis(System.currentTimeMillis() - start).workerId(workerId).build();
    }

    private static String hostName() {
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (Exception e) {
            return "unknown";
        }
    }
}
