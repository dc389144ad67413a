package com.maclogin.cutover.notifier;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.maclogin.cutover.notifier.service.NotificationStore;
import com.maclogin.cutover.testing.EmbeddedPostgresResource;
import com.maclogin.cutover.testing.KafkaKraftResource;
import io.quarkus.test.common.TestResourceScope;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;

/**
 * The chat post slot two notifier instances share (real PostgreSQL, {@code notifier.channel_pace}): callers asking for
 * one channel's slot at the same instant, each in its own transaction as two instances would, get it once; the other
 * is told how long to wait. Same test resources as {@link NotifierFlowTest} (no extra Quarkus start); each test uses a
 * pace key of its own, so the flow tests' deliveries are not in its way.
 */
@QuarkusTest
@WithTestResource(value = KafkaKraftResource.class, scope = TestResourceScope.GLOBAL)
@WithTestResource(value = EmbeddedPostgresResource.class, scope = TestResourceScope.GLOBAL)
@WithTestResource(value = ChatFakesResource.class, scope = TestResourceScope.GLOBAL)
class ChannelPaceTest {

    @Inject
    NotificationStore store;

    @Test
    void twoCallersAskingForOneChannelsSlotAtOnceGetItExactlyOnceAndTheOtherIsToldToWait() throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(2);
        try {
            for (int round = 0; round < 20; round++) {
                String key = "test-" + UUID.randomUUID();
                CyclicBarrier together = new CyclicBarrier(2);
                List<Future<Long>> asks = new ArrayList<>();
                for (int i = 0; i < 2; i++) {
                    asks.add(pool.submit(() -> {
                        together.await();
                        return store.takePostSlot(key, Duration.ofSeconds(5));
                    }));
                }
                long a = asks.get(0).get();
                long b = asks.get(1).get();
                assertThat(List.of(a, b)).as("round %d: one slot, one wait", round).containsOnlyOnce(0L);
                assertThat(Math.max(a, b)).as("the wait is the rest of the interval").isBetween(1L, 5000L);
            }
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void aChannelsSlotIsFreeAgainOnceTheIntervalHasPassedAndNotBefore() {
        String key = "test-" + UUID.randomUUID();
        Duration interval = Duration.ofMillis(2000); // long enough that a loaded machine still asks again within it
        assertThat(store.takePostSlot(key, interval)).as("the first post of a channel").isZero();
        assertThat(store.takePostSlot(key, interval)).as("right after it").isPositive();
        await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(100))
                .until(() -> store.takePostSlot(key, interval) == 0);
        assertThat(store.takePostSlot(key, interval)).as("the slot just taken again").isPositive();
    }

    @Test
    void slotsOfDifferentChannelsDoNotWaitForEachOther() {
        String slack = "test-" + UUID.randomUUID();
        String telegram = "test-" + UUID.randomUUID();
        assertThat(store.takePostSlot(slack, Duration.ofSeconds(5))).isZero();
        assertThat(store.takePostSlot(telegram, Duration.ofSeconds(5))).isZero();
    }
}
