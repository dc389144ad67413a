package com.maclogin.cutover.contracts;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.File;
import java.lang.reflect.RecordComponent;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Fails when contracts/asyncapi.yaml and the Java records (or topic names) disagree. */
class AsyncApiDriftTest {

    static JsonNode doc;

    static final List<Class<?>> DOCUMENTED = List.of(RunStep.class, StepResult.class, RollbackRequested.class,
            CutoverEvent.class, LeaseTarget.class, StepParameters.class, Evidence.class, ProbePlan.class, ProbeResult.class,
            ThresholdBreached.class, TriggerThresholds.class, CanaryPlan.class);
    static final List<Class<? extends Enum<?>>> ENUMS = List.of(Region.class, StepKind.class, StepOutcome.class,
            CutoverEventType.class, ProbeLayer.class, Verdict.class, TriggerKind.class, TriggerAction.class);

    @BeforeAll
    static void load() throws Exception {
        doc = new ObjectMapper(new YAMLFactory()).readTree(new File("asyncapi.yaml"));
    }

    @Test
    void everyRecordFieldIsDocumentedAndEveryDocumentedFieldExists() {
        for (Class<?> type : DOCUMENTED) {
            JsonNode schema = doc.at("/components/schemas/" + type.getSimpleName());
            assertThat(schema.isMissingNode()).as("schema for %s", type.getSimpleName()).isFalse();
            Set<String> documented = new TreeSet<>();
            schema.get("properties").fieldNames().forEachRemaining(documented::add);
            Set<String> actual = Arrays.stream(type.getRecordComponents()).map(RecordComponent::getName)
                    .collect(Collectors.toCollection(TreeSet::new));
            assertThat(documented).as("fields of %s", type.getSimpleName()).isEqualTo(actual);
            JsonNode required = schema.get("required");
            if (required != null) {
                required.forEach(r -> assertThat(actual).as("required field of %s", type.getSimpleName())
                        .contains(r.asText()));
            }
        }
    }

    @Test
    void everyEnumValueIsDocumented() {
        for (Class<? extends Enum<?>> type : ENUMS) {
            List<String> documented = new ArrayList<>();
            doc.at("/components/schemas/" + type.getSimpleName() + "/enum").forEach(n -> documented.add(n.asText()));
            List<String> actual = Arrays.stream(type.getEnumConstants()).map(Enum::name).toList();
            assertThat(documented).as("values of %s", type.getSimpleName()).isEqualTo(actual);
        }
    }

    @Test
    void channelsAreExactlyTheTopicsOfTheCode() {
        Map<String, String> channelToMessage = new LinkedHashMap<>();
        Iterator<Map.Entry<String, JsonNode>> it = doc.get("channels").fields();
        while (it.hasNext()) {
            JsonNode ch = it.next().getValue();
            channelToMessage.put(ch.get("address").asText(), ch.get("messages").fieldNames().next());
        }
        assertThat(channelToMessage.keySet()).containsExactlyInAnyOrderElementsOf(Topics.all());
        for (Region r : Region.values()) {
            assertThat(channelToMessage).containsEntry(Topics.stepCommands(r), "RunStep");
        }
        assertThat(channelToMessage).containsEntry(Topics.STEP_RESULTS, "StepResult")
                .containsEntry(Topics.ROLLBACK_STEP_RESULTS, "StepResult")
                .containsEntry(Topics.ROLLBACK_REQUESTS, "RollbackRequested")
                .containsEntry(Topics.EVENTS, "CutoverEvent")
                .containsEntry(Topics.PROBE_RESULTS, "ProbeResult")
                .containsEntry(Topics.BREACHES, "ThresholdBreached");
    }

    @Test
    void everyTopLevelMessageCarriesTheEnvelopeFields() {
        for (Class<?> type : List.of(RunStep.class, StepResult.class, RollbackRequested.class, CutoverEvent.class,
                ProbeResult.class, ThresholdBreached.class)) {
            assertThat(CutoverMessage.class.isAssignableFrom(type)).as(type.getSimpleName()).isTrue();
            JsonNode required = doc.at("/components/schemas/" + type.getSimpleName() + "/required");
            List<String> req = new ArrayList<>();
            required.forEach(n -> req.add(n.asText()));
            assertThat(req).as("envelope of %s", type.getSimpleName())
                    .contains("messageId", "cutoverId", "leaseId", "timestamp", "schemaVersion");
        }
    }
}
