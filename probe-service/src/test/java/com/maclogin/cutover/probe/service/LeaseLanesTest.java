package com.maclogin.cutover.probe.service;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class LeaseLanesTest {

    private final ExecutorService pool = Executors.newFixedThreadPool(8);

    @AfterEach
    void stop() {
        pool.shutdownNow();
    }

    @Test
    void oneLeaseRunsInSubmissionOrderEvenWhenEarlierWorkIsSlow() throws Exception {
        LeaseLanes lanes = new LeaseLanes(pool);
        List<Integer> order = Collections.synchronizedList(new ArrayList<>());
        List<CompletableFuture<Integer>> all = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            int n = i;
            all.add(lanes.submit("hk-1", () -> {
                sleep(n % 3 == 0 ? 15 : 1);
                order.add(n);
                return n;
            }));
        }
        CompletableFuture.allOf(all.toArray(CompletableFuture[]::new)).get(10, TimeUnit.SECONDS);
        assertThat(order).containsExactlyElementsOf(java.util.stream.IntStream.range(0, 20).boxed().toList());
    }

    @Test
    void aLongStepOnOneLeaseDoesNotHoldBackAnotherLease() throws Exception {
        LeaseLanes lanes = new LeaseLanes(pool);
        CountDownLatch release = new CountDownLatch(1);
        CompletableFuture<String> slow = lanes.submit("hk-1", () -> {
            await(release);
            return "slow";
        });
        CompletableFuture<String> fast = lanes.submit("hk-2", () -> "fast");
        assertThat(fast.get(5, TimeUnit.SECONDS)).isEqualTo("fast");
        assertThat(slow).isNotDone();
        release.countDown();
        assertThat(slow.get(5, TimeUnit.SECONDS)).isEqualTo("slow");
    }

    @Test
    void aFailedStepDoesNotBlockTheLaneAndLanesAreReleased() throws Exception {
        LeaseLanes lanes = new LeaseLanes(pool);
        CompletableFuture<String> boom = lanes.submit("hk-1", () -> {
            throw new IllegalStateException("boom");
        });
        CompletableFuture<String> after = lanes.submit("hk-1", () -> "after");
        assertThat(after.get(5, TimeUnit.SECONDS)).isEqualTo("after");
        assertThat(boom).isCompletedExceptionally();
        org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(5))
                .until(() -> lanes.activeLanes() == 0);
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static void await(CountDownLatch l) {
        try {
            l.await(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
