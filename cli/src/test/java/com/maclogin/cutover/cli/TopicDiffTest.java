package com.maclogin.cutover.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.maclogin.cutover.contracts.TopicSpec;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** {@link TopicDiff} as a table: what is a problem, and what {@code apply} may fix (pure; no cluster). */
class TopicDiffTest {

    static final TopicSpec STEPS = TopicSpec.delete("steps", 6, Duration.ofDays(7));
    static final TopicSpec REGISTRY = TopicSpec.compact("registry", 1, Map.of("min.compaction.lag.ms", "3600000"));
    static final Map<String, String> STEPS_OK = Map.of("cleanup.policy", "delete", "retention.ms", "604800000");
    static final Map<String, String> REGISTRY_OK = Map.of("cleanup.policy", "compact", "min.compaction.lag.ms", "3600000");

    record Row(TopicDiff.Observed steps, TopicDiff.Observed registry, List<String> expected) {
    }

    private static List<String> diff(TopicDiff.Observed steps, TopicDiff.Observed registry) {
        return TopicDiff.problems(List.of(STEPS, REGISTRY), Map.of("steps", steps, "registry", registry)).stream()
                .map(p -> p.topic() + " " + p.kind() + " " + p.key() + " " + p.has() + "->" + p.wants() + " " + (p.fixable() ? "fix" : "human"))
                .toList();
    }

    @Test
    void eachObservedStateGivesTheExpectedProblemsAndOnlySafeOnesAreFixable() {
        List<Row> table = List.of(
                new Row(new TopicDiff.Present(6, STEPS_OK), new TopicDiff.Present(1, REGISTRY_OK), List.of()),
                // more partitions than specified are fine: Kafka cannot lower them and nothing needs it
                new Row(new TopicDiff.Present(12, STEPS_OK), new TopicDiff.Present(3, REGISTRY_OK), List.of()),
                new Row(new TopicDiff.Missing(), new TopicDiff.Present(1, REGISTRY_OK),
                        List.of("steps MISSING  -->6 partitions, delete fix")),
                // raising a delete topic's partitions is safe; a compacted one's would leave keys' old records behind
                new Row(new TopicDiff.Present(3, STEPS_OK), new TopicDiff.Present(1, REGISTRY_OK),
                        List.of("steps PARTITIONS partitions 3->6 fix")),
                new Row(new TopicDiff.Present(6, STEPS_OK), new TopicDiff.Present(1, REGISTRY_OK), List.of()),
                new Row(new TopicDiff.Present(6, Map.of("cleanup.policy", "delete", "retention.ms", "1000")),
                        new TopicDiff.Present(1, Map.of("cleanup.policy", "delete", "min.compaction.lag.ms", "0")),
                        List.of("steps CONFIG retention.ms 1000->604800000 fix", "registry CONFIG cleanup.policy delete->compact human",
                                "registry CONFIG min.compaction.lag.ms 0->3600000 fix")),
                new Row(new TopicDiff.NotAuthorized(), new TopicDiff.Present(1, null),
                        List.of("steps NOT_AUTHORIZED  -->- human", "registry NOT_AUTHORIZED configs -->- human")));
        for (Row r : table) {
            assertThat(diff(r.steps(), r.registry())).as(r.toString()).containsExactlyElementsOf(r.expected());
        }
    }

    @Test
    void aCompactedTopicWithTooFewPartitionsIsLeftToAHuman() {
        TopicSpec wide = TopicSpec.compact("registry", 3, Map.of());
        List<TopicDiff.Problem> p = TopicDiff.problems(List.of(wide),
                Map.of("registry", new TopicDiff.Present(1, Map.of("cleanup.policy", "compact"))));
        assertThat(p).singleElement().satisfies(x -> {
            assertThat(x.kind()).isEqualTo(TopicDiff.Kind.PARTITIONS);
            assertThat(x.fixable()).isFalse();
            assertThat(x.reason()).contains("compacted");
        });
    }

    @Test
    void theTableHasAHeaderAlignedColumnsAndSaysWhatApplyFixes() {
        StringWriter out = new StringWriter();
        TopicDiff.printTable(TopicDiff.problems(List.of(STEPS, REGISTRY), Map.of("steps", new TopicDiff.Missing(),
                "registry", new TopicDiff.Present(1, Map.of("cleanup.policy", "delete", "min.compaction.lag.ms", "3600000")))),
                new PrintWriter(out, true));
        assertThat(out.toString().lines()).containsExactly(
                "TOPIC     PROBLEM         HAS     WANTS                 NOTE",
                "steps     missing         -       6 partitions, delete  apply fixes it",
                "registry  cleanup.policy  delete  compact               a cleanup policy is never switched in place"
                        + " (compact to delete would drop records); recreate the topic");
    }
}
