package com.maclogin.cutover.orchestrator.api;

/** An operator of a cutover: a name, an IANA time zone, and whether they own the rollback decision. */
public record Operator(String name, String timeZone, Boolean rollbackOwner) {

    public boolean isRollbackOwner() {
        return Boolean.TRUE.equals(rollbackOwner);
    }
}
