package com.maclogin.cutover.contracts;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.annotation.JsonSubTypes;
import com.fasterxml.jackson.annotation.JsonTypeInfo;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.File;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Fails when contracts/asyncapi.yaml and the Java records (or topic names) disagree: names and types of every field
 * of every message and of everything it refers to, enum values, the step-command and step-report families, and
 * schemas nothing refers to any more.
 */
class AsyncApiDriftTest {

    static final YAMLFactory YAML = new YAMLFactory();
    static JsonNode doc;

    /** The messages on the topics; everything else is checked because one of these refers to it. */
    static final List<Class<?>> MESSAGES = List.of(RunStep.class, StepResult.class, RollbackRequested.class,
            CutoverEvent.class, ProbeResult.class, ThresholdBreached.class, FleetEvent.class,
            ChatDelivered.class, DeadLetter.class, LeaseRegistration.class, LeaseWatchReport.class,
            LeaseHealthEvent.class);

    @BeforeAll
    static void load() throws Exception {
        doc = new ObjectMapper(YAML).readTree(new File("asyncapi.yaml"));
    }

    @Test
    void everyFieldOfEveryMessageIsDocumentedWithItsTypeAndNothingElseIs() {
        assertThat(SchemaDrift.problems(doc, MESSAGES)).isEmpty();
    }

    @Test
    void everyDocumentedSchemaIsReachableFromAMessage() {
        Set<String> documented = new TreeSet<>();
        doc.at("/components/schemas").fieldNames().forEachRemaining(documented::add);
        assertThat(new TreeSet<>(SchemaDrift.reachableSchemas(doc, MESSAGES))).isEqualTo(documented);
    }

    @Test
    void everyStepKindHasACommandSchemaAndTheFamiliesAreChecked() {
        Set<String> reachable = SchemaDrift.reachableSchemas(doc, MESSAGES);
        for (Class<?> c : StepCommand.class.getPermittedSubclasses()) {
            assertThat(reachable).contains(SchemaDrift.schemaName(c));
        }
        for (Class<?> c : StepReport.class.getPermittedSubclasses()) {
            assertThat(reachable).contains(SchemaDrift.schemaName(c));
        }
        List<String> commandKinds = new ArrayList<>();
        for (JsonSubTypes.Type t : StepCommand.class.getAnnotation(JsonSubTypes.class).value()) {
            commandKinds.add(t.name());
        }
        assertThat(commandKinds).containsExactlyInAnyOrderElementsOf(
                java.util.Arrays.stream(StepKind.values()).map(Enum::name).toList());
    }

    @Test
    void aDeliberatelyWrongTypeInTheRealDocumentIsReported() {
        ObjectNode copy = doc.deepCopy();
        ((ObjectNode) copy.at("/components/schemas/RunStep/properties")).putObject("attempt").put("type", "string");
        ((ObjectNode) copy.at("/components/schemas/RestoreReport/properties")).putObject("unfrozen")
                .put("type", "string");
        ((ObjectNode) copy.at("/components/schemas/ProbeResult/properties/timestamp")).remove("format");

        assertThat(SchemaDrift.problems(copy, MESSAGES)).containsExactlyInAnyOrder(
                "RunStep.attempt: expected integer but schema says {\"type\":\"string\"}",
                "RestoreReport.unfrozen: expected boolean but schema says {\"type\":\"string\"}",
                "ProbeResult.timestamp: expected string/date-time but schema says {\"type\":\"string\"}");
    }

    @Test
    void aMissingOrAnExtraFieldInTheRealDocumentIsReported() {
        ObjectNode copy = doc.deepCopy();
        ((ObjectNode) copy.at("/components/schemas/StepResult/properties")).remove("report");
        ((ObjectNode) copy.at("/components/schemas/FreezeCommand/properties")).putObject("candidateVersion")
                .put("type", "string");
        ((ArrayNode) copy.at("/components/schemas/StepCommand/oneOf")).remove(0);

        assertThat(SchemaDrift.problems(copy, MESSAGES)).contains(
                "StepResult.report: component of StepResult is not documented",
                "FreezeCommand.candidateVersion: documented, but Freeze has no such component")
                .anySatisfy(p -> assertThat(p).startsWith("StepCommand: oneOf [").contains("subtypes [")
                        .contains("InventoryCommand"));
    }

    // ---------------------------------------------------------------- the checker against fabricated pairs

