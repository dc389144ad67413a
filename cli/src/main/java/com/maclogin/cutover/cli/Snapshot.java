package com.maclogin.cutover.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Instant;
import java.util.Iterator;
import java.util.Map;
import java.util.Objects;

/**
 * What {@code watch} compares between two polls, and how one change is printed. A cutover's key is its state, epoch,
 * current step with the attempt and outcome of that step's latest row, and the number of breaches in its audit trail;
 * a fleet's is its state, current wave, counts and budget.
 *
 * <p>Stable JSON of one event ({@code --json}, one object per line), field names documented in the README:
 * cutover: {@code event} ("cutover"), {@code at}, {@code id}, {@code leaseId}, {@code state}, {@code epoch},
 * {@code step}, {@code stepAttempt}, {@code stepOutcome}, {@code breaches}, {@code lastBreach}, {@code reason},
 * {@code final}, {@code exitCode} (on the final event only); fleet: {@code event} ("fleet"), {@code at}, {@code id},
 * {@code state}, {@code wave}, {@code waveName}, {@code counts}, {@code budget}, {@code next}, {@code final},
 * {@code exitCode}. Absent values are JSON null, so every event of a kind has the same fields.
 */
public record Snapshot(String kind, String id, String leaseId, String state, Long epoch, String step, Integer stepAttempt,
        String stepOutcome, int breaches, String lastBreach, String reason, Integer wave, String waveName,
        JsonNode counts, JsonNode budget, JsonNode next) {

    public static Snapshot ofCutover(JsonNode c) {
        String step = text(c, "currentStep");
        Integer attempt = null;
        String outcome = null;
        for (JsonNode s : c.path("steps")) {
            if (step != null && step.equals(s.path("kind").asText())) {
                attempt = s.path("attempt").asInt();
                outcome = s.hasNonNull("outcome") ? s.path("outcome").asText() : text(s, "state");
            }
        }
        int breaches = 0;
        String lastBreach = null;
        for (JsonNode a : c.path("audit")) {
            if ("BREACH".equals(a.path("action").asText())) {
                breaches++;
                lastBreach = text(a, "detail");
            }
        }
        return new Snapshot("cutover", text(c, "id"), text(c, "leaseId"), text(c, "state"),
                c.hasNonNull("epoch") ? c.path("epoch").asLong() : null, step, attempt, outcome, breaches, lastBreach,
                text(c, "reason"), null, null, null, null, null);
    }

    public static Snapshot ofFleet(JsonNode f) {
        return new Snapshot("fleet", text(f, "id"), null, text(f, "state"), null, null, null, null, 0, null, null,
                f.hasNonNull("currentWave") ? f.path("currentWave").asInt() : null, text(f, "currentWaveName"),
                f.get("counts"), f.get("budget"), f.get("next"));
    }

    /** Whether {@code other} is a change worth an event (the {@code next} action's time alone is not). */
    public boolean changedFrom(Snapshot other) {
        if (other == null) {
            return true;
        }
        return !Objects.equals(state, other.state) || !Objects.equals(epoch, other.epoch)
                || !Objects.equals(step, other.step) || !Objects.equals(stepAttempt, other.stepAttempt)
                || !Objects.equals(stepOutcome, other.stepOutcome) || breaches != other.breaches
                || !Objects.equals(wave, other.wave) || !Objects.equals(counts, other.counts)
                || !Objects.equals(budget, other.budget)
                || !Objects.equals(next == null ? null : next.get("action"), other.next == null ? null : other.next.get("action"));
    }

    /** One line: {@code 2026-12-05T10:00:01Z hk-5 RUNNING step SNAPSHOT#1 SUCCEEDED epoch 1 breaches 0}. */
    public String line(Instant at) {
        StringBuilder b = new StringBuilder().append(at).append(' ');
        if ("fleet".equals(kind)) {
            b.append("fleet ").append(id).append(' ').append(state);
            if (wave != null) {
                b.append(" wave ").append(wave).append(waveName == null ? "" : " (" + waveName + ")");
            }
            if (counts != null && counts.size() > 0) {
                b.append(" counts ").append(compact(counts));
            }
            if (budget != null) {
                b.append(" budget ").append(budget.path("totalUsed").asInt()).append('/').append(budget.path("totalAllowed").asInt());
            }
            if (next != null && next.hasNonNull("action")) {
                b.append(" next ").append(next.path("action").asText());
            }
            return b.toString();
        }
        b.append(leaseId == null ? id : leaseId).append(' ').append(state);
        if (step != null) {
            b.append(" step ").append(step).append(stepAttempt == null ? "" : "#" + stepAttempt)
                    .append(stepOutcome == null ? "" : " " + stepOutcome);
        }
        if (epoch != null) {
            b.append(" epoch ").append(epoch);
        }
        b.append(" breaches ").append(breaches);
        if (lastBreach != null && breaches > 0) {
            b.append(" (last: ").append(lastBreach).append(')');
        }
        if (reason != null && isEndState()) {
            b.append(" reason: ").append(reason);
        }
        return b.toString();
    }

    private boolean isEndState() {
        return ExitCodes.forCutoverState(state, true) != null;
    }

    /** The stable JSON event (see the class comment). */
    public ObjectNode json(Instant at, Integer exitCode) {
        JsonNodeFactory f = JsonNodeFactory.instance;
        ObjectNode o = f.objectNode();
        o.put("event", kind);
        o.put("at", at.toString());
        o.put("id", id);
        if ("fleet".equals(kind)) {
            o.put("state", state);
            o.put("wave", wave);
            o.put("waveName", waveName);
            o.set("counts", counts == null ? f.nullNode() : counts);
            o.set("budget", budget == null ? f.nullNode() : budget);
            o.set("next", next == null ? f.nullNode() : next);
        } else {
            o.put("leaseId", leaseId);
            o.put("state", state);
            o.put("epoch", epoch);
            o.put("step", step);
            o.put("stepAttempt", stepAttempt);
            o.put("stepOutcome", stepOutcome);
            o.put("breaches", breaches);
            o.put("lastBreach", lastBreach);
            o.put("reason", reason);
        }
        o.put("final", exitCode != null);
        o.put("exitCode", exitCode);
        return o;
    }

    private static String compact(JsonNode counts) {
        StringBuilder b = new StringBuilder();
        for (Iterator<Map.Entry<String, JsonNode>> it = counts.fields(); it.hasNext();) {
            Map.Entry<String, JsonNode> e = it.next();
            b.append(b.length() == 0 ? "" : ",").append(e.getKey()).append('=').append(e.getValue().asText());
        }
        return b.toString();
    }

    private static String text(JsonNode n, String field) {
        JsonNode v = n.get(field);
        return v == null || v.isNull() ? null : v.asText();
    }
}
