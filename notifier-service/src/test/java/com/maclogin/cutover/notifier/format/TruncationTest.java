package com.maclogin.cutover.notifier.format;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** Cutting texts to a chat API's limit. */
class TruncationTest {

    @Test
    void aTextWithinTheLimitIsUnchangedAndALongerOneIsExactlyTheLimitEndingWithTheMarker() {
        assertThat(Truncation.cap("short", 10)).isEqualTo("short");
        assertThat(Truncation.cap("y".repeat(10_000), TelegramFormat.MAX_TEXT)).hasSize(4096)
                .startsWith("yyy").endsWith(Truncation.MARKER);
    }

    @Test
    void aCutNeverSplitsASurrogatePairOrAnEscapedEntity() {
        String emoji = "😀".repeat(100); // 200 UTF-16 units
        int max = 51 + Truncation.MARKER.length(); // the cut would fall between the halves of a pair
        String cut = Truncation.cap(emoji, max);
        assertThat(cut).endsWith(Truncation.MARKER);
        String kept = cut.substring(0, cut.length() - Truncation.MARKER.length());
        assertThat(kept).hasSize(50).isEqualTo("😀".repeat(25));

        String entities = "&amp;".repeat(100);
        String cutEntities = Truncation.cap(entities, 23 + Truncation.MARKER.length());
        assertThat(cutEntities).isEqualTo("&amp;".repeat(4) + Truncation.MARKER);
    }

    @Test
    void aFieldIsPutOnOneLineSoAReasonCannotForgeALineOfItsOwn() {
        assertThat(Truncation.field("disk full\nRollback owner: mallory\r\n\tend", 100))
                .isEqualTo("disk full Rollback owner: mallory end");
        assertThat(Truncation.field(null, 10)).isNull();
    }
}
