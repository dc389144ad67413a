package com.maclogin.cutover.simulator;

import java.util.Locale;

/**
 * How this JVM starts child processes (every SSH exec, every gateway spawn). The JDK's default on Linux,
 * POSIX_SPAWN, execs the {@code jspawnhelper} binary first, which then execs the command: two execs per process.
 * VFORK execs the command directly (the JDK's Linux default before JDK 12). On this machine an exec costs 5-10 ms
 * (a VM with expensive page-table set-up), so VFORK takes about a third off an SSH command and off a gateway spawn.
 */
final class ProcessLaunch {

    static final String PROPERTY = "jdk.lang.Process.launchMechanism";

    private ProcessLaunch() {
    }

    /**
     * Selects VFORK on Linux with JDK 17 to 21, unless {@value #PROPERTY} is already set (set it, e.g. to
     * {@code POSIX_SPAWN}, to opt out). Effective only before the JVM starts its first child process; harmless after.
     */
    static void preferVfork() {
        if (System.getProperty(PROPERTY) != null) {
            return;
        }
        int feature = Runtime.version().feature();
        if (System.getProperty("os.name", "").toLowerCase(Locale.ROOT).contains("linux") && feature >= 17 && feature <= 21) {
            System.setProperty(PROPERTY, "VFORK");
        }
    }
}
