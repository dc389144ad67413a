package com.maclogin.cutover.chatfakes;

/** A pending fault: the next {@code remaining} calls of one service answer {@code status} instead of posting. */
final class FaultPlan {

    private int status;
    private int remaining;
    private int retryAfterSeconds = 1;
    private ChatFakes.Stall stall;
    private int stallsRemaining;

    synchronized void arm(int status, int count, int retryAfterSeconds) {
        this.status = status;
        this.remaining = Math.max(0, count);
        this.retryAfterSeconds = retryAfterSeconds;
    }

    /** Takes one fault if armed; returns the status to answer, or 0 when the call should proceed normally. */
    synchronized int take() {
        if (remaining <= 0) {
            return 0;
        }
        remaining--;
        return status;
    }

    synchronized void armStall(ChatFakes.Stall mode, int count) {
        this.stall = mode;
        this.stallsRemaining = Math.max(0, count);
    }

    /** Takes one stall if armed (checked before the status faults); null when the call should not hang. */
    synchronized ChatFakes.Stall takeStall() {
        if (stallsRemaining <= 0) {
            return null;
        }
        stallsRemaining--;
        return stall;
    }

    synchronized int retryAfterSeconds() {
        return retryAfterSeconds;
    }

    synchronized void clear() {
        remaining = 0;
        stallsRemaining = 0;
    }
}
