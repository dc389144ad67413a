package com.maclogin.cutover.contracts;

/**
 * The optional canary of PARALLEL_RUN (PLAYBOOK step 4): the candidate runs beside production on an alternate
 * loopback port, is probed for {@code seconds}, then stopped. The worker checks both against its own limits.
 *
 * @param port    the alternate port on the lease's loopback (never the gateway port, nor within 120 of it)
 * @param seconds how long the canary is probed after it reports started
 */
public record CanaryPlan(int port, int seconds) {
}
