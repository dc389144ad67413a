package com.maclogin.cutover.orchestrator.report;

import com.fasterxml.jackson.core.type.TypeReference;
import com.maclogin.cutover.contracts.Evidence;
import com.maclogin.cutover.contracts.Json;
import com.maclogin.cutover.contracts.StepFacts;
import com.maclogin.cutover.contracts.StepKind;
import com.maclogin.cutover.contracts.TriggerThresholds;
import com.maclogin.cutover.orchestrator.Reasons;
import com.maclogin.cutover.orchestrator.api.AuditView;
import com.maclogin.cutover.orchestrator.api.CutoverView;
import com.maclogin.cutover.orchestrator.api.LeaseView;
import com.maclogin.cutover.orchestrator.api.ProbeResultView;
import com.maclogin.cutover.orchestrator.api.StepView;
import com.maclogin.cutover.orchestrator.saga.LatencyBaseline;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Builds a {@link CutoverReport} from what the API already shows (cutover view with steps and audit, lease, probes). */
public final class ReportAssembler {

    static final String GATE_PREFIX = "gate:";
    static final String DIFF_EVIDENCE = "diff -u";
    private static final TypeReference<Map<String, String>> FACTS = new TypeReference<>() {
    };

    private ReportAssembler() {
    }

    public static CutoverReport assemble(CutoverView c, LeaseView lease, List<ProbeResultView> probes, Instant now) {
        List<StepView> steps = c.steps() == null ? List.of() : c.steps();
        List<AuditView> audit = c.audit() == null ? List.of() : c.audit();
        TriggerThresholds t = c.validation() != null && c.validation().thresholds() != null ? c.validation().thresholds()
                : TriggerThresholds.playbook();
        Map<String, String> inventory = lastFacts(steps, StepKind.INVENTORY);
        Double chosen = chosenBaseline(steps);
        Double baseline = chosen != null ? chosen : number(inventory.get(StepFacts.BASELINE_P95_MILLIS));
        Long duration = c.createdAt() != null && c.endedAt() != null
                ? Duration.between(c.createdAt(), c.endedAt()).toSeconds() : null;
        CutoverReport.Header header = new CutoverReport.Header(c.id(), c.leaseId(), c.region(),
                lease == null ? null : lease.host(), lease == null || lease.stage() == null ? null : lease.stage().name(),
                c.state(), c.reason(), c.previousVersion(), c.candidateVersion(), c.candidateSha256(), c.ticketId(),
                c.requestedBy(), c.rollbackOwner(), c.operators(), c.blastRadius(), c.fleetId(), c.wave(), c.createdAt(),
                c.startedAt(), c.endedAt(), duration, c.validation());
        return new CutoverReport(CutoverReport.VERSION, now, header, gates(steps), steps,
                ReportCharts.charts(probes, t, baseline), probes.size(), plistDiff(steps), hashes(c, steps, audit), audit);
    }

    /** Every {@code gate:*} evidence of the steps, in order (the INVENTORY attempts the gates checked). */
    static List<CutoverReport.GateResult> gates(List<StepView> steps) {
        List<CutoverReport.GateResult> out = new ArrayList<>();
        for (StepView s : steps) {
            for (Evidence e : s.evidence() == null ? List.<Evidence>of() : s.evidence()) {
                if (e.name() == null || !e.name().startsWith(GATE_PREFIX)) {
                    continue;
                }
                String output = e.output() == null ? "" : e.output();
                int nl = output.indexOf('\n');
                String first = nl < 0 ? output : output.substring(0, nl);
                int colon = first.indexOf(':');
                String verdict = colon < 0 ? (Integer.valueOf(0).equals(e.exitCode()) ? "PASSED" : "FAILED")
                        : first.substring(0, colon).trim();
                String reason = colon < 0 ? first : first.substring(colon + 1).trim();
                Map<String, String> facts = null;
                if (nl >= 0) {
                    try {
                        facts = Json.MAPPER.readValue(output.substring(nl + 1), FACTS);
                    } catch (Exception ex) {
                        facts = null;
                    }
                }
                out.add(new CutoverReport.GateResult(e.name().substring(GATE_PREFIX.length()), verdict, reason,
                        s.kind(), s.attempt(), facts));
            }
        }
        return out;
    }

    /** The last FLIP_PLIST attempt's {@code diff -u} evidence, or why there is none. */
    static CutoverReport.PlistDiff plistDiff(List<StepView> steps) {
        StepView flip = null;
        Evidence diff = null;
        for (StepView s : steps) {
            if (StepKind.FLIP_PLIST.name().equals(s.kind())) {
                flip = s;
                for (Evidence e : s.evidence() == null ? List.<Evidence>of() : s.evidence()) {
                    if (DIFF_EVIDENCE.equals(e.name())) {
                        diff = e;
                    }
                }
            }
        }
        if (diff != null) {
            return new CutoverReport.PlistDiff(true, "FLIP_PLIST evidence '" + DIFF_EVIDENCE + "'"
                    + (diff.command() == null ? "" : ": " + diff.command()), diff.output() == null ? "" : diff.output(),
                    null);
        }
        if (flip == null) {
            return new CutoverReport.PlistDiff(false, null, null,
                    "no plist diff: the cutover did not reach FLIP_PLIST, so the plist was not changed");
        }
        return new CutoverReport.PlistDiff(false, null, null, "no plist diff recorded: FLIP_PLIST (attempt "
                + flip.attempt() + ", " + flip.outcome() + (flip.reason() == null ? "" : ": " + flip.reason())
                + ") kept no 'diff -u' evidence; its facts (new plist hash) are in the steps and hashes");
    }

