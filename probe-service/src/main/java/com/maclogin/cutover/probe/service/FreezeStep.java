package com.maclogin.cutover.probe.service;

import com.maclogin.cutover.contracts.RunStep;
import com.maclogin.cutover.contracts.StepCommand;
import com.maclogin.cutover.contracts.Validation;
import com.maclogin.cutover.probe.ProbeReasons;
import com.maclogin.cutover.probe.lease.LeasePaths;
import com.maclogin.cutover.contracts.ShellQuote;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.LinkedHashMap;
import java.util.Map;

/** FREEZE: writes {@code $HOME/.openclaw-cutover/FROZEN} (cutover id, ticket, tag) unless another cutover holds it. */
final class FreezeStep implements StepHandler {

    private static final DateTimeFormatter TAG_DATE = DateTimeFormatter.ofPattern("yyyyMMdd").withZone(ZoneOffset.UTC);

    @Override
    public String validate(RunStep c) {
        StepCommand.Freeze f = c.command(StepCommand.Freeze.class);
        if (f != null && f.ticketId() != null) {
            String p = Validation.ticketId(f.ticketId());
            if (p != null) {
                return p;
            }
        }
        if (f != null && f.tag() != null) {
            return LeasePaths.checkTag(f.tag());
        }
        return null;
    }

    @Override
    public void run(StepContext ctx) {
        RunStep c = ctx.command();
        LeaseInventory.Basics b = LeaseInventory.basics(ctx);
        String marker = b.frozenMarker();
        String current = readMarker(ctx, marker);
        String owner = markerField(current, "cutoverId");
        ctx.fact("freezeMarker", marker);
        if (owner != null && !owner.equals(c.cutoverId())) {
            throw new StepFailedException(String.format(ProbeReasons.FROZEN_BY_OTHER, owner));
        }
        if (owner != null) {
            ctx.fact("tag", markerField(current, "tag"));
            ctx.reason(ProbeReasons.ALREADY_APPLIED);
            return;
        }
        StepCommand.Freeze f = c.command(StepCommand.Freeze.class);
        String tag = f != null && f.tag() != null ? f.tag() : "oc-cutover-" + TAG_DATE.format(Instant.now());
        String ticket = f != null && f.ticketId() != null ? f.ticketId() : "";
        String content = "cutoverId=" + c.cutoverId() + "\nticket=" + ticket + "\ntag=" + tag + "\nepoch="
                + c.epoch() + "\nfrozenAt=" + Instant.now() + "\n";
        String tmp = marker + ".tmp";
        ctx.require("write freeze marker", "mkdir -p " + ShellQuote.quote(b.cutoverDir()) + " && printf '%s' "
                + ShellQuote.quote(content) + " > " + ShellQuote.quote(tmp) + " && mv " + ShellQuote.quote(tmp) + " "
                + ShellQuote.quote(marker));
        ctx.fact("tag", tag);
        ctx.fact("ticketId", ticket.isEmpty() ? null : ticket);
    }

    static String readMarker(StepContext ctx, String marker) {
        return ctx.run("read freeze marker", readMarkerScript(marker)).stdout();
    }

    static String readMarkerScript(String marker) {
        String q = ShellQuote.quote(marker);
        return "if [ -f " + q + " ]; then cat " + q + "; fi";
    }

    static String markerField(String content, String key) {
        Map<String, String> fields = new LinkedHashMap<>();
        if (content != null) {
            for (String line : content.split("\\R")) {
                int eq = line.indexOf('=');
                if (eq > 0) {
                    fields.putIfAbsent(line.substring(0, eq).trim(), line.substring(eq + 1).trim());
                }
            }
        }
        String v = fields.get(key);
        return v == null || v.isEmpty() ? null : v;
    }
}
