package com.maclogin.cutover.contracts;

/** What a {@link LeaseHealthEvent} announces. */
public enum LeaseHealthEventKind {
    /** The health state changed (any state to any other). */
    STATE_CHANGED,
    /** The certificate's days left fell under the warning limit (14 by default). */
    CERT_EXPIRING,
    /** The certificate's days left are back at or above the limit (renewed). */
    CERT_RENEWED
}
