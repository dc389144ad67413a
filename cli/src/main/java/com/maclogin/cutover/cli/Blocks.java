package com.maclogin.cutover.cli;

import com.fasterxml.jackson.databind.JsonNode;

/** The block {@code watch} redraws in place on a terminal, and {@code status} prints: header, steps, breaches. */
final class Blocks {

    private Blocks() {
    }

    static String cutover(JsonNode c) {
        StringBuilder b = new StringBuilder();
        b.append("cutover ").append(c.path("id").asText()).append("  lease ").append(c.path("leaseId").asText())
                .append(" (").append(c.path("region").asText()).append(")  ")
                .append(c.hasNonNull("previousVersion") ? c.path("previousVersion").asText() : "?").append(" -> ")
                .append(c.path("candidateVersion").asText()).append("  ticket ").append(c.path("ticketId").asText())
                .append('\n');
        b.append("state ").append(c.path("state").asText()).append("  epoch ").append(c.path("epoch").asText());
        if (c.hasNonNull("reason")) {
            b.append("  reason: ").append(c.path("reason").asText());
        }
        b.append('\n');
        for (JsonNode s : c.path("steps")) {
            String outcome = s.hasNonNull("outcome") ? s.path("outcome").asText() : s.path("state").asText();
            b.append(String.format("  %-18s #%d  %-10s %8s", s.path("kind").asText(), s.path("attempt").asInt(), outcome,
                    s.hasNonNull("durationMillis") ? s.path("durationMillis").asLong() + " ms" : ""));
            if (s.hasNonNull("reason")) {
                b.append("  ").append(s.path("reason").asText());
            }
            b.append('\n');
        }
        for (JsonNode a : c.path("audit")) {
            if ("BREACH".equals(a.path("action").asText())) {
                b.append("  breach ").append(a.path("at").asText()).append(": ").append(a.path("detail").asText()).append('\n');
            }
        }
        return b.toString().stripTrailing();
    }

    static String fleet(JsonNode f) {
        StringBuilder b = new StringBuilder();
        b.append("fleet ").append(f.path("id").asText()).append("  ").append(f.path("candidateVersion").asText())
                .append("  ticket ").append(f.path("ticketId").asText()).append('\n');
        b.append("state ").append(f.path("state").asText());
        if (f.hasNonNull("currentWave")) {
            b.append("  wave ").append(f.path("currentWave").asInt()).append(" ").append(f.path("currentWaveName").asText(""));
        }
        b.append('\n');
        for (JsonNode w : f.path("waves")) {
            b.append(String.format("  wave %-2d %-12s %-12s %s%n", w.path("index").asInt(), w.path("name").asText(),
                    w.path("state").asText(), w.path("leaseIds").toString()));
        }
        for (JsonNode l : f.path("leases")) {
            b.append(String.format("  %-12s wave %-2d %-14s %s%n", l.path("leaseId").asText(), l.path("wave").asInt(),
                    l.hasNonNull("cutoverState") ? l.path("cutoverState").asText() : "-",
                    l.hasNonNull("outcome") ? l.path("outcome").asText() : ""));
        }
        return b.toString().stripTrailing();
    }
}