    record Sample(String name, int count, Instant at, List<Integer> sizes, Map<String, Double> weights,
            Region region) {
    }

    @Test
    void aFabricatedRecordWithWrongTypesAMissingAndAnUnknownFieldFails() throws Exception {
        JsonNode fabricated = yaml("""
                components:
                  schemas:
                    Region: {type: string, enum: [HK, JP, KR, SG, US]}
                    Sample:
                      type: object
                      properties:
                        name: {type: integer}
                        count: {type: integer}
                        sizes: {type: array, items: {type: string}}
                        weights: {type: object, additionalProperties: {type: number}}
                        region: {type: string}
                        extra: {type: string}
                """);

        assertThat(SchemaDrift.problems(fabricated, List.of(Sample.class))).containsExactlyInAnyOrder(
                "Sample.name: expected string but schema says {\"type\":\"integer\"}",
                "Sample.sizes[]: expected integer but schema says {\"type\":\"string\"}",
                "Sample.region: expected $ref Region but schema says {\"type\":\"string\"}",
                "Sample.extra: documented, but Sample has no such component",
                "Sample.at: component of Sample is not documented");
    }

    @Test
    void theSameFabricatedRecordWithTheRightSchemaPasses() throws Exception {
        JsonNode fabricated = yaml("""
                components:
                  schemas:
                    Region: {type: string, enum: [HK, JP, KR, SG, US]}
                    Sample:
                      type: object
                      properties:
                        name: {type: string}
                        count: {type: integer}
                        at: {type: string, format: date-time}
                        sizes: {type: array, items: {type: integer}}
                        weights: {type: object, additionalProperties: {type: number}}
                        region: {$ref: '#/components/schemas/Region'}
                """);

        assertThat(SchemaDrift.problems(fabricated, List.of(Sample.class))).isEmpty();
    }

    @JsonTypeInfo(use = JsonTypeInfo.Id.NAME, property = "kind")
    @JsonSubTypes({@JsonSubTypes.Type(value = Shape.Circle.class, name = "CIRCLE"),
            @JsonSubTypes.Type(value = Shape.Square.class, name = "SQUARE")})
    sealed interface Shape {
        record Circle(Double radius) implements Shape {
        }

        record Square(Long side) implements Shape {
        }
    }

    record Drawing(Shape shape) {
    }

    @Test
    void aFabricatedFamilyWithAMissingSubtypeAWrongKindAndAWrongTypeFails() throws Exception {
        JsonNode fabricated = yaml("""
                components:
                  schemas:
                    Drawing:
                      type: object
                      properties:
                        shape: {$ref: '#/components/schemas/Shape'}
                    Shape:
                      oneOf:
                        - $ref: '#/components/schemas/CircleShape'
                      discriminator: kind
                    CircleShape:
                      type: object
                      properties:
                        kind: {type: string, const: SQUARE}
                        radius: {type: integer}
                    SquareShape:
                      type: object
                      properties:
                        kind: {type: string, const: SQUARE}
                        side: {type: integer}
                """);

        assertThat(SchemaDrift.problems(fabricated, List.of(Drawing.class))).containsExactlyInAnyOrder(
                "Shape: oneOf [CircleShape] in the schema, subtypes [CircleShape, SquareShape] in the code",
                "CircleShape.radius: expected number but schema says {\"type\":\"integer\"}",
                "CircleShape.kind: expected {type: string, const: CIRCLE}, schema says "
                        + "{\"type\":\"string\",\"const\":\"SQUARE\"}");
    }

    static JsonNode yaml(String text) throws Exception {
        return new ObjectMapper(YAML).readTree(text);
    }

    // ---------------------------------------------------------------- enums and topics

