package com.maclogin.cutover.orchestrator.api;

import java.util.List;

/** What depends on the lease's gateway: chat channels, models, cron schedules. */
public record BlastRadius(List<String> channels, List<String> models, List<String> cronSchedules) {

    public BlastRadius normalised() {
        return new BlastRadius(channels == null ? List.of() : channels, models == null ? List.of() : models,
                cronSchedules == null ? List.of() : cronSchedules);
    }
}
