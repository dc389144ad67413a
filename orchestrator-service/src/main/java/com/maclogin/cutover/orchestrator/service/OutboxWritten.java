package com.maclogin.cutover.orchestrator.service;

/** CDI event fired when a transaction wrote outbox rows; the relay observes it after a successful commit. */
public record OutboxWritten(String topic) {
}
