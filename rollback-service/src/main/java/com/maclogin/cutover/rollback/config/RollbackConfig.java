package com.maclogin.cutover.rollback.config;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.time.Duration;

/** Configuration of rollback-service, prefix {@code rollback}. Defaults follow the playbook. */
@ConfigMapping(prefix = "rollback")
public interface RollbackConfig {

    /** How long the worker may take to restore package, plist and state and reload the gateway (RESTORE deadline). */
    @WithDefault("PT5M")
    Duration restoreTimeout();

    /** RESTORE attempts per rollback epoch before the rollback is declared failed (FAILED / TIMED_OUT are retried). */
    @WithDefault("2")
    int maxAttempts();

    /** Verification of the restored gateway (the VALIDATE step). */
    Verify verify();

    /** Deadline watchdog for commands the worker never answered. */
    Watchdog watchdog();

    interface Verify {
        /** Length of the health window run on the restored version. */
        @WithDefault("PT2M")
        Duration window();

        /** Interval between probe rounds inside the window. */
        @WithDefault("PT5S")
        Duration probeInterval();

        /** Added to the window to get the VALIDATE command's deadline (transport and start-up slack). */
        @WithDefault("PT1M")
        Duration deadlineMargin();
    }

    interface Watchdog {
        /** How often overdue commands are looked for. */
        @WithDefault("5s")
        Duration interval();

        /** Slack after a command's deadline before it is handled as TIMED_OUT (the worker's own TIMED_OUT may be in flight). */
        @WithDefault("PT30S")
        Duration grace();
    }
}
