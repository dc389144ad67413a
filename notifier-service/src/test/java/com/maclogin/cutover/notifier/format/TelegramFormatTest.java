package com.maclogin.cutover.notifier.format;

import static org.assertj.core.api.Assertions.assertThat;

import com.maclogin.cutover.contracts.CutoverEvent;
import com.maclogin.cutover.contracts.CutoverEventType;
import com.maclogin.cutover.contracts.Region;
import com.maclogin.cutover.notifier.service.NotificationTexts;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Telegram's form of a message: plain, capped at 4096, the lines after a long reason kept. */
class TelegramFormatTest {

    @Test
    void anIncidentWithATenThousandCharacterReasonFitsIn4096WithTheMarkerAndKeepsItsLastLines() {
        CutoverEvent e = new CutoverEvent("m1", "cut-1", "lease-hk-1", Instant.now(), 1, 1,
                CutoverEventType.ROLLBACK_STARTED, Region.HK, "CHG-1", "2026.9.5", "2026.9.6", "alice", List.of(),
                Instant.parse("2026-03-01T02:00:00Z"), null, "worker said: " + "z".repeat(10_000));
        String text = TelegramFormat.text(NotificationTexts.message(e));
        assertThat(text.length()).isLessThanOrEqualTo(TelegramFormat.MAX_TEXT);
        assertThat(text).contains("worker said: zzz", Truncation.MARKER)
                .contains("Rollback owner: alice", "Started: 2026-03-01 02:00:00 UTC");
    }

    @Test
    void markupInAReasonIsLeftAsWrittenBecauseTelegramGetsPlainText() {
        ChatMessage m = new ChatMessage("Reason: <b>x</b> *y* [z](http://evil.example) & <!channel>", List.of(),
                "Reason", "x", null, true);
        assertThat(TelegramFormat.text(m)).isEqualTo(m.text());
    }
}
