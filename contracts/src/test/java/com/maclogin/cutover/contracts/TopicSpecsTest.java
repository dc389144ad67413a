package com.maclogin.cutover.contracts;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/** {@link Topics#specs()}: one spec per topic, legal names, the compacted topics are exactly the registries. */
class TopicSpecsTest {

    @Test
    void everyTopicOfAllHasExactlyOneSpecAndAllIsTheSpecsNames() {
        Map<String, Long> specsPerName = Topics.specs().stream()
                .collect(Collectors.groupingBy(TopicSpec::name, Collectors.counting()));
        assertThat(specsPerName.values()).allMatch(n -> n == 1);
        assertThat(specsPerName.keySet()).containsExactlyInAnyOrderElementsOf(Topics.all());
        assertThat(Topics.all()).doesNotHaveDuplicates()
                .contains(Topics.DEAD_LETTERS, Topics.EVENTS, Topics.stepCommands(Region.US), Topics.leaseRegistry(Region.HK))
                .hasSize(2 * Region.values().length + 11);
    }

    @Test
    void everyNameIsALegalKafkaTopicNameWithoutTheDotUnderscoreClash() {
        // Kafka refuses topics whose names differ only by '.' and '_' (their metrics names collide)
        List<String> collapsed = Topics.all().stream().map(t -> t.replace('.', '_')).toList();
        assertThat(collapsed).doesNotHaveDuplicates();
        assertThat(Topics.all()).allMatch(t -> TopicSpec.LEGAL_NAME.matcher(t).matches());
    }

    @Test
    void theCompactedTopicsAreExactlyTheLeaseRegistries() {
        for (TopicSpec spec : Topics.specs()) {
            assertThat(spec.compacted()).as(spec.name()).isEqualTo(Topics.isCompacted(spec.name()))
                    .isEqualTo(spec.name().startsWith(Topics.LEASE_REGISTRY_PREFIX));
            assertThat(spec.configs().get("cleanup.policy")).as(spec.name()).isEqualTo(spec.compacted() ? "compact" : "delete");
            assertThat(spec.configs().containsKey("retention.ms")).as(spec.name()).isEqualTo(!spec.compacted());
        }
        assertThat(Topics.specs().stream().filter(TopicSpec::compacted).map(TopicSpec::name))
                .containsExactlyInAnyOrderElementsOf(java.util.Arrays.stream(Region.values()).map(Topics::leaseRegistry).toList());
    }

    @Test
    void everyRegionHasItsStepTopicWithTheRegionalPartitionsAndTheReplicationFactorIsLeftToTheCluster() {
        Map<String, TopicSpec> byName = Topics.specs().stream().collect(Collectors.toMap(TopicSpec::name, Function.identity()));
        for (Region r : Region.values()) {
            assertThat(byName.get(Topics.stepCommands(r)).partitions()).isEqualTo(Topics.STEP_COMMAND_PARTITIONS);
            assertThat(byName.get(Topics.leaseRegistry(r)).configs()).containsEntry("min.compaction.lag.ms", "3600000");
        }
        assertThat(Topics.specs()).allMatch(s -> s.replicationFactor().isEmpty());
        assertThat(Topics.spec(Topics.DEAD_LETTERS)).get().extracting(s -> s.configs().get("retention.ms"))
                .isEqualTo(String.valueOf(Duration.ofDays(30).toMillis()));
        assertThat(Topics.spec("no.such.topic")).isEmpty();
    }

    @Test
    void aSpecRefusesWhatKafkaWouldRefuseOrWhatContradictsItself() {
        assertThatThrownBy(() -> TopicSpec.delete("bad name", 1, Duration.ofDays(1))).hasMessageContaining("illegal topic name");
        assertThatThrownBy(() -> TopicSpec.delete("..", 1, Duration.ofDays(1))).hasMessageContaining("illegal topic name");
        assertThatThrownBy(() -> TopicSpec.delete("x", 0, Duration.ofDays(1))).hasMessageContaining("at least 1");
        assertThatThrownBy(() -> TopicSpec.delete("x", 1, Duration.ZERO)).hasMessageContaining("positive retention");
        assertThatThrownBy(() -> new TopicSpec("x", 1, TopicSpec.Cleanup.COMPACT, Duration.ofDays(1), Map.of(), Optional.empty()))
                .hasMessageContaining("no retention");
        assertThatThrownBy(() -> TopicSpec.compact("x", 1, Map.of("cleanup.policy", "delete")))
                .hasMessageContaining("record's own fields");
        assertThatThrownBy(() -> new TopicSpec("x", 1, TopicSpec.Cleanup.DELETE, Duration.ofDays(1), Map.of(), Optional.of((short) 0)))
                .hasMessageContaining("replication factor");
    }
}