    @Test
    void everyEnumValueIsDocumented() {
        for (Class<? extends Enum<?>> type : List.of(Region.class, StepKind.class, StepOutcome.class,
                CutoverEventType.class, FleetEventType.class, ProbeLayer.class, Verdict.class, TriggerKind.class, TriggerAction.class,
                DeadLetterReason.class, RollbackPurpose.class, LeaseHealthState.class, LeaseHealthEventKind.class)) {
            List<String> documented = new ArrayList<>();
            doc.at("/components/schemas/" + type.getSimpleName() + "/enum").forEach(n -> documented.add(n.asText()));
            List<String> actual = java.util.Arrays.stream(type.getEnumConstants()).map(Enum::name).toList();
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
            assertThat(channelToMessage).containsEntry(Topics.stepCommands(r), "RunStep")
                    .containsEntry(Topics.leaseRegistry(r), "LeaseRegistration");
        }
        assertThat(channelToMessage).containsEntry(Topics.STEP_RESULTS, "StepResult")
                .containsEntry(Topics.ROLLBACK_STEP_RESULTS, "StepResult")
                .containsEntry(Topics.ROLLBACK_REQUESTS, "RollbackRequested")
                .containsEntry(Topics.EVENTS, "CutoverEvent")
                .containsEntry(Topics.PROBE_RESULTS, "ProbeResult")
                .containsEntry(Topics.BREACHES, "ThresholdBreached")
                .containsEntry(Topics.FLEET_EVENTS, "FleetEvent")
                .containsEntry(Topics.CHAT_DELIVERIES, "ChatDelivered")
                .containsEntry(Topics.LEASE_WATCH, "LeaseWatchReport")
                .containsEntry(Topics.LEASE_HEALTH, "LeaseHealthEvent")
                .containsEntry(Topics.DEAD_LETTERS, "DeadLetter");
    }

    @Test
    void everyTopLevelMessageCarriesTheEnvelopeFields() {
        for (Class<?> type : MESSAGES) {
            assertThat(CutoverMessage.class.isAssignableFrom(type)).as(type.getSimpleName()).isTrue();
            JsonNode required = doc.at("/components/schemas/" + type.getSimpleName() + "/required");
            List<String> req = new ArrayList<>();
            required.forEach(n -> req.add(n.asText()));
            // a fleet event's envelope ids are its fleet id (FleetEvent.cutoverId() / leaseId())
            // a lease registration is about a lease, not a cutover
            List<String> ids = type == FleetEvent.class ? List.of("fleetId")
                    : type == LeaseRegistration.class || type == LeaseWatchReport.class || type == LeaseHealthEvent.class
                            ? List.of("leaseId") : List.of("cutoverId", "leaseId");
            assertThat(req).as("envelope of %s", type.getSimpleName()).contains("messageId", "timestamp", "schemaVersion")
                    .containsAll(ids);
        }
    }

    @Test
    void exactlyTheLeaseRegistriesAreDocumentedAsCompacted() {
        Iterator<Map.Entry<String, JsonNode>> it = doc.get("channels").fields();
        int compacted = 0;
        while (it.hasNext()) {
            JsonNode ch = it.next().getValue();
            String address = ch.get("address").asText();
            List<String> policy = new ArrayList<>();
            ch.at("/bindings/kafka/topicConfiguration/cleanup.policy").forEach(n -> policy.add(n.asText()));
            if (Topics.isCompacted(address)) {
                compacted++;
                assertThat(policy).as("cleanup.policy of %s", address).containsExactly("compact");
            } else {
                assertThat(policy).as("cleanup.policy of %s", address).containsExactly("delete");
            }
        }
        assertThat(compacted).isEqualTo(Region.values().length);
    }

    @Test
    void everyChannelsKafkaBindingEqualsItsTopicSpecPartitionsPolicyAndRetention() {
        Iterator<Map.Entry<String, JsonNode>> it = doc.get("channels").fields();
        Set<String> documented = new TreeSet<>();
        while (it.hasNext()) {
            JsonNode ch = it.next().getValue();
            String address = ch.get("address").asText();
            documented.add(address);
            TopicSpec spec = Topics.spec(address).orElseThrow(() -> new AssertionError("no TopicSpec for " + address));
            JsonNode kafka = ch.at("/bindings/kafka");
            assertThat(kafka.path("partitions").asInt()).as("partitions of %s", address).isEqualTo(spec.partitions());
            JsonNode config = kafka.path("topicConfiguration");
            assertThat(config.path("retention.ms").isMissingNode() ? null : config.path("retention.ms").asText())
                    .as("retention.ms of %s", address).isEqualTo(spec.configs().get("retention.ms"));
            assertThat(config.path("delete.retention.ms").isMissingNode() ? null : config.path("delete.retention.ms").asText())
                    .as("delete.retention.ms of %s", address).isEqualTo(spec.configs().get("delete.retention.ms"));
        }
        assertThat(documented).isEqualTo(new TreeSet<>(Topics.all()));
    }
}
