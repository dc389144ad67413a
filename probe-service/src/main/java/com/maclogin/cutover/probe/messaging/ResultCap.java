package com.maclogin.cutover.probe.messaging;

import com.maclogin.cutover.contracts.Evidence;
import com.maclogin.cutover.contracts.Json;
import com.maclogin.cutover.contracts.StepReport;
import com.maclogin.cutover.contracts.StepResult;
import com.maclogin.cutover.probe.ProbeReasons;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Keeps a step result under a size cap before it is published (a record over the broker's limit would fail, and
 * with it the step, again on every redelivery). A result over the cap gets its long texts (evidence output and
 * command, fact values, the reason) cut to a shrinking limit with a visible {@link ProbeReasons#TRUNCATED} marker;
 * if that is not enough (thousands of entries), evidence entries and then facts are dropped from the end and one
 * evidence entry says how many. Hashes (64 characters) are never cut. Pure function, tested as a table.
 */
public final class ResultCap {

    /** Texts up to this length are never cut (a sha256 is 64). */
    static final int MIN_LIMIT = 128;

    private ResultCap() {
    }

    public static int bytes(StepResult r) {
        return Json.write(r).getBytes(StandardCharsets.UTF_8).length;
    }

    /** {@code r} itself when it fits in {@code maxBytes}, else a copy cut down to fit. */
    public static StepResult cap(StepResult r, int maxBytes) {
        if (bytes(r) <= maxBytes) {
            return r;
        }
        StepResult cut = r;
        for (int limit = Math.max(MIN_LIMIT, maxBytes / 4); ; limit /= 2) {
            cut = shorten(r, Math.max(limit, MIN_LIMIT));
            if (bytes(cut) <= maxBytes || limit <= MIN_LIMIT) {
                break;
            }
        }
        if (bytes(cut) <= maxBytes) {
            return cut;
        }
        // too many entries: drop evidence, then facts, from the end (halving what is kept) until it fits
        List<Evidence> evidence = new ArrayList<>(cut.evidence() == null ? List.of() : cut.evidence());
        List<Map.Entry<String, String>> facts = new ArrayList<>(
                cut.facts() == null ? List.of() : cut.facts().entrySet());
        int evidenceTotal = evidence.size();
        int factsTotal = facts.size();
        StepResult fitted = cut;
        while (bytes(fitted) > maxBytes && (!evidence.isEmpty() || !facts.isEmpty())) {
            if (!evidence.isEmpty()) {
                evidence = new ArrayList<>(evidence.subList(0, evidence.size() / 2));
            } else {
                facts = new ArrayList<>(facts.subList(0, facts.size() / 2));
            }
            Map<String, String> keptFacts = new LinkedHashMap<>();
            facts.forEach(e -> keptFacts.put(e.getKey(), e.getValue()));
            List<Evidence> keptEvidence = new ArrayList<>(evidence);
            keptEvidence.add(new Evidence("result truncated", null, null, String.format(ProbeReasons.RESULT_TRUNCATED,
                    maxBytes, evidenceTotal - evidence.size(), factsTotal - facts.size()), null));
            fitted = cut.toBuilder().facts(keptFacts).evidence(keptEvidence)
                    .report(cut.report() == null ? null : StepReport.fromFacts(cut.kind(), keptFacts)).build();
        }
        return fitted;
    }

    private static StepResult shorten(StepResult r, int limit) {
        Map<String, String> facts = new LinkedHashMap<>();
        if (r.facts() != null) {
            r.facts().forEach((k, v) -> facts.put(cut(k, limit), cut(v, limit)));
        }
        List<Evidence> evidence = new ArrayList<>();
        if (r.evidence() != null) {
            for (Evidence e : r.evidence()) {
                evidence.add(e == null ? null : new Evidence(cut(e.name(), limit), cut(e.command(), limit),
                        e.exitCode(), cut(e.output(), limit), cut(e.sha256(), limit)));
            }
        }
        return r.toBuilder().reason(cut(r.reason(), limit)).facts(facts).evidence(evidence)
                .report(r.report() == null ? null : StepReport.fromFacts(r.kind(), facts)).build();
    }

    /** {@code s} cut to {@code limit} characters plus the marker naming how many bytes were cut. */
    static String cut(String s, int limit) {
        if (s == null || s.length() <= limit) {
            return s;
        }
        int keep = limit;
        if (Character.isHighSurrogate(s.charAt(keep - 1))) {
            keep--;
        }
        String kept = s.substring(0, keep);
        int removed = s.getBytes(StandardCharsets.UTF_8).length - kept.getBytes(StandardCharsets.UTF_8).length;
        return kept + String.format(ProbeReasons.TRUNCATED, removed);
    }
}
