package com.maclogin.cutover.probe.service;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.maclogin.cutover.contracts.LeaseTarget;
import com.maclogin.cutover.contracts.ProbeResult;
import com.maclogin.cutover.contracts.Region;
import com.maclogin.cutover.contracts.RunStep;
import com.maclogin.cutover.contracts.StepCommand;
import com.maclogin.cutover.contracts.StepKind;
import com.maclogin.cutover.contracts.StepOutcome;
import com.maclogin.cutover.contracts.StepResult;
import com.maclogin.cutover.contracts.ThresholdBreached;
import com.maclogin.cutover.contracts.Topics;
import com.maclogin.cutover.probe.ProbeReasons;
import com.maclogin.cutover.probe.client.LeaseSshClient;
import com.maclogin.cutover.probe.config.ProbeConfig;
import com.maclogin.cutover.probe.it.LeaseSimulatorResource;
import com.maclogin.cutover.simulator.SimulatedLease;
import com.maclogin.cutover.testing.KafkaKraftResource;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Exactly once on the lease, against the simulated lease {@code hk-1} (real SSH server, real {@code /bin/sh}): a batch
 * part whose answer is lost runs once and fails its step; two workers (two {@link StepExecutionService}s with their
 * own worker ids and SSH clients) racing to run the same FREEZE on the lease apply it once; a live lock of another
 * worker keeps a step from running; an expired one is taken over. Same test resources as the probe-service ITs, so
 * the application is shared.
 */
@QuarkusTest
@WithTestResource(KafkaKraftResource.class)
@WithTestResource(LeaseSimulatorResource.class)
class ExactlyOnceOnTheLeaseIntegrationTest {

    @Inject
    LeaseSshClient ssh;
    @Inject
    ProbeConfig config;
    @Inject
    MeterRegistry metrics;

    private static final ValidationEvents NO_EVENTS = new ValidationEvents() {
        @Override
        public void probeResult(ProbeResult result) {
        }

        @Override
        public CompletionStage<Void> breach(ThresholdBreached breach) {
            return CompletableFuture.completedFuture(null);
        }
    };

    @AfterEach
    void unfrozenAndUnlocked() throws Exception {
        SimulatedLease lease = LeaseSimulatorResource.lease();
        Files.deleteIfExists(lease.home().resolve(".openclaw-cutover/FROZEN"));
        Path lock = lease.home().resolve(LeaseLock.DIR);
        if (Files.isDirectory(lock)) {
            try (var files = Files.list(lock)) {
                for (Path p : files.toList()) {
                    Files.delete(p);
                }
            }
        }
    }

    private static LeaseTarget target() {
        SimulatedLease lease = LeaseSimulatorResource.lease();
        return new LeaseTarget(Region.HK, lease.host(), lease.sshPort(), lease.sshUser(), lease.hostKey(),
                lease.gatewayPort(), lease.probeUser());
    }

    private static RunStep step(String cutoverId, StepKind kind, StepCommand command, int seconds) {
        return RunStep.builder().cutoverId(cutoverId).leaseId("hk-1").epoch(1).kind(kind).attempt(1)
                .replyTo(Topics.STEP_RESULTS).target(target()).command(command)
                .deadline(Instant.now().plusSeconds(seconds)).build();
    }

    /** A second worker of the region: the same configuration with another worker id, and its own SSH client. */
    private StepExecutionService worker(String id) {
        ProbeConfig other = (ProbeConfig) Proxy.newProxyInstance(ProbeConfig.class.getClassLoader(),
                new Class<?>[] {ProbeConfig.class}, (p, m, a) -> {
                    if (m.getName().equals("workerId")) {
                        return Optional.of(id);
                    }
                    try {
                        return m.invoke(config, a);
                    } catch (InvocationTargetException e) {
                        throw e.getCause();
                    }
                });
        return new StepExecutionService(new LeaseSshClient(other), other, metrics, NO_EVENTS);
    }

    private static long ledgerLines(String key) throws Exception {
        Path ledger = LeaseSimulatorResource.lease().home().resolve(".openclaw-cutover/ledger");
        if (!Files.exists(ledger)) {
            return 0;
        }
        return Files.readAllLines(ledger).stream().filter(l -> l.contains(key)).count();
    }

