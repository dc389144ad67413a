package com.maclogin.cutover.messaging;

import static org.assertj.core.api.Assertions.assertThat;

import com.maclogin.cutover.contracts.DeadLetterReason;
import com.maclogin.cutover.contracts.LeaseHealthEvent;
import com.maclogin.cutover.contracts.LeaseWatchReport;
import com.maclogin.cutover.contracts.StepResult;
import org.junit.jupiter.api.Test;

/**
 * Messages about a lease alone (issue 12: {@code LeaseWatchReport}, {@code LeaseHealthEvent}) have no cutover id: the
 * kit requires their lease id instead; a cutover's message still needs its cutover id. No broker (logging-only dead
 * letters).
 */
class LeaseScopedDecodeTest {

    final DeadLetters letters = DeadLetters.loggingOnly("test");

    static final String REPORT = "{\"messageId\":\"m-1\",%s\"timestamp\":\"2026-12-06T05:00:00Z\",\"schemaVersion\":1,"
            + "\"region\":\"HK\",\"state\":\"HEALTHY\",\"observedAt\":\"2026-12-06T05:00:00Z\"}";

    @Test
    void aLeaseWatchReportWithoutCutoverIdIsDecodedAndOneWithoutLeaseIdIsAMissingField() {
        DeadLetters.Decoded<LeaseWatchReport> ok = letters.decode(
                RecordOrigin.of("lease.watch", REPORT.formatted("\"leaseId\":\"hk-1\",")), LeaseWatchReport.class);
        assertThat(ok.ok()).isTrue();
        assertThat(ok.message().leaseId()).isEqualTo("hk-1");

        DeadLetters.Decoded<LeaseWatchReport> noLease = letters.decode(RecordOrigin.of("lease.watch", REPORT.formatted("")),
                LeaseWatchReport.class);
        assertThat(noLease.ok()).isFalse();
        assertThat(noLease.deadLetter().reason()).isEqualTo(DeadLetterReason.MISSING_FIELD);
        assertThat(noLease.deadLetter().detail()).contains("no leaseId");
    }

    @Test
    void aLeaseHealthEventNeedsItsLeaseIdAndACutoversMessageStillItsCutoverId() {
        String event = "{\"messageId\":\"m-2\",\"leaseId\":\"hk-1\",\"timestamp\":\"2026-12-06T05:00:00Z\",\"schemaVersion\":1,"
                + "\"kind\":\"STATE_CHANGED\",\"state\":\"DOWN\",\"alert\":true}";
        assertThat(letters.decode(RecordOrigin.of("lease.health", event), LeaseHealthEvent.class).ok()).isTrue();

        DeadLetters.Decoded<StepResult> noCutover = letters.decode(RecordOrigin.of("cutover.step-results",
                "{\"messageId\":\"m-3\",\"leaseId\":\"hk-1\",\"timestamp\":\"2026-12-06T05:00:00Z\",\"schemaVersion\":1}"),
                StepResult.class);
        assertThat(noCutover.ok()).isFalse();
        assertThat(noCutover.deadLetter().reason()).isEqualTo(DeadLetterReason.MISSING_FIELD);
        assertThat(noCutover.deadLetter().detail()).contains("no cutoverId");
    }
}
