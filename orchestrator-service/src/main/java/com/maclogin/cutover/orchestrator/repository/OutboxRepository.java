package com.maclogin.cutover.orchestrator.repository;

import com.maclogin.cutover.contracts.RunStep;
import com.maclogin.cutover.messaging.DispatchHook;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.EntityManager;

/**
 * What the orchestrator records when the outbox relay (messaging-support) got the broker's acknowledgement for one of
 * its messages; runs inside the relay's transaction, so it commits together with the row's "sent" mark.
 */
@ApplicationScoped
public class OutboxRepository implements DispatchHook {

    private static final String RUN_STEP = RunStep.class.getSimpleName();

    private final EntityManager em;

    public OutboxRepository(EntityManager em) {
        this.em = em;
    }

    @Override
    public void onDispatched(String messageType, String messageId) {
        if (RUN_STEP.equals(messageType)) {
            onDispatched(messageId);
        }
    }

    /**
     * A step command left: its step row is marked dispatched, and a PENDING cutover whose INVENTORY left becomes
     * GATING.
     * <p>
     * INTEGRATOR: the {@code update cutover set state = 'GATING'} below is the one cutover state change outside the
     * saga; route it through the saga (a "dispatched" input) and keep only the {@code dispatched_at} update here.
     */
    public void onDispatched(String commandMessageId) {
        em.createNativeQuery("update cutover c set state = 'GATING', updated_at = now() where c.state = 'PENDING' and exists ("
                        + "select 1 from cutover_step s where s.cutover_id = c.id and s.command_message_id = ?1 "
                        + "and s.kind = 'INVENTORY')")
                .setParameter(1, commandMessageId).executeUpdate();
        // cutover row first, then the step row: the same lock order as the result consumer (no deadlock)
        em.createNativeQuery(
                        "update cutover_step set dispatched_at = now() where command_message_id = ?1 and dispatched_at is null")
                .setParameter(1, commandMessageId).executeUpdate();
    }
}
