package com.maclogin.cutover.localstack;

import java.time.Duration;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * One local stack for every end-to-end class that does not break it on purpose (CutoverEndToEndTest,
 * PlaybookEndToEndTest, RealLeaseCutoverTest): starting PostgreSQL, the broker, the simulator and six service JVMs
 * costs 35-55 s on this machine, so it is paid once. The stack lives in JUnit's root store and is closed when the whole
 * test plan is done. Each class owns its leases, so the classes cannot disturb each other:
 * <ul>
 *   <li>{@code hk-1 hk-2 jp-1 jp-2}: PlaybookEndToEndTest (trigger rows and gates);</li>
 *   <li>{@code hk-3 jp-3}: CutoverEndToEndTest (GREEN, operator rollback);</li>
 *   <li>{@code hk-4}: the real OpenClaw gateway (RealLeaseCutoverTest);</li>
 *   <li>{@code jp-4}: shared, one class at a time through {@link #borrow}: behind Debian's OpenSSH
 *       (OpenSshCutoverTest), and the planted gateway token of SecretsNeverLeakEndToEndTest. Each borrower registers
 *       the lease as it needs it (OpenSSH's port and key, or the simulator's own) and copes with the version the other
 *       left (GREEN on the candidate, or rolled back to the old one);</li>
 *   <li>{@code hk-5 jp-5}: the {@code cutover} CLI (CliEndToEndTest);</li>
 *   <li>{@code hk-6 jp-6}: the web dashboard in headless Chromium (DashboardBrowserTest);</li>
 *   <li>{@code hk-7}: the continuous watch (LeaseWatchEndToEndTest: taken DOWN between cutovers, alerted, refused at the
 *       gates, recovered); {@code jp-7} is only watched (nobody changes it).</li>
 * </ul>
 * The validation window (30 s) is long enough for the trigger rows to trip under load and short enough for the rest.
 */
public final class SharedStack implements BeforeAllCallback {

    static final int LEASES_PER_REGION = 7;
    static final Duration VALIDATION_WINDOW = Duration.ofSeconds(30);

    private static volatile LocalStack stack;
    private static final java.util.Map<String, java.util.concurrent.Semaphore> BORROWED =
            new java.util.concurrent.ConcurrentHashMap<>();

    /** The running shared stack; only valid in a class annotated {@code @ExtendWith(SharedStack.class)}. */
    static LocalStack get() {
        if (stack == null) {
            throw new IllegalStateException("the shared stack is started by @ExtendWith(SharedStack.class)");
        }
        return stack;
    }

    /** The shared stack's registration of lease {@code id} (host, ports, home, probe user). */
    static com.fasterxml.jackson.databind.JsonNode lease(String id) {
        for (com.fasterxml.jackson.databind.JsonNode l : get().leases()) {
            if (id.equals(l.path("id").asText())) {
                return l;
            }
        }
        throw new AssertionError("no lease " + id + " in " + get().leases());
    }

    /**
     * Takes lease {@code id} for the caller alone until the returned handle is closed (blocks while another class has
     * it; fair, so the first to ask gets it first). For a lease more than one class uses, see the list above.
     */
    static AutoCloseable borrow(String id, String who) throws InterruptedException {
        java.util.concurrent.Semaphore s = BORROWED.computeIfAbsent(id, k -> new java.util.concurrent.Semaphore(1, true));
        long t0 = System.nanoTime();
        s.acquire();
        System.out.printf("[measure] %s waited %d ms for lease %s%n", who, (System.nanoTime() - t0) / 1_000_000, id);
        java.util.concurrent.atomic.AtomicBoolean released = new java.util.concurrent.atomic.AtomicBoolean();
        return () -> {
            if (released.compareAndSet(false, true)) {
                s.release();
            }
        };
    }

    @Override
    public void beforeAll(ExtensionContext context) {
        context.getRoot().getStore(ExtensionContext.Namespace.GLOBAL)
                .getOrComputeIfAbsent(SharedStack.class, k -> new Holder(start()), Holder.class);
    }

    private static LocalStack start() {
        try {
            StackConfig cfg = StackConfig.defaults(LocalStack.repoRoot())
                    .withPortOffset(1000)
                    .withWorkDir(LocalStack.repoRoot().resolve("deploy/local-stack/target/e2e-stack"))
                    .withLeasesPerRegion(LEASES_PER_REGION)
                    .withValidationWindow(VALIDATION_WINDOW);
            long t0 = System.nanoTime();
            stack = LocalStack.start(cfg, System.out::println);
            System.out.printf("[measure] shared stack (%d leases) started in %d ms%n", cfg.leaseIds().size(),
                    (System.nanoTime() - t0) / 1_000_000);
            return stack;
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException("the shared end-to-end stack did not start", e);
        }
    }

    /** Closed by JUnit after the last test of the plan. */
    private record Holder(LocalStack stack) implements ExtensionContext.Store.CloseableResource {
        @Override
        public void close() {
            stack.close();
            SharedStack.stack = null;
        }
    }
}
