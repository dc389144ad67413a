package com.maclogin.cutover.probe.service;

import com.maclogin.cutover.probe.ProbeReasons;
import com.maclogin.cutover.probe.client.CommandResult;
import com.maclogin.cutover.contracts.ShellQuote;

/**
 * UNFREEZE: removes the freeze marker if it names this cutover; leaves another cutover's marker alone. It is also the
 * compensation of PARALLEL_RUN: a canary this cutover left running (its pid file is still in the kit, e.g. after a
 * worker crash or a step timeout) is stopped first. While the marker is still this cutover's, and only when this
 * cutover's flip is in effect (after GREEN), the version directories that neither run nor serve a rollback are
 * removed first ({@link LeaseVersions#pruneAfterGreen}).
 */
final class UnfreezeStep implements StepHandler {

    @Override
    public void run(StepContext ctx) {
        LeaseInventory.Basics b = LeaseInventory.basics(ctx);
        String kit = b.kit(ctx.command().cutoverId());
        CommandResult pid = ctx.run("canary pid file", "test -f " + ShellQuote.quote(kit + "/" + ParallelRunStep.CANARY_PID));
        if (pid.ok()) {
            ctx.fact("canaryStopResult", ParallelRunStep.stopByPidFile(ctx, kit, ctx.config().canary().stopTimeout()));
        }
        String marker = b.frozenMarker();
        String owner = FreezeStep.markerField(FreezeStep.readMarker(ctx, marker), "cutoverId");
        if (owner == null) {
            ctx.reason(ProbeReasons.NOT_FROZEN);
            return;
        }
        if (!owner.equals(ctx.command().cutoverId())) {
            ctx.reason(String.format(ProbeReasons.FROZEN_MARKER_OTHER, owner));
            return;
        }
        // still frozen by this cutover: no other cutover can be installing a candidate into versions/ meanwhile
        LeaseVersions.pruneAfterGreen(ctx, b, kit);
        ctx.require("remove freeze marker", "rm -f " + ShellQuote.quote(marker));
    }
}
