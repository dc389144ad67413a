package com.maclogin.cutover.rollback.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.maclogin.cutover.contracts.CutoverEvent;
import com.maclogin.cutover.contracts.CutoverEventType;
import com.maclogin.cutover.contracts.Json;
import com.maclogin.cutover.contracts.Region;
import com.maclogin.cutover.contracts.Topics;
import com.maclogin.cutover.messaging.OutboxWriter;
import com.maclogin.cutover.messaging.TransactionalConsumer;
import com.maclogin.cutover.testing.EmbeddedPostgresResource;
import com.maclogin.cutover.testing.KafkaKraftResource;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.test.common.TestResourceScope;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** messaging-support inside rollback-service: the inbox and the outbox take part in the service's JTA transactions. */
@QuarkusTest
@WithTestResource(value = KafkaKraftResource.class, scope = TestResourceScope.GLOBAL)
@WithTestResource(value = EmbeddedPostgresResource.class, scope = TestResourceScope.GLOBAL)
class MessagingKitTest {

    @Inject
    TransactionalConsumer consumer;

    @Inject
    OutboxWriter outbox;

    @Inject
    EntityManager em;

    @Test
    void aHandlerThatFailsOnceIsRetriedBecauseItsInboxRowRolledBackAndARedeliveryIsSkipped() {
        CutoverEvent event = event();
        AtomicInteger calls = new AtomicInteger();

        boolean handled = consumer.consume(Topics.EVENTS, Json.write(event), CutoverEvent.class, e -> {
            if (calls.incrementAndGet() == 1) {
                throw new IllegalStateException("the database restarted");
            }
        });
        boolean redelivered = consumer.consume(Topics.EVENTS, Json.write(event), CutoverEvent.class,
                e -> calls.incrementAndGet());

        assertThat(handled).isTrue();
        assertThat(redelivered).isFalse();
        assertThat(calls).hasValue(2);
        assertThat(count("select count(*) from rollback.inbox where message_id = ?1 and topic = '" + Topics.EVENTS + "'",
                event.messageId())).isEqualTo(1);
    }

    @Test
    void anUnreadableRecordIsSkippedWithoutReachingTheHandler() {
        AtomicInteger calls = new AtomicInteger();

        assertThat(consumer.consume(Topics.EVENTS, "{not json", CutoverEvent.class, e -> calls.incrementAndGet())).isFalse();
        assertThat(calls).hasValue(0);
    }

    @Test
    void anOutboxRowWrittenInATransactionThatRollsBackNeverExists() {
        CutoverEvent event = event();

        assertThatThrownBy(() -> QuarkusTransaction.requiringNew().run(() -> {
            outbox.enqueue(Topics.EVENTS, event);
            throw new IllegalStateException("the business change failed");
        })).hasMessage("the business change failed");

        assertThat(count("select count(*) from rollback.outbox where message_id = ?1", event.messageId())).isZero();
    }

    @Test
    void theOutboxIsWrittenOnlyInsideTheCallersTransaction() {
        assertThatThrownBy(() -> outbox.enqueue(Topics.EVENTS, event())).isInstanceOf(IllegalStateException.class);
    }

    private long count(String query, String messageId) {
        return QuarkusTransaction.requiringNew().call(() -> ((Number) em.createNativeQuery(query)
                .setParameter(1, messageId).getSingleResult()).longValue());
    }

    private static CutoverEvent event() {
        return new CutoverEvent(UUID.randomUUID().toString(), "co-" + UUID.randomUUID(), "lease-kit", Instant.now(), 1, 1,
                CutoverEventType.ROLLBACK_STARTED, Region.HK, "CHG-42", "2026.7.1", "2026.9.6", "alice@hk", List.of(),
                Instant.now(), null, "kit test");
    }
}
