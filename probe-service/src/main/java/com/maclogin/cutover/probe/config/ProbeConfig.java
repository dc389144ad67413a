package com.maclogin.cutover.probe.config;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.time.Duration;
import java.util.Optional;

/** Configuration of the regional worker, {@code probe.*}. */
@ConfigMapping(prefix = "probe")
public interface ProbeConfig {

    /** Region this worker serves, lower-case ({@code hk}, {@code jp}, ...); selects topic and consumer group. */
    @WithDefault("hk")
    String region();

    /** Identifier written into every StepResult; defaults to {@code probe-<region>-<host name>}. */
    Optional<String> workerId();

    /** Most steps run at the same time (different leases); one lease's steps always run one after another. */
    @WithDefault("16")
    int maxConcurrentSteps();

    /** Step budget when a command carries no deadline. */
    @WithDefault("30M")
    Duration defaultStepTimeout();

    Ssh ssh();

    Http http();

    Reload reload();

    Validate validate();

    Snapshot snapshot();

    Canary canary();

    Idempotency idempotency();

    Retry retry();

    /** Size caps of what the worker publishes and reads back from the lease. */
    Caps caps();

    /** The per-lease lock on the lease that a step changing the lease holds while it runs ({@code service.LeaseLock}). */
    Lock lock();

    interface Ssh {
        /** OpenSSH-format private key used for every lease of this region; never logged, never sent. */
        @WithDefault("${user.home}/.ssh/id_ed25519")
        String privateKeyFile();

        /** TCP connect + key exchange timeout. */
        @WithDefault("10S")
        Duration connectTimeout();

        /** Timeout of one command on the lease (shortened further by the step deadline). */
        @WithDefault("120S")
        Duration commandTimeout();

        /** Timeout of the candidate install ({@code npm install -g}), which downloads the package. */
        @WithDefault("900S")
        Duration installTimeout();

        /** Interval of SSH keep-alive messages on pooled connections. */
        @WithDefault("15S")
        Duration keepAliveInterval();
    }

    interface Http {
        /** Timeout of one gateway health request through the SSH direct-tcpip channel. */
        @WithDefault("2S")
        Duration requestTimeout();
    }

    interface Reload {
        /** How long RELOAD and RESTORE wait for {@code /readyz} 200 after {@code launchctl bootstrap}. */
        @WithDefault("120S")
        Duration readyTimeout();

        /** Interval between {@code /readyz} polls while waiting for readiness (after the fast-poll period). */
        @WithDefault("500MS")
        Duration readyPollInterval();

        /**
         * Interval between {@code /readyz} polls during the first {@link #readyFastPollPeriod()} after
         * {@code launchctl bootstrap}: a gateway is typically ready within a second or two, and every poll interval
         * that passes after it became ready is time the lease is back but not yet known to be (a refused poll is one
         * SSH channel and one refused loopback connect on the lease).
         */
        @WithDefault("50MS")
        Duration readyFastPollInterval();

        /** How long after {@code bootstrap} readiness is polled at {@link #readyFastPollInterval()}. */
        @WithDefault("5S")
        Duration readyFastPollPeriod();

        /** Number of new gateway log lines scanned for stack traces after a reload. */
        @WithDefault("200")
        int logLines();
    }

    interface Validate {
        /** Validation window when the command carries no {@code validationSeconds} (playbook: 15 minutes). */
        @WithDefault("900")
        int defaultSeconds();

        /** Interval between probe rounds when the command carries no {@code probeIntervalMillis}. */
        @WithDefault("5000")
        int defaultIntervalMillis();

        /** Timeout of one PROCESS or DISK probe command ({@code launchctl print}, {@code df}). */
        @WithDefault("5S")
        Duration probeTimeout();

        /** TCP probe: the connect to 127.0.0.1:port must succeed within this (playbook: 2 s). */
        @WithDefault("2S")
        Duration tcpConnectTimeout();

        /** INTEGRATION probe: timeout of one {@code POST /hooks/wake}; above the 5 s P95 limit so slowness is measured. */
        @WithDefault("10S")
        Duration integrationTimeout();

        /** TLS probe: connect and handshake with the plan's {@code tlsEndpoint}. */
        @WithDefault("5S")
        Duration tlsTimeout();

        /**
         * The restart drill's own limit: from {@code launchctl kickstart -k} until {@code /readyz} answers 200 again.
         * A gateway that is not ready again within it fails VALIDATE with a reason naming the drill
         * ({@code ProbeReasons.DRILL_NOT_RECOVERED}); the window does not end before the drill has recovered or
         * this limit has passed.
         */
        @WithDefault("60S")
        Duration drillRecoveryTimeout();

