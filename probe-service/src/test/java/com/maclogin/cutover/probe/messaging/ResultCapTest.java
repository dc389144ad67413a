package com.maclogin.cutover.probe.messaging;

import static org.assertj.core.api.Assertions.assertThat;

import com.maclogin.cutover.contracts.Evidence;
import com.maclogin.cutover.contracts.StepKind;
import com.maclogin.cutover.contracts.StepOutcome;
import com.maclogin.cutover.contracts.StepReport;
import com.maclogin.cutover.contracts.StepResult;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** A step result over the cap is cut down with visible markers before it is published; one under it is untouched. */
class ResultCapTest {

    static final int CAP = 64 * 1024;

    static StepResult result(Map<String, String> facts, List<Evidence> evidence, String reason) {
        return StepResult.builder().cutoverId("c-1").leaseId("hk-1").kind(StepKind.INVENTORY).attempt(1)
                .idempotencyKey("c-1:INVENTORY:1").commandMessageId("cmd-1").outcome(StepOutcome.SUCCEEDED)
                .reason(reason).facts(facts).evidence(evidence).report(StepReport.fromFacts(StepKind.INVENTORY, facts))
                .build();
    }

    @Test
    void aResultUnderTheCapIsPublishedAsItIs() {
        StepResult r = result(Map.of("plistSha256", "a".repeat(64)), List.of(Evidence.of("id -u", "id -u", 0, "501")), "ok");
        assertThat(ResultCap.cap(r, CAP)).isSameAs(r);
    }

    @Test
    void hugeFactsEvidenceAndReasonAreCutWithAMarkerAndHashesAndIdsAreKept() {
        Map<String, String> facts = new LinkedHashMap<>();
        facts.put("plistSha256", "a".repeat(64));
        facts.put("gatewayVersion", "2026.9.5");
        facts.put("ledgerDump", "x".repeat(5_000_000));
        List<Evidence> evidence = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            evidence.add(new Evidence("read " + i, "cat big", 0, "y".repeat(200_000), null));
        }
        StepResult r = result(facts, evidence, "z".repeat(100_000));

        StepResult capped = ResultCap.cap(r, CAP);

        assertThat(ResultCap.bytes(capped)).isLessThanOrEqualTo(CAP);
        assertThat(capped.messageId()).isEqualTo(r.messageId());
        assertThat(capped.commandMessageId()).isEqualTo("cmd-1");
        assertThat(capped.outcome()).isEqualTo(StepOutcome.SUCCEEDED);
        assertThat(capped.facts()).containsEntry("plistSha256", "a".repeat(64)).containsEntry("gatewayVersion", "2026.9.5");
        assertThat(capped.facts().get("ledgerDump")).matches("x+…\\[truncated \\d+ bytes]");
        assertThat(capped.reason()).contains("…[truncated ");
        assertThat(capped.evidence()).hasSize(20).allSatisfy(e -> assertThat(e.output()).contains("…[truncated "));
        assertThat(capped.report(StepReport.Inventory.class).plistSha256()).isEqualTo("a".repeat(64));
    }

    @Test
    void thousandsOfEntriesAreDroppedFromTheEndAndOneEvidenceEntrySaysHowMany() {
        List<Evidence> evidence = new ArrayList<>();
        for (int i = 0; i < 5_000; i++) {
            evidence.add(Evidence.of("cmd " + i, "echo " + i, 0, "output line " + i));
        }
        StepResult capped = ResultCap.cap(result(Map.of(), evidence, "ok"), CAP);

        assertThat(ResultCap.bytes(capped)).isLessThanOrEqualTo(CAP);
        Evidence last = capped.evidence().get(capped.evidence().size() - 1);
        assertThat(last.name()).isEqualTo("result truncated");
        assertThat(last.output()).startsWith("result over " + CAP + " bytes: ").contains("evidence entries");
        assertThat(capped.evidence().get(0).name()).isEqualTo("cmd 0");
    }

    @Test
    void theMarkerNamesTheBytesCut() {
        assertThat(ResultCap.cut("é".repeat(200), 128)).isEqualTo("é".repeat(128) + "…[truncated 144 bytes]");
        assertThat(ResultCap.cut("short", 128)).isEqualTo("short");
        assertThat(ResultCap.cut(null, 128)).isNull();
    }
}