    private static void plantLock(String owner, String cutover, long expires) throws Exception {
        Path dir = Files.createDirectories(LeaseSimulatorResource.lease().home().resolve(LeaseLock.DIR));
        try (var files = Files.list(dir)) {
            for (Path p : files.toList()) {
                Files.delete(p); // the released generations other classes' steps left
            }
        }
        Files.writeString(dir.resolve("g.5"), "v1 owner=" + owner + " cutover=" + cutover + " epoch=1 key=" + cutover
                + ":FREEZE:1 expires=" + expires + "\n");
    }

    @Test
    void aBatchPartWhoseAnswerIsLostOverTheCaptureRanOnceAndTheStepFailsNamingIt() throws Exception {
        Path home = LeaseSimulatorResource.lease().home();
        Files.deleteIfExists(home.resolve("batch-count"));
        Files.deleteIfExists(home.resolve("batch-after"));
        RunStep c = step("c-cap", StepKind.FREEZE, new StepCommand.Freeze("CHG-1", null), 60);
        StepContext ctx = new StepContext(c, c.deadline(), ssh, config, new TransientRetry(c, config.retry()));
        CommandBatch batch = new CommandBatch()
                .add("count and flood", "echo ran >> \"$HOME\"/batch-count; head -c 1200000 /dev/zero | tr '\\0' a")
                .add("after the flood", "echo ran >> \"$HOME\"/batch-after");

        assertThatThrownBy(() -> batch.run(ctx)).isInstanceOf(StepFailedException.class)
                .hasMessage(String.format(ProbeReasons.BATCH_PARTS_MAY_HAVE_RUN,
                        "'count and flood', 'after the flood'"));

        // counted on the lease: each part ran exactly once (the shell ran both; neither was run again)
        assertThat(Files.readAllLines(home.resolve("batch-count"))).containsExactly("ran");
        assertThat(Files.readAllLines(home.resolve("batch-after"))).containsExactly("ran");
        assertThat(ctx.evidence()).filteredOn(e -> e.name().equals("count and flood")).singleElement()
                .satisfies(e -> assertThat(e.output()).isEqualTo(CommandBatch.MAY_HAVE_RUN));
    }

    @Test
    void twoWorkersRacingToRunTheSameFreezeOnOneLeaseApplyItOnceAndBothAnswerWithTheSameResult() throws Exception {
        unfrozenAndUnlocked(); // no lock generations left by other classes' steps
        StepExecutionService a = worker("probe-hk-a");
        StepExecutionService b = worker("probe-hk-b");
        RunStep c = step("c-race", StepKind.FREEZE, new StepCommand.Freeze("CHG-2", null), 60);
        CountDownLatch go = new CountDownLatch(1);
        CompletableFuture<StepResult> ra = CompletableFuture.supplyAsync(() -> {
            await(go);
            return a.execute(c);
        });
        CompletableFuture<StepResult> rb = CompletableFuture.supplyAsync(() -> {
            await(go);
            return b.execute(c);
        });
        go.countDown();
        List<StepResult> both = List.of(ra.get(), rb.get());

        assertThat(both).allSatisfy(r -> assertThat(r.outcome()).as(r.reason() + " " + r.evidence())
                .isEqualTo(StepOutcome.SUCCEEDED));
        // one applied it, the other found it in the lease ledger after the first released the lock
        assertThat(both.get(0).messageId()).isEqualTo(both.get(1).messageId());
        assertThat(ledgerLines(c.idempotencyKey())).isEqualTo(1);
        assertThat(both).flatExtracting(StepResult::evidence).filteredOn(e -> e.name().equals(LeaseLocks.EVIDENCE))
                .hasSize(2).extracting(e -> e.output())
                // one after the other: the second taker waited for the first's live lock or found it released
                .satisfiesExactlyInAnyOrder(o -> assertThat(o).isEqualTo("taken (no lock)"),
                        o -> assertThat(o).containsAnyOf("after waiting", "released by probe-hk-a",
                                "released by probe-hk-b"));
        LeaseLock.Observed end = LeaseLock.observed(ssh.exec(target(), LeaseLock.lookScript(),
                java.time.Duration.ofSeconds(10)).stdout());
        assertThat(end.holder().released()).as("the lock is released at the end").isTrue();
    }

