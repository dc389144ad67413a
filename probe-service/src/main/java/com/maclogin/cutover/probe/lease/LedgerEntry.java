package com.maclogin.cutover.probe.lease;

import com.fasterxml.jackson.core.type.TypeReference;
import com.maclogin.cutover.contracts.Json;
import com.maclogin.cutover.contracts.StepKind;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * One line of the lease's ledger {@code $HOME/.openclaw-cutover/ledger}, appended after a mutating step
 * succeeded: {@code v1 <idempotencyKey> <epoch> <kind> <resultMessageId> <base64url(JSON {reason, facts})>}.
 * A worker that lost its memory (restart, another instance) answers a re-delivered command from it.
 */
public record LedgerEntry(String idempotencyKey, long epoch, StepKind kind, String resultMessageId, String reason,
        Map<String, String> facts) {

    private static final String VERSION = "v1";
    /** A result message id: a UUID, or at least something of that alphabet and length. */
    private static final Pattern MESSAGE_ID = Pattern.compile("[A-Za-z0-9-]{1,64}");
    /** Limits of one line's body: what this worker writes stays far below them. */
    static final int MAX_FACTS = 256;
    static final int MAX_FACT_NAME = 128;
    static final int MAX_FACT_VALUE = 4096;
    static final int MAX_REASON = 2048;
    /** Longest line {@link #parseAll(String)} accepts. */
    public static final int DEFAULT_MAX_LINE_BYTES = 65_536;

    /** The entries read from a ledger, and how many non-empty lines were skipped (too long, malformed, torn). */
    public record Read(List<LedgerEntry> entries, int skipped) {
    }

    /**
     * An entry within the limits {@link #read} validates: long fact values and the reason are cut with a marker,
     * facts past {@link #MAX_FACTS} left out, then facts dropped from the end until the line is at most
     * {@code maxLineBytes} long.
     */
    public static LedgerEntry bounded(String idempotencyKey, long epoch, StepKind kind, String resultMessageId,
            String reason, Map<String, String> facts, int maxLineBytes) {
        Map<String, String> kept = new LinkedHashMap<>();
        for (Map.Entry<String, String> f : facts.entrySet()) {
            if (kept.size() == MAX_FACTS) {
                break;
            }
            if (f.getKey().length() <= MAX_FACT_NAME) {
                kept.put(f.getKey(), cut(f.getValue(), MAX_FACT_VALUE));
            }
        }
        LedgerEntry e = new LedgerEntry(idempotencyKey, epoch, kind, resultMessageId, cut(reason, MAX_REASON), kept);
        while (e.toLine().length() > maxLineBytes && !kept.isEmpty()) {
            String last = null;
            for (String k : kept.keySet()) {
                last = k;
            }
            kept.remove(last);
            e = new LedgerEntry(idempotencyKey, epoch, kind, resultMessageId, e.reason(), kept);
        }
        return e;
    }

    private static String cut(String s, int max) {
        if (s == null || s.length() <= max) {
            return s;
        }
        String marker = "…[truncated " + (s.length() - (max - 40)) + " chars]";
        return s.substring(0, max - 40) + marker;
    }

    public String toLine() {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("reason", reason);
        body.put("facts", facts);
        String payload = Base64.getUrlEncoder().withoutPadding()
                .encodeToString(Json.write(body).getBytes(StandardCharsets.UTF_8));
        return String.join(" ", VERSION, idempotencyKey, Long.toString(epoch), kind.name(), resultMessageId, payload);
    }

    /** Parses every well-formed line; a torn last line (crash while appending) is skipped. */
    public static List<LedgerEntry> parseAll(String content) {
        return read(content, DEFAULT_MAX_LINE_BYTES).entries();
    }

    /**
     * Reads the ledger, validating every line: at most {@code maxLineBytes} long, six fields, version {@code v1}, a
     * well-formed idempotency key, epoch, step kind and message id, a base64url JSON body with a reason and facts
     * within the limits above. A line that fails any of these is skipped and counted, never used.
     */
    public static Read read(String content, int maxLineBytes) {
        List<LedgerEntry> out = new ArrayList<>();
        int skipped = 0;
        if (content == null) {
            return new Read(out, 0);
        }
        for (String raw : content.split("\\R")) {
            String line = raw.trim();
            if (line.isEmpty()) {
                continue;
            }
            LedgerEntry e = line.length() > maxLineBytes ? null : parseLine(line);
            if (e == null) {
                skipped++;
            } else {
                out.add(e);
            }
        }
        return new Read(out, skipped);
    }

    private static LedgerEntry parseLine(String line) {
        String[] f = line.split(" ");
        if (f.length != 6 || !VERSION.equals(f[0]) || LeasePaths.checkIdempotencyKey(f[1]) != null
                || !MESSAGE_ID.matcher(f[4]).matches()) {
            return null;
        }
        try {
            Map<String, Object> body = Json.MAPPER.readValue(Base64.getUrlDecoder().decode(f[5]),
                    new TypeReference<Map<String, Object>>() {
                    });
            Map<String, String> facts = new LinkedHashMap<>();
            Object rawFacts = body.get("facts");
            if (rawFacts != null && !(rawFacts instanceof Map<?, ?>)) {
                return null;
            }
            if (rawFacts instanceof Map<?, ?> m) {
                if (m.size() > MAX_FACTS) {
                    return null;
                }
                for (Map.Entry<?, ?> fact : m.entrySet()) {
                    String name = String.valueOf(fact.getKey());
                    Object v = fact.getValue();
                    if (v instanceof Map<?, ?> || v instanceof List<?> || name.length() > MAX_FACT_NAME
                            || (v != null && String.valueOf(v).length() > MAX_FACT_VALUE)) {
                        return null;
                    }
                    facts.put(name, v == null ? null : String.valueOf(v));
                }
            }
            Object reason = body.get("reason");
            if (reason != null && (!(reason instanceof String r) || r.length() > MAX_REASON)) {
                return null;
            }
            return new LedgerEntry(f[1], Long.parseLong(f[2]), StepKind.valueOf(f[3]), f[4], (String) reason, facts);
        } catch (RuntimeException | IOException e) {
            return null; // torn or foreign line
        }
    }
}
