package com.maclogin.cutover.orchestrator.messaging;

import com.maclogin.cutover.contracts.RunStep;
import com.maclogin.cutover.messaging.DispatchHook;
import com.maclogin.cutover.orchestrator.service.DispatchService;
import jakarta.enterprise.context.ApplicationScoped;

/**
 * The outbox relay's per-row hook (messaging-support): for each step command the broker acknowledged,
 * {@link DispatchService} records it inside the relay's transaction (step row dispatched, the saga told).
 */
@ApplicationScoped
public class CommandDispatchHook implements DispatchHook {

    private static final String RUN_STEP = RunStep.class.getSimpleName();

    private final DispatchService dispatch;

    public CommandDispatchHook(DispatchService dispatch) {
        this.dispatch = dispatch;
    }

    @Override
    public void onDispatched(String messageType, String messageId) {
        if (RUN_STEP.equals(messageType)) {
            dispatch.dispatched(messageId);
        }
    }
}