    @Test
    void anotherWorkersLiveLockKeepsTheStepFromRunningUntilItsDeadline() throws Exception {
        long now = Instant.now().getEpochSecond();
        plantLock("probe-hk-other", "c-held", now + 600);
        RunStep c = step("c-wait", StepKind.FREEZE, new StepCommand.Freeze("CHG-3", null), 3);
        Path frozen = LeaseSimulatorResource.lease().home().resolve(".openclaw-cutover/FROZEN");
        Files.deleteIfExists(frozen); // another class's cutover may have left its freeze

        StepResult r = worker("probe-hk-a").execute(c);

        assertThat(r.outcome()).isEqualTo(StepOutcome.TIMED_OUT);
        assertThat(r.reason()).startsWith("lease lock not free before the deadline (held by probe-hk-other for "
                + "c-held:FREEZE:1").endsWith("the step did not run");
        assertThat(LeaseSimulatorResource.lease().home().resolve(".openclaw-cutover/FROZEN")).doesNotExist();
        assertThat(ledgerLines(c.idempotencyKey())).isZero();
    }

    @Test
    void anExpiredLockOfADeadWorkerIsTakenOverAndTheTakeOverIsRecorded() throws Exception {
        long now = Instant.now().getEpochSecond();
        plantLock("probe-hk-dead", "c-dead", now - 5);
        RunStep c = step("c-takeover", StepKind.FREEZE, new StepCommand.Freeze("CHG-4", null), 60);

        StepResult r = worker("probe-hk-a").execute(c);

        assertThat(r.outcome()).as(r.reason()).isEqualTo(StepOutcome.SUCCEEDED);
        assertThat(r.facts()).containsEntry(LeaseLocks.TAKEN_OVER_FACT, "probe-hk-dead");
        assertThat(ledgerLines(c.idempotencyKey())).isEqualTo(1);
    }

    @Test
    void aRenewalCreatesTheNextGenerationAndARenewalThatFindsItTakenStopsTheStep() throws Exception {
        plantLock("probe-hk-old", "c-old", 1); // long expired
        RunStep c = step("c-renew", StepKind.FREEZE, new StepCommand.Freeze("CHG-5", null), 60);
        StepContext ctx = new StepContext(c, c.deadline(), ssh, config, new TransientRetry(c, config.retry()));
        LeaseLocks locks = new LeaseLocks(ssh, config.lock(), "probe-hk-a",
                java.util.concurrent.Executors.newSingleThreadScheduledExecutor());
        LeaseLocks.Held held = locks.acquire(ctx);
        try {
            assertThat(held.generation()).isEqualTo(6);
            held.renew();
            assertThat(held.generation()).isEqualTo(7);
            assertThat(ctx.isStopped()).isFalse();

            // another worker took generation 8 (the lock had expired, say): the next renewal loses, the step stops
            Path dir = LeaseSimulatorResource.lease().home().resolve(LeaseLock.DIR);
            Files.writeString(dir.resolve("g.8"), "v1 owner=probe-hk-b cutover=c-renew epoch=1 key=c-renew:FREEZE:1"
                    + " expires=" + (Instant.now().getEpochSecond() + 60) + "\n");
            held.renew();
            assertThat(ctx.isStopped()).isTrue();
            assertThat(ctx.stoppedBecause()).isEqualTo(String.format(ProbeReasons.LEASE_LOCK_LOST,
                    "generation 8 was created by another worker"));
            assertThatThrownBy(ctx::checkSuperseded).isInstanceOf(StepRefusedException.class)
                    .hasMessageStartingWith("lease lock lost while the step ran");
        } finally {
            locks.release(held);
        }
        // the release does not overwrite the other worker's lock
        assertThat(Files.readString(LeaseSimulatorResource.lease().home().resolve(LeaseLock.DIR).resolve("g.8")))
                .contains("owner=probe-hk-b");
    }

    private static void await(CountDownLatch l) {
        try {
            l.await();
        } catch (InterruptedException e) {
            throw new IllegalStateException(e);
        }
    }
}
