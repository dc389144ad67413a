package com.maclogin.cutover.localstack;

import java.util.concurrent.Semaphore;

/**
 * One timing-sensitive load at a time: a fleet of {@link FleetEndToEndTest}, the real gateway's start in
 * {@link RealLeaseCutoverTest} (its start-up heartbeat has a fixed 5 s), or the trigger rows of
 * {@link PlaybookEndToEndTest} (whose LATENCY row compares against 5 x a baseline measured on this very machine, and does
 * not trip beside a fleet's cutovers on 2 CPUs, nor while the other classes start their stacks and cutovers). A plain
 * semaphore rather than a JUnit resource lock: with the lock on the fleet's methods, JUnit ran that class's
 * {@code @BeforeAll} twice at once. The fleet takes it first (class order 1, before its stack starts) and gives it
 * back when its fleet of nine has settled; the playbook takes it then.
 */
final class QuietMachine {

    private static final Semaphore PERMIT = new Semaphore(1, true);

    private QuietMachine() {
    }

    /** Blocks until no other timing-sensitive load runs; says how long it waited. */
    static void acquire(String who) throws InterruptedException {
        long t0 = System.nanoTime();
        PERMIT.acquire();
        System.out.printf("[measure] %s waited %d ms for the timing-sensitive permit%n", who,
                (System.nanoTime() - t0) / 1_000_000);
    }

    static void release() {
        PERMIT.release();
    }
}
