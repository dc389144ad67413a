package com.maclogin.cutover.messaging;

/**
 * Work a service does for each message the broker acknowledged, inside the relay's transaction, just before the row
 * is marked sent: what it writes commits together with the "sent" mark. A CDI bean of this type is picked up by the
 * relay; without one nothing runs.
 */
@FunctionalInterface
public interface DispatchHook {

    DispatchHook NONE = (messageType, messageId) -> {
    };

    /** {@code messageType} is the simple name of the message record (e.g. {@code RunStep}). */
    void onDispatched(String messageType, String messageId) throws Exception;
}
