package com.maclogin.cutover.messaging;

import com.maclogin.cutover.contracts.CutoverMessage;
import java.time.Duration;

/**
 * Keeps a consumer on one message until its handler commits. A handler that throws (the database restarting, a
 * serialisation conflict, a lock timeout) is retried with capped exponential backoff instead of handing the failure to
 * the messaging layer, where "ignore" would lose the message and "fail" would stop the channel for good. Only after
 * {@code giveUpAfter} does the last exception propagate (at once for a failure the caller calls permanent), and the
 * {@link TransactionalConsumer} then sets the message aside on the dead-letter topic ({@link DeadLetters}) so the
 * channel keeps running. Plain Java on purpose: every service wraps its own transaction in the attempt.
 */
public final class Redelivery {

    /** Default patience: longer than a PostgreSQL or broker restart, short enough to surface a poison message. */
    public static final Duration DEFAULT_GIVE_UP_AFTER = Duration.ofMinutes(5);

    static final long FIRST_BACKOFF_MILLIS = 100;
    static final long MAX_BACKOFF_MILLIS = 5_000;

    private static final System.Logger LOG = System.getLogger(Redelivery.class.getName());

    /** One attempt at handling the message; it commits or throws. */
    @FunctionalInterface
    public interface Attempt {
        void run() throws Exception;
    }

    private Redelivery() {
    }

    /** {@link #untilCommitted(String, Duration, Attempt)} with {@link #DEFAULT_GIVE_UP_AFTER}. */
    public static void untilCommitted(String what, Attempt attempt) {
        untilCommitted(what, DEFAULT_GIVE_UP_AFTER, attempt);
    }

    /**
     * Runs {@code attempt} until it returns; {@code what} names the message in the warnings (never its payload, which
     * may carry evidence). Returns the number of attempts made.
     */
    public static int untilCommitted(String what, Duration giveUpAfter, Attempt attempt) {
        return untilCommitted(what, giveUpAfter, attempt, e -> false);
    }

    /**
     * As {@link #untilCommitted(String, Duration, Attempt)}; a failure {@code permanent} accepts is not retried but
     * propagates at once (retrying an invalid message only delays its dead letter).
     */
    public static int untilCommitted(String what, Duration giveUpAfter, Attempt attempt,
            java.util.function.Predicate<Throwable> permanent) {
        long deadline = System.nanoTime() + giveUpAfter.toNanos();
        long backoff = FIRST_BACKOFF_MILLIS;
        for (int n = 1; ; n++) {
            try {
                attempt.run();
                if (n > 1) {
                    LOG.log(System.Logger.Level.INFO, "{0}: handled on attempt {1}", what, n);
                }
                return n;
            } catch (Exception e) {
                if (permanent.test(e)) {
                    LOG.log(System.Logger.Level.DEBUG, "{0}: refused on attempt {1}, not retried: {2}", what, n,
                            rootMessage(e));
                    throw e instanceof RuntimeException re ? re : new IllegalStateException(e);
                }
                if (System.nanoTime() + backoff * 1_000_000L > deadline) {
                    LOG.log(System.Logger.Level.ERROR, "{0}: still failing after {1} attempts, giving up: {2}", what, n,
                            rootMessage(e));
                    throw e instanceof RuntimeException re ? re : new IllegalStateException(e);
                }
                LOG.log(System.Logger.Level.WARNING, "{0}: attempt {1} failed, retrying in {2} ms: {3}", what, n,
                        backoff, rootMessage(e));
                try {
                    Thread.sleep(backoff);
                } catch (InterruptedException ie) {
                    Thread.currentThread().interrupt();
                    throw new IllegalStateException(what + ": interrupted while retrying", e);
                }
                backoff = Math.min(backoff * 2, MAX_BACKOFF_MILLIS);
            }
        }
    }

    /** How a message is named in the retry warnings: its type and ids, never its payload. */
    public static String describe(CutoverMessage m) {
        return m.getClass().getSimpleName() + " " + m.messageId() + " (cutover " + m.cutoverId() + ", lease "
                + m.leaseId() + ")";
    }

    static String rootMessage(Throwable t) {
        Throwable root = t;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        String m = root.getMessage();
        return root.getClass().getSimpleName() + (m == null ? "" : ": " + m.lines().findFirst().orElse(""));
    }
}
