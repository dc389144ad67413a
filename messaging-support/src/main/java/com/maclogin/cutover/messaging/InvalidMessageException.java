package com.maclogin.cutover.messaging;

/**
 * Thrown by a handler for a message that can be read but can never be processed (an invalid value, a reference to
 * something that does not exist): the consumer kit sets it aside on the dead-letter topic at once, reason
 * {@code INVALID}, instead of retrying it. {@link IllegalArgumentException} and the other errors
 * {@link DeadLetters#isPermanent(Throwable)} names are treated the same way.
 */
public class InvalidMessageException extends RuntimeException {

    public InvalidMessageException(String message) {
        super(message);
    }

    public InvalidMessageException(String message, Throwable cause) {
        super(message, cause);
    }
}
