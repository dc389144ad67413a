package com.maclogin.cutover.orchestrator.report;

import com.maclogin.cutover.contracts.Evidence;
import com.maclogin.cutover.orchestrator.api.AuditView;
import com.maclogin.cutover.orchestrator.api.Operator;
import com.maclogin.cutover.orchestrator.api.StepView;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The report as ONE self-contained HTML page: inline CSS, the charts as inline SVG, no script and no external URL.
 * Every value is escaped with {@link Html#escape}: lease names, reasons, evidence output and audit details come from
 * leases, workers and requests.
 */
public final class ReportHtml {

    private static final String CSS = """
            body{font-family:-apple-system,Segoe UI,Helvetica,Arial,sans-serif;margin:24px;color:#222;max-width:1100px}
            h1{font-size:22px;margin-bottom:4px}h2{font-size:17px;border-bottom:1px solid #ddd;padding-bottom:4px;margin-top:28px}
            table{border-collapse:collapse;width:100%;font-size:13px}th,td{border:1px solid #ddd;padding:4px 6px;text-align:left;vertical-align:top;overflow-wrap:anywhere}
            th{background:#f4f4f4}.k{width:190px;background:#fafafa;font-weight:600}
            .PASSED,.SUCCEEDED,.GREEN,.MATCH{color:#1b5e20;font-weight:600}
            .FAILED,.MISMATCH,.ROLLBACK_FAILED,.TIMED_OUT{color:#b71c1c;font-weight:600}
            .ROLLED_BACK,.ABORTED,.PAUSED,.EXPECTED_ONLY,.OBSERVED_ONLY{color:#8d6e00;font-weight:600}
            pre{background:#f7f7f7;border:1px solid #e2e2e2;padding:6px;white-space:pre-wrap;word-break:break-all;font-size:12px;margin:2px 0}
            details{margin:2px 0}summary{cursor:pointer}.charts svg{border:1px solid #ddd;margin:6px 0;display:block}
            .note{color:#555;font-size:12px}code{font-size:12px}
            """;

    private ReportHtml() {
    }

    public static String render(CutoverReport r) {
        CutoverReport.Header h = r.cutover();
        StringBuilder b = new StringBuilder(32_768);
        b.append("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">")
                .append("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">")
                .append("<title>Cutover report ").append(e(h.leaseId())).append(' ').append(e(h.candidateVersion()))
                .append(" (").append(e(h.id())).append(")</title><style>").append(CSS).append("</style></head><body>\n");
        b.append("<h1>Cutover report: ").append(e(h.leaseId())).append(" ").append(e(h.previousVersion()))
                .append(" &rarr; ").append(e(h.candidateVersion())).append(" <span class=\"").append(e(h.state()))
                .append("\">").append(e(h.state())).append("</span></h1>\n");
        b.append("<p class=\"note\">Generated ").append(e(r.generatedAt())).append(" by orchestrator-service, report version ")
                .append(r.reportVersion()).append(". The same content as JSON: <code>GET /api/v1/cutovers/")
                .append(e(h.id())).append("/report</code> with <code>Accept: application/json</code>.</p>\n");
        header(b, h);
        gates(b, r.gates());
        steps(b, r.steps());
        charts(b, r);
        plistDiff(b, r.plistDiff());
        hashes(b, r.hashes());
        audit(b, r.audit());
        b.append("</body></html>\n");
        return b.toString();
    }

    private static void header(StringBuilder b, CutoverReport.Header h) {
        b.append("<h2>Cutover</h2><table id=\"header\">");
        row(b, "Cutover id", h.id());
        row(b, "Lease", h.leaseId() + (h.leaseHost() == null ? "" : " (" + h.leaseHost() + ")")
                + (h.leaseStage() == null ? "" : ", " + h.leaseStage()));
        row(b, "Region", h.region());
        row(b, "Versions", (h.previousVersion() == null ? "(unknown)" : h.previousVersion()) + " -> " + h.candidateVersion()
                + (h.candidateSha256() == null ? "" : " (tarball sha256 " + h.candidateSha256() + ")"));
        b.append("<tr><td class=\"k\">State</td><td><span class=\"").append(e(h.state())).append("\">").append(e(h.state()))
                .append("</span>").append(h.reason() == null ? "" : ": " + e(h.reason())).append("</td></tr>");
        row(b, "Ticket", h.ticketId());
        row(b, "Requested by", h.requestedBy());
        row(b, "Rollback owner", h.rollbackOwner());
        if (h.operators() != null) {
            StringBuilder ops = new StringBuilder();
            for (Operator o : h.operators()) {
                ops.append(ops.length() == 0 ? "" : "; ").append(o.name()).append(" (").append(o.timeZone()).append(')')
                        .append(o.isRollbackOwner() ? ", rollback owner" : "");
            }
            row(b, "Operators", ops.toString());
        }
        if (h.blastRadius() != null) {
            row(b, "Blast radius", "channels " + h.blastRadius().channels() + ", models " + h.blastRadius().models()
                    + ", cron " + h.blastRadius().cronSchedules());
        }
        if (h.fleetId() != null) {
            row(b, "Fleet", h.fleetId() + " wave " + h.wave());
        }
        row(b, "Created", h.createdAt());
        row(b, "Started", h.startedAt());
        row(b, "Ended", h.endedAt());
        row(b, "Duration", h.durationSeconds() == null ? "(still active)" : h.durationSeconds() + " s");
        if (h.validation() != null) {
            row(b, "Validation", "window " + h.validation().windowSeconds() + " s, probe interval "
                    + h.validation().intervalMillis() + " ms, thresholds " + h.validation().thresholds() + ", actions "
                    + (h.validation().actions() == null ? "{}" : new TreeMap<>(h.validation().actions())));
        }
        b.append("</table>\n");
    }

    private static void gates(StringBuilder b, List<CutoverReport.GateResult> gates) {
        b.append("<h2>Gates</h2>");
        if (gates.isEmpty()) {
            b.append("<p class=\"note\">No gate was checked (the cutover ended before its inventory was judged).</p>\n");
            return;
        }
        b.append("<table id=\"gates\"><tr><th>Gate</th><th>Verdict</th><th>Reason</th><th>Checked on</th><th>Facts</th></tr>");
        for (CutoverReport.GateResult g : gates) {
            b.append("<tr><td>").append(e(g.gate())).append("</td><td class=\"").append(e(g.verdict())).append("\">")
                    .append(e(g.verdict())).append("</td><td>").append(e(g.reason())).append("</td><td>")
                    .append(e(g.step())).append(" attempt ").append(g.attempt()).append("</td><td>")
                    .append(g.facts() == null ? "" : e(new TreeMap<>(g.facts()))).append("</td></tr>");
        }
        b.append("</table>\n");
    }

    private static void steps(StringBuilder b, List<StepView> steps) {
        b.append("<h2>Steps</h2>");
        if (steps.isEmpty()) {
            b.append("<p class=\"note\">No step was sent.</p>\n");
            return;
        }
        b.append("<table id=\"steps\"><tr><th>Step</th><th>Outcome</th><th>Started</th><th>Ended</th><th>Duration</th>")
                .append("<th>Worker</th><th>Reason, facts and evidence</th></tr>");
        for (StepView s : steps) {
            String outcome = s.outcome() != null ? s.outcome().name() : s.state();
            b.append("<tr><td>").append(e(s.kind())).append(" #").append(s.attempt()).append(" (epoch ").append(s.epoch())
                    .append(")</td><td class=\"").append(e(outcome)).append("\">").append(e(outcome)).append("</td><td>")
                    .append(e(s.startedAt())).append("</td><td>").append(e(s.endedAt())).append("</td><td>")
                    .append(s.durationMillis() == null ? "" : s.durationMillis() + " ms").append("</td><td>")
                    .append(e(s.workerId())).append("</td><td>");
            if (s.reason() != null) {
                b.append("<div>").append(e(s.reason())).append("</div>");
            }
            if (s.facts() != null && !s.facts().isEmpty()) {
                b.append("<details><summary>facts (").append(s.facts().size()).append(")</summary><pre>");
                for (Map.Entry<String, String> f : new TreeMap<>(s.facts()).entrySet()) {
                    b.append(e(f.getKey())).append(" = ").append(e(f.getValue())).append('\n');
                }
                b.append("</pre></details>");
            }
            if (s.evidence() != null) {
                for (Evidence ev : s.evidence()) {
                    b.append("<details><summary>").append(e(ev.name()))
                            .append(ev.exitCode() == null ? "" : " (exit " + ev.exitCode() + ")").append("</summary>");
                    if (ev.command() != null) {
                        b.append("<pre>$ ").append(e(ev.command())).append("</pre>");
                    }
                    b.append("<pre>").append(e(ev.output())).append("</pre></details>");
                }
            }
            b.append("</td></tr>");
        }
        b.append("</table>\n");
    }

    private static void charts(StringBuilder b, CutoverReport r) {
        b.append("<h2>Validation probes</h2><p class=\"note\">").append(r.probeResults())
                .append(" stored probe results; the lines are the cutover's rollback triggers.</p><div class=\"charts\">");
        for (Chart c : r.charts()) {
            b.append(SvgChart.render(c)).append("<p class=\"note\">").append(e(c.note())).append("</p>\n");
        }
        b.append("</div>\n");
    }

    private static void plistDiff(StringBuilder b, CutoverReport.PlistDiff d) {
        b.append("<h2>Plist diff</h2>");
        if (d.shown()) {
            b.append("<p class=\"note\">").append(e(d.source())).append("</p><pre id=\"plist-diff\">").append(e(d.text()))
                    .append("</pre>\n");
        } else {
            b.append("<p class=\"note\" id=\"plist-diff\">").append(e(d.note())).append("</p>\n");
        }
    }

    private static void hashes(StringBuilder b, List<CutoverReport.HashCheck> hashes) {
        b.append("<h2>Hashes</h2>");
        if (hashes.isEmpty()) {
            b.append("<p class=\"note\">No hash was recorded.</p>\n");
            return;
        }
        b.append("<table id=\"hashes\"><tr><th>What</th><th>Expected</th><th>Observed</th><th>Status</th></tr>");
        for (CutoverReport.HashCheck x : hashes) {
            b.append("<tr><td>").append(e(x.name())).append("</td><td><code>").append(e(x.expected()))
                    .append("</code><div class=\"note\">").append(e(x.expectedFrom())).append("</div></td><td><code>")
                    .append(e(x.observed())).append("</code><div class=\"note\">").append(e(x.observedFrom()))
                    .append("</div></td><td class=\"").append(e(x.status())).append("\">").append(e(x.status()))
                    .append("</td></tr>");
        }
        b.append("</table>\n");
    }

    private static void audit(StringBuilder b, List<AuditView> audit) {
        b.append("<h2>Audit trail</h2><table id=\"audit\"><tr><th>At</th><th>Actor</th><th>Action</th><th>Detail</th>")
                .append("<th>Evidence</th></tr>");
        for (AuditView a : audit) {
            b.append("<tr><td>").append(e(a.at())).append("</td><td>").append(e(a.actor())).append("</td><td>")
                    .append(e(a.action())).append("</td><td>").append(e(a.detail())).append("</td><td>")
                    .append(e(a.evidenceRef())).append("</td></tr>");
        }
        b.append("</table>\n");
    }

    private static void row(StringBuilder b, String key, Object value) {
        b.append("<tr><td class=\"k\">").append(e(key)).append("</td><td>").append(e(value)).append("</td></tr>");
    }

    private static String e(Object o) {
        if (o instanceof Instant i) {
            return Html.escape(i.toString());
        }
        return Html.escape(o);
    }
}
