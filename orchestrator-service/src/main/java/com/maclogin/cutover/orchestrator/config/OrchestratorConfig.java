package com.maclogin.cutover.orchestrator.config;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;

/** Every {@code orchestrator.*} key. Durations are ISO-8601 ({@code PT5M}) unless noted. */
@ConfigMapping(prefix = "orchestrator")
public interface OrchestratorConfig {

    /** JSON file with a list of leases (same shape as {@code POST /api/v1/leases}) upserted at start; unset = none. */
    Optional<Path> leasesFile();

    /**
     * Step results of one poll handled in one transaction, up to this many (one commit, and one outbox relay pass,
     * for the group instead of one per result); 1 = a transaction per result. A group whose transaction fails is
     * handled again one result per transaction (a refused result ends as its own dead letter). Off (1) by default: a
     * group holds its step and cutover rows until it commits, and the outbox relay's dispatch hook (the step row's
     * {@code dispatched_at}, a PENDING cutover's lock) waits for them, so the one relay thread stalls behind groups
     * (docs/benchmarks.md, "P5": groups of 50 measured slower than one result per transaction).
     */
    @WithDefault("1")
    int stepResultsPerTransaction();

    /** Deadline of a step command, counted from its creation. */
    @WithDefault("PT5M")
    Duration stepTimeout();

    /** Per-step overrides of {@code step-timeout}, keyed by step kind, e.g. {@code orchestrator.step-timeouts.INSTALL_CANDIDATE=PT15M}. */
    Map<String, Duration> stepTimeouts();

    /** How long after a command's deadline the orchestrator records TIMED_OUT itself (the worker should answer first). */
    @WithDefault("PT10S")
    Duration timeoutGrace();

    /** How often overdue steps are looked for (Quarkus scheduler syntax, e.g. {@code 1s}); read by {@code @Scheduled}. */
    @WithDefault("1s")
    String timeoutCheckInterval();

    /** Largest accepted request body in bytes; larger bodies get a 413 problem. */
    @WithDefault("65536")
    int maxBodyBytes();

    /** Also publish ROLLBACK_STARTED on cutover.events when a rollback is requested (off: rollback-service announces it). */
    @WithDefault("false")
    boolean emitRollbackStarted();

    /**
     * How long after GREEN the lease's latest cutover can still be rolled back through the API (its rollback kit with
     * the old package, plist and state stays on the lease); after that, or once a later cutover ran on the lease, 409.
     */
    @WithDefault("P7D")
    Duration greenRollbackRetention();

    ValidationWindow validation();

    Gates gates();

    interface Gates {
        /**
         * PLAYBOOK step 3: a PRODUCTION lease is refused at the gates unless some STAGING lease has a GREEN cutover to
         * the same version, or the request carries an approved override of {@code gates.stagingFirst}.
         */
        @WithDefault("true")
        boolean stagingFirst();

        /**
         * LEASE_HEALTH (issue 12): a lease the continuous watch saw DOWN or crash-looping within this long before the
         * gates is refused ("fix the lease first") unless the request carries an approved override of
         * {@code gates.leaseHealth}.
         */
        @WithDefault("PT10M")
        Duration leaseHealthWindow();

        /**
         * LEASE_HEALTH leaves out DOWN or crash-looping changes recorded while another cutover of the lease was active
         * (its reloads, restart drill and rollback restart the gateway on purpose) and this long after it ended (the
         * watch reports the recovery one interval later).
         */
        @WithDefault("PT2M")
        Duration leaseHealthCutoverGrace();
    }

    /** The LATENCY trigger's baseline from the continuous watch (issue 12). */
    Baseline latencyBaseline();

    interface Baseline {
        /**
         * The rolling P95 covers the watch's roll-up minutes that ended within this long before the cutover's
         * INVENTORY command.
         */
        @WithDefault("PT30M")
        Duration window();

        /** Fewer watch latency samples than this in the window: INVENTORY's measurement is the baseline instead. */
        @WithDefault("20")
        int minSamples();
    }

    Canary canary();

    interface Canary {
        /** Lowest port a request's {@code canary.port} may name (the worker's {@code probe.canary.min-port} must allow it). */
        @WithDefault("18000")
        int minPort();

        /** Highest port a request's {@code canary.port} may name. */
        @WithDefault("29999")
        int maxPort();

        /** Canary window when the request gives no {@code canary.seconds}. */
        @WithDefault("30")
        int defaultSeconds();

        /** Longest canary window a request may ask for (the worker's {@code probe.canary.max-seconds} must allow it). */
        @WithDefault("600")
        int maxSeconds();

        /** Added to the PARALLEL_RUN step timeout on top of the window: canary start and stop. */
        @WithDefault("PT3M")
        Duration startStopAllowance();
    }

    Fleet fleet();

    /** The event log and its live stream (SSE, {@code /api/v1/events}). */
    Events events();

    interface Events {
        /**
         * How often the one shared poller numbers newly committed event-log rows and hands them to every open stream
         * (Quarkus scheduler syntax, e.g. {@code 1s}; the scheduler's shortest period is 1 s); read by {@code @Scheduled}.
         */
        @WithDefault("1s")
        String pollInterval();

        /** A comment line is written to a stream that has been quiet this long, so proxies keep it open. */
        @WithDefault("PT15S")
        Duration heartbeat();

        /** Event-log rows older than this are deleted (hourly); a stream resumed from before that starts later. */
        @WithDefault("P14D")
        Duration retention();

        /** Rows read per query (poller and one stream's catch-up). */
        @WithDefault("500")
        int batchSize();
    }

    interface Fleet {
        /**
         * How often every active fleet is reconciled from PostgreSQL (Quarkus scheduler syntax, e.g. {@code 2s}); read by
         * {@code @Scheduled}. Level-triggered: a restarted orchestrator resumes its fleets on the first tick.
         */
        @WithDefault("2s")
        String tick();

        /** Length of the quick read-only probe round on a failing lease's control leases (VALIDATE window). */
        @WithDefault("PT10S")
        Duration controlWindow();

        /** Added to {@code control-window}: a control lease that has not answered by then counts as failed. */
        @WithDefault("PT2M")
        Duration controlGrace();
    }


    interface ValidationWindow {
        /** Length of the validation window (the VALIDATE step runs probes this long). */
        @WithDefault("PT15M")
        Duration window();

        /** Interval between probe rounds inside the window; at most 5 s (checked at start). */
        @WithDefault("PT5S")
        Duration probeInterval();

        /** Second of the window of the deliberate restart drill; unset = one third of the window. */
        Optional<Duration> restartDrillAt();

        /** With a TLS endpoint on the lease: the certificate must stay valid at least this many days. */
        @WithDefault("14")
        int tlsMinValidDays();
    }

    default Duration timeoutFor(String kind) {
        return stepTimeouts().getOrDefault(kind, stepTimeout());
    }
}
