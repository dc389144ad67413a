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

    ValidationWindow validation();

    Gates gates();

    interface Gates {
        /**
         * PLAYBOOK step 3: a PRODUCTION lease is refused at the gates unless some STAGING lease has a GREEN cutover to
         * the same version, or the request carries an approved override of {@code gates.stagingFirst}.
         */
        @WithDefault("true")
        boolean stagingFirst();
    }

    Outbox outbox();

    Auth auth();

    interface Auth {
        /** Bearer-token authentication of /api/*; exists only so a developer can switch it off explicitly. */
        @WithDefault("true")
        boolean enabled();

        /** File of tokens, one per line: {@code <role> <name> <sha256-hex-of-token>} ({@code #} comments); unset = none. */
        Optional<Path> tokensFile();

        /**
         * Tokens as {@code role:name:token[,role:name:token...]}; set it through the environment variable
         * {@code ORCHESTRATOR_AUTH_TOKENS}, never in application.properties.
         */
        Optional<String> tokens();
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

    interface Outbox {
        /** Period of the sweep that publishes anything left unsent (Quarkus scheduler syntax, e.g. {@code 1s}). */
        @WithDefault("1s")
        String sweepInterval();

        /** Rows published per relay transaction. */
        @WithDefault("100")
        int batchSize();

        /** How long to wait for the broker's acknowledgement of a batch. */
        @WithDefault("PT10S")
        Duration sendTimeout();
    }

    default Duration timeoutFor(String kind) {
        return stepTimeouts().getOrDefault(kind, stepTimeout());
    }
}
