package com.maclogin.cutover.orchestrator.api;

/**
 * Optional {@code canary} of a cutover request (PLAYBOOK step 4): after INSTALL_CANDIDATE the worker starts the
 * candidate on {@code port} (loopback, its own copy of the state), probes it for {@code seconds}, stops it; only then
 * is the plist flipped. {@code seconds} defaults to {@code orchestrator.canary.default-seconds}.
 */
public record CanaryRequest(Integer port, Integer seconds) {
}
