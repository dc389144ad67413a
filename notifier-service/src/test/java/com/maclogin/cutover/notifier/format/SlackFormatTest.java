package com.maclogin.cutover.notifier.format;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.maclogin.cutover.contracts.Json;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Slack's form of a message: escaping, Block Kit layout and limits, the dashboard link. */
class SlackFormatTest {

    private static final String HOSTILE = "<!channel> <!here> <@U0BOSS> <http://evil.example|click here> & more";

    private static ChatMessage incident(String reason, String cutoverId) {
        String text = "[INCIDENT] Rollback started for cutover CHG-1\n"
                + "Lease: lease-hk-1 (region HK), going back from 2026.9.6 to 2026.9.5\n"
                + "Reason: " + reason + "\n"
                + "Rollback owner: alice\n"
                + "Started: 2026-03-01 02:00:00 UTC";
        return new ChatMessage(text, List.of(new ChatMessage.Field("Region", "HK"),
                new ChatMessage.Field("Versions", "2026.9.5 → 2026.9.6"), new ChatMessage.Field("Lease", "lease-hk-1"),
                new ChatMessage.Field("Rollback owner", "alice")), "Reason", reason,
                new ChatMessage.Link("View cutover", ChatMessage.path("cutovers", cutoverId), cutoverId), true);
    }

    /** Every mrkdwn text in the blocks, in order. */
    private static List<String> texts(String blocks) throws Exception {
        List<String> out = new ArrayList<>();
        for (JsonNode b : Json.MAPPER.readTree(blocks)) {
            if (b.has("text")) {
                out.add(b.get("text").get("text").asText());
            }
            b.path("fields").forEach(f -> out.add(f.get("text").asText()));
            b.path("elements").forEach(e -> out.add(e.get("text").asText()));
        }
        return out;
    }

    @Test
    void aReasonThatTriesToPingTheChannelOrAUserOrPlantALinkIsEscapedInTheTextAndInEveryBlock() throws Exception {
        ChatMessage m = incident(HOSTILE, "cut-1");
        String text = SlackFormat.text(m);
        assertThat(text).contains("&lt;!channel&gt; &lt;!here&gt; &lt;@U0BOSS&gt; &lt;http://evil.example|click here&gt; &amp; more")
                .doesNotContain("<");
        List<String> texts = texts(SlackFormat.blocks(m, "http://localhost:8080"));
        assertThat(String.join("\n", texts)).contains("&lt;!channel&gt;").doesNotContain("<!", "<@", "<http://evil");
        // the only Slack link in the whole message is the dashboard link the notifier adds
        assertThat(String.join("\n", texts).split("<", -1)).hasSize(2);
    }

    @Test
    void blocksCarryTheHeadlineTheFactsTheReasonTheOtherLinesAndAViewCutoverLinkToTheDashboard() throws Exception {
        String blocks = SlackFormat.blocks(incident("CRASH_LOOP: 3 crashes in 41 s", "cut-1"), "http://orch:8080/");
        JsonNode array = Json.MAPPER.readTree(blocks);
        assertThat(array).extracting(b -> b.get("type").asText())
                .containsExactly("section", "section", "section", "section", "context");
        List<String> texts = texts(blocks);
        assertThat(texts.get(0)).isEqualTo("*[INCIDENT] Rollback started for cutover CHG-1*");
        assertThat(texts.subList(1, 5)).containsExactly("*Region*\nHK", "*Versions*\n2026.9.5 → 2026.9.6",
                "*Lease*\nlease-hk-1", "*Rollback owner*\nalice");
        assertThat(texts.get(5)).isEqualTo("*Reason*\nCRASH_LOOP: 3 crashes in 41 s");
        // the lines not shown as fields or reason stay, the ones that are are not repeated
        assertThat(texts.get(6)).isEqualTo("Started: 2026-03-01 02:00:00 UTC");
        assertThat(texts.get(7)).isEqualTo("<http://orch:8080/cutovers/cut-1|View cutover>  ·  cut-1");
    }

    @Test
    void aCutoverIdCannotBreakOutOfTheLinkOrAddAPath() throws Exception {
        String id = "x|<!channel>/../admin?a=b";
        List<String> texts = texts(SlackFormat.blocks(incident("r", id), "http://localhost:8080"));
        String context = texts.get(texts.size() - 1);
        assertThat(context).startsWith("<http://localhost:8080/cutovers/x%7C%3C%21channel%3E%2F..%2Fadmin%3Fa%3Db|View cutover>")
                .endsWith("x|&lt;!channel&gt;/../admin?a=b");
        assertThat(context.split("<", -1)).hasSize(2);
    }

    @Test
    void aTenThousandCharacterReasonStaysWithinSlacksLimitsAndEndsWithTheMarker() throws Exception {
        ChatMessage m = incident("&".repeat(10_000), "cut-1");
        String text = SlackFormat.text(m);
        assertThat(text).hasSizeLessThanOrEqualTo(SlackFormat.MAX_TEXT).endsWith(Truncation.MARKER);
        List<String> texts = texts(SlackFormat.blocks(m, "http://localhost:8080"));
        assertThat(texts).allSatisfy(t -> assertThat(t.length()).isLessThanOrEqualTo(SlackFormat.MAX_SECTION));
        String reason = texts.stream().filter(t -> t.startsWith("*Reason*")).findFirst().orElseThrow();
        // cut between entities, never inside one
        assertThat(reason).endsWith("&amp;" + Truncation.MARKER);
    }
}
