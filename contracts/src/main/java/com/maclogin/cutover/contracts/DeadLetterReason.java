package com.maclogin.cutover.contracts;

/** Why a record was set aside. */
public enum DeadLetterReason {
    /** No value, or the JSON literal {@code null}. */
    NULL,
    /** The value is not JSON. */
    NOT_JSON,
    /** JSON, but not the message's shape (wrong types, unknown enum value, an array, ...). */
    WRONG_SHAPE,
    /** A field every message needs ({@code messageId}, {@code cutoverId}, ...) is missing. */
    MISSING_FIELD,
    /** Larger than the consumer's size cap. */
    TOO_LARGE,
    /** Readable, but its handler refused it (a non-transient error: invalid value, unknown reference). */
    INVALID,
    /** Its handler kept failing with a transient error until the redelivery gave up. */
    GAVE_UP
}
