package com.maclogin.cutover.probe.lease;

import static org.assertj.core.api.Assertions.assertThat;

import com.maclogin.cutover.contracts.Json;
import com.maclogin.cutover.contracts.StepKind;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Ledger lines read back from a lease are validated: a line too long or malformed is skipped and counted, never used. */
class LedgerValidationTest {

    static final String GOOD = new LedgerEntry("c-1:FREEZE:1", 1, StepKind.FREEZE, "8d6c1f3a-1111-2222-3333-444455556666",
            "frozen", Map.of("frozenBy", "c-1")).toLine();

    static String body(Object body) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(Json.write(body).getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void aFiveMegabyteLineAndGarbageLinesAreSkippedAndCountedAndTheGoodLineIsRead() {
        String huge = "v1 c-1:SNAPSHOT:1 1 SNAPSHOT 8d6c1f3a-aaaa " + body(Map.of("facts", Map.of("x", "y".repeat(5_000_000))));
        Map<String, Object> nested = new LinkedHashMap<>();
        nested.put("facts", Map.of("a", Map.of("b", "c")));
        String content = String.join("\n", huge, "garbage", "v1 a b c d e", "\u0000\u0001binary",
                "v1 c-1:RELOAD:1 1 RELOAD 8d6c1f3a-bbbb " + body(nested),
                "v1 ../../etc:RELOAD:1 1 RELOAD 8d6c1f3a-cccc " + body(Map.of("facts", Map.of())),
                "v1 c-1:RELOAD:1 1 RELOAD $(rm -rf ~) " + body(Map.of("facts", Map.of())),
                "v1 c-1:RELOAD:1 1 EXPLODE 8d6c1f3a-dddd " + body(Map.of("facts", Map.of())),
                "v1 c-1:RELOAD:1 1 RELOAD 8d6c1f3a-eeee " + body(Map.of("reason", Map.of("not", "text"))),
                "", GOOD, "v1 c-1:FREEZE:1 1 FREEZE 8d6c1f3a-ffff not-base64!");

        LedgerEntry.Read read = LedgerEntry.read(content, LedgerEntry.DEFAULT_MAX_LINE_BYTES);

        assertThat(read.entries()).extracting(LedgerEntry::idempotencyKey).containsExactly("c-1:FREEZE:1");
        assertThat(read.entries().get(0).facts()).containsEntry("frozenBy", "c-1");
        assertThat(read.skipped()).isEqualTo(10);
    }

    @Test
    void aLineOverTheConfiguredLengthIsSkippedEvenWhenWellFormed() {
        assertThat(LedgerEntry.read(GOOD, GOOD.length()).entries()).hasSize(1);
        LedgerEntry.Read read = LedgerEntry.read(GOOD, GOOD.length() - 1);
        assertThat(read.entries()).isEmpty();
        assertThat(read.skipped()).isEqualTo(1);
    }

    @Test
    void theWorkerWritesOnlyLinesItWillReadBackHugeFactsAreCutAndDroppedToFit() {
        Map<String, String> facts = new LinkedHashMap<>();
        facts.put("plistSha256", "a".repeat(64));
        facts.put("launchctlPrint", "z".repeat(100_000));
        for (int i = 0; i < 400; i++) {
            facts.put("f" + i, "v".repeat(200));
        }
        LedgerEntry bounded = LedgerEntry.bounded("c-1:SNAPSHOT:1", 1, StepKind.SNAPSHOT,
                "8d6c1f3a-1111-2222-3333-444455556666", "r".repeat(10_000), facts, 16_384);

        String line = bounded.toLine();
        assertThat(line.length()).isLessThanOrEqualTo(16_384);
        LedgerEntry.Read read = LedgerEntry.read(line, 16_384);
        assertThat(read.skipped()).isZero();
        assertThat(read.entries()).hasSize(1);
        LedgerEntry back = read.entries().get(0);
        assertThat(back.facts()).containsEntry("plistSha256", "a".repeat(64));
        assertThat(back.facts().get("launchctlPrint")).hasSizeLessThanOrEqualTo(LedgerEntry.MAX_FACT_VALUE)
                .endsWith("chars]").contains("…[truncated ");
        assertThat(back.reason()).hasSizeLessThanOrEqualTo(LedgerEntry.MAX_REASON);
    }
}