        /**
         * After the restart drill, once {@code /readyz} is 200 again, the probes of this further period still belong
         * to the drill's recovery (a freshly started gateway answers its first requests slowly): they are published
         * with {@code drillRecovery=true} and do not feed the LATENCY and ERROR_RATE triggers. A synthetic probe that
         * answers as fast as normal ends it early.
         */
        @WithDefault("10S")
        Duration drillSettle();

        /** How long the worker waits for Kafka to accept a ThresholdBreached before ending VALIDATE anyway. */
        @WithDefault("10S")
        Duration breachPublishTimeout();

        /** Synthetic {@code /hooks/wake} calls INVENTORY makes to measure the pre-cutover baseline P95. */
        @WithDefault("5")
        int baselineSamples();

        /** Failing probe answers kept as step evidence (all of them are published to {@code probe.results}). */
        @WithDefault("20")
        int maxFailureEvidence();

        /**
         * A window whose probe account ({@code target.probeUser}) logs in with the gateway's uid fails at once
         * ({@code true}, the playbook). {@code false} (a simulator without root, whose probe account is a name only)
         * runs it anyway and says so in the facts ({@code probeAccount=SAME_UID}) and evidence.
         */
        @WithDefault("true")
        boolean requireDistinctProbeUid();
    }

    interface Snapshot {
        /**
         * Take the state snapshot with the gateway's own {@code openclaw backup create --verify} (consistent online
         * copy of the managed SQLite files); {@code false} goes straight to {@code tar} of the live state directory.
         */
        @WithDefault("true")
        boolean useBackup();

        /** Timeout of {@code openclaw backup create --verify --json} on the lease (observed 3.5 s with the gateway running). */
        @WithDefault("300S")
        Duration backupTimeout();

        /** Fallback {@code tar} of the live state directory: attempts while tar exits 1 (a file changed as it was read). */
        @WithDefault("3")
        int tarAttempts();

        /** Pause between two fallback {@code tar} attempts. */
        @WithDefault("2S")
        Duration tarRetryDelay();
    }

    interface Canary {
        /** Lowest port a PARALLEL_RUN canary may bind (same default as {@code orchestrator.canary.min-port}). */
        @WithDefault("18000")
        int minPort();

        /** Highest port a PARALLEL_RUN canary may bind (same default as {@code orchestrator.canary.max-port}). */
        @WithDefault("29999")
        int maxPort();

        /** Longest canary probe window a command may ask for. */
        @WithDefault("600")
        int maxSeconds();

        /** How long the canary may take to answer {@code /startupz} 200 after it was started. */
        @WithDefault("120S")
        Duration startTimeout();

        /** Interval between canary probe rounds ({@code /healthz}, {@code /readyz}). */
        @WithDefault("1S")
        Duration probeInterval();

        /** After SIGTERM, how long the canary may take to exit before it gets SIGKILL. */
        @WithDefault("10S")
        Duration stopTimeout();
    }

    /**
     * Transient SSH faults (a refused connect, a connection dropped during the key exchange, the login or a command):
     * retried with exponential backoff and jitter within the step's deadline; see {@code service.TransientRetry}.
     */
    interface Retry {
        /**
         * Tries of one command, the first included (in a step that changes the lease only a command that did not start
         * is tried again). Clean-up steps (UNFREEZE, RESTORE) are not bounded by it: they retry until their deadline.
         */
        @WithDefault("5")
        int maxAttempts();

        /** Backoff before the first retry; doubled for every further retry. */
        @WithDefault("500MS")
        Duration initialBackoff();

        /** Longest backoff between two tries. */
        @WithDefault("10S")
        Duration maxBackoff();

        /** Jitter: each backoff is shortened by a random share of up to this fraction (0 = none, 1 = full jitter). */
        @WithDefault("0.5")
        double jitter();
    }

    interface Idempotency {
        /** Completed idempotency keys kept in memory with their results (oldest evicted first). */
        @WithDefault("10000")
        int maxEntries();
    }

    interface Caps {
        /**
         * Largest step result (JSON bytes) the worker publishes; longer evidence, facts and reasons are cut with a
         * visible {@code …[truncated N bytes]} marker until it fits. Well under the broker's 1 MB and the consumers'
         * {@code messaging.consumer.max-record-bytes}.
         */
        @WithDefault("262144")
        int resultBytes();

        /** Longest ledger line read back from the lease; a longer or malformed line is skipped and reported. */
        @WithDefault("65536")
        int ledgerLineBytes();
    }

    interface Lock {
        /**
         * How long a lock lives without renewal, in the lease's clock: a worker that died holding it blocks the lease
         * at most this long. Well under a step's deadline, so a step waiting for a dead worker's lock still runs.
         */
        @WithDefault("60S")
        Duration ttl();

        /** How often a held lock is renewed while its step runs (a third of the TTL leaves two renewals of slack). */
        @WithDefault("20S")
        Duration renewEvery();

        /** How often a worker finding another worker's live lock looks again (until the lock is free or expires). */
        @WithDefault("1S")
        Duration poll();
    }
}
