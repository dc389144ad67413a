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

/**
 * One line of the lease's ledger {@code $HOME/.openclaw-cutover/ledger}, appended after a mutating step
 * succeeded: {@code v1 <idempotencyKey> <epoch> <kind> <resultMessageId> <base64url(JSON {reason, facts})>}.
 * A worker that lost its memory (restart, another instance) answers a re-delivered command from it.
 */
public record LedgerEntry(String idempotencyKey, long epoch, StepKind kind, String resultMessageId, String reason,
        Map<String, String> facts) {

    private static final String VERSION = "v1";

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
        List<LedgerEntry> out = new ArrayList<>();
        if (content == null) {
            return out;
        }
        for (String line : content.split("\\R")) {
            String[] f = line.trim().split(" ");
            if (f.length != 6 || !VERSION.equals(f[0])) {
                continue;
            }
            try {
                Map<String, Object> body = Json.MAPPER.readValue(Base64.getUrlDecoder().decode(f[5]),
                        new TypeReference<Map<String, Object>>() {
                        });
                Map<String, String> facts = new LinkedHashMap<>();
                Object rawFacts = body.get("facts");
                if (rawFacts instanceof Map<?, ?> m) {
                    m.forEach((k, v) -> facts.put(String.valueOf(k), v == null ? null : String.valueOf(v)));
                }
                Object reason = body.get("reason");
                out.add(new LedgerEntry(f[1], Long.parseLong(f[2]), StepKind.valueOf(f[3]), f[4],
                        reason == null ? null : reason.toString(), facts));
            } catch (RuntimeException | IOException e) {
                // torn or foreign line: ignore
            }
        }
        return out;
    }
}
