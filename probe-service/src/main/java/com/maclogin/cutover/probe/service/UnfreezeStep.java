package com.maclogin.cutover.probe.service;

import com.maclogin.cutover.probe.ProbeReasons;
import com.maclogin.cutover.probe.lease.ShellQuote;

/** UNFREEZE: removes the freeze marker if it names this cutover; leaves another cutover's marker alone. */
final class UnfreezeStep implements StepHandler {

    @Override
    public void run(StepContext ctx) {
        LeaseInventory.Basics b = LeaseInventory.basics(ctx);
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
        ctx.require("remove freeze marker", "rm -f " + ShellQuote.quote(marker));
    }
}