    static List<CutoverReport.HashCheck> hashes(CutoverView c, List<StepView> steps, List<AuditView> audit) {
        Map<String, String> inventory = lastFacts(steps, StepKind.INVENTORY);
        Map<String, String> snapshot = lastFacts(steps, StepKind.SNAPSHOT);
        Map<String, String> install = lastFacts(steps, StepKind.INSTALL_CANDIDATE);
        Map<String, String> flip = lastFacts(steps, StepKind.FLIP_PLIST);
        String rollbackOutcome = null;
        for (AuditView a : audit) {
            if (Reasons.ROLLBACK_OUTCOME.equals(a.action())) {
                rollbackOutcome = a.detail();
            }
        }
        String restoreNote = rollbackOutcome == null
                ? "RESTORE (by rollback-service) checks it against this value when the cutover is rolled back"
                : "RESTORE by rollback-service checked it; its outcome: " + rollbackOutcome;
        List<CutoverReport.HashCheck> out = new ArrayList<>();
        add(out, "plist kit copy", inventory.get(StepFacts.PLIST_SHA256), "INVENTORY plistSha256",
                snapshot.get(StepFacts.PLIST_BACKUP_SHA256), "SNAPSHOT plistBackupSha256");
        add(out, "plist to restore", inventory.get(StepFacts.PLIST_SHA256), "INVENTORY plistSha256", null, restoreNote);
        add(out, "package tree to restore", inventory.get(StepFacts.PACKAGE_SHA256), "INVENTORY packageSha256", null,
                restoreNote);
        add(out, "state archive to restore", snapshot.get(StepFacts.STATE_ARCHIVE_SHA256),
                "SNAPSHOT stateArchiveSha256", null, restoreNote);
        add(out, "package archive in the kit", null, null, snapshot.get(StepFacts.PACKAGE_ARCHIVE_SHA256),
                "SNAPSHOT packageArchiveSha256");
        add(out, "candidate tarball", c.candidateSha256(), "request candidateSha256",
                install.get(StepFacts.CANDIDATE_TARBALL_SHA256), "INSTALL_CANDIDATE candidateTarballSha256");
        add(out, "candidate package tree", null, null, install.get(StepFacts.CANDIDATE_PACKAGE_SHA256),
                "INSTALL_CANDIDATE candidatePackageSha256");
        add(out, "new plist", null, null, flip.get("newPlistSha256"), "FLIP_PLIST newPlistSha256");
        return out;
    }

    private static void add(List<CutoverReport.HashCheck> out, String name, String expected, String expectedFrom,
            String observed, String observedFrom) {
        if (expected == null && observed == null) {
            return;
        }
        String status;
        if (expected != null && observed != null) {
            status = expected.equalsIgnoreCase(observed) ? "MATCH" : "MISMATCH";
        } else {
            status = expected != null ? "EXPECTED_ONLY" : "OBSERVED_ONLY";
        }
        out.add(new CutoverReport.HashCheck(name, expected, expected == null ? null : expectedFrom, observed,
                observedFrom, status));
    }

    /** The facts of the last step of a kind that recorded any (later attempts win key by key). */
    /**
     * The LATENCY baseline the VALIDATE plan carried ({@code baseline:LATENCY} evidence on the VALIDATE step: the
     * watch's rolling P95 or INVENTORY's), or null for a cutover that never reached VALIDATE or predates it.
     */
    static Double chosenBaseline(List<StepView> steps) {
        Double chosen = null;
        for (StepView s : steps) {
            for (Evidence e : s.evidence() == null ? List.<Evidence>of() : s.evidence()) {
                if (LatencyBaseline.EVIDENCE.equals(e.name()) && e.output() != null && e.output().indexOf('\n') >= 0) {
                    try {
                        Map<String, String> facts = Json.MAPPER.readValue(
                                e.output().substring(e.output().indexOf('\n') + 1), FACTS);
                        chosen = number(facts.get("p95Millis"));
                    } catch (Exception ex) {
                        // unreadable: the INVENTORY value is shown instead
                    }
                }
            }
        }
        return chosen;
    }

    static Map<String, String> lastFacts(List<StepView> steps, StepKind kind) {
        Map<String, String> facts = new LinkedHashMap<>();
        for (StepView s : steps) {
            if (kind.name().equals(s.kind()) && s.facts() != null) {
                facts.putAll(s.facts());
            }
        }
        return facts;
    }

    private static Double number(String s) {
        if (s == null) {
            return null;
        }
        try {
            double d = Double.parseDouble(s.trim());
            return Double.isFinite(d) ? d : null;
        } catch (NumberFormatException e) {
            return null;
        }
    }
}
