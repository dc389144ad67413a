package com.maclogin.cutover.testing;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.Future;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * Malformed records for a consumed topic (seeded, so every run sends the same ones), sent with a batching producer,
 * and the count of their dead letters on {@code cutover.dead-letters} by key. Every record gets a unique key
 * ({@code <prefix>-<n>}); the messaging kit keys each dead letter by the original key, so "exactly one dead letter
 * per malformed record" is a count per key.
 */
public final class PoisonFuzz {

    /** The dead-letter topic ({@code Topics.DEAD_LETTERS}; test-support does not depend on contracts). */
    public static final String DEAD_LETTERS = "cutover.dead-letters";

    /** What a malformed record is. */
    public enum Kind {
        NULL_VALUE, JSON_NULL, RANDOM_BYTES, TRUNCATED_JSON, WRONG_TYPES, NOT_AN_OBJECT, MISSING_FIELDS,
        INVALID_VALUES, HUGE
    }

    public record Poison(String key, Kind kind, byte[] value) {
    }

    /** What was sent and how long the producer took. */
    public record Sent(String topic, int records, long bytes, long millis, Map<Kind, Integer> kinds) {
    }

    private static final List<String> WRONG_TYPES = List.of(
            "{\"messageId\":{\"a\":1},\"cutoverId\":\"c\"}",
            "{\"messageId\":\"m\",\"cutoverId\":[\"x\"]}",
            "{\"messageId\":\"m\",\"cutoverId\":\"c\",\"timestamp\":\"yesterday\"}",
            "{\"messageId\":\"m\",\"cutoverId\":\"c\",\"schemaVersion\":\"one\"}",
            "{\"messageId\":\"m\",\"cutoverId\":\"c\",\"timestamp\":{\"x\":1}}");
    private static final List<String> NOT_AN_OBJECT = List.of("[1,2,3]", "42", "\"text\"", "true", "[]", "-0.5e3");
    private static final List<String> MISSING_FIELDS = List.of("{}", "{\"cutoverId\":\"c\"}", "{\"messageId\":\"m\"}",
            "{\"messageId\":\"\",\"cutoverId\":\"c\"}", "{\"messageId\":\"m\",\"cutoverId\":\"  \"}",
            "{\"messageId\":null,\"cutoverId\":null}");
    /** Fields appended to a valid message (a later duplicate key wins): values no message may have. */
    private static final List<String> INVALID_OVERRIDES = List.of(
            "\"timestamp\":\"2026-13-45T99:99:99Z\"", "\"schemaVersion\":99999999999999999999",
            "\"messageId\":\"   \"", "\"cutoverId\":null", "\"timestamp\":[2026]");

    private PoisonFuzz() {
    }

    /**
     * {@code n} malformed records keyed {@code <keyPrefix>-<i>}: every kind in turn, from the valid message
     * {@code template} (a flat JSON object) and the type's own invalid overrides ({@code "kind":"DANCE"}, ...);
     * {@code huge} of them (the first ones of kind HUGE) are {@code hugeBytes} long.
     */
    public static List<Poison> generate(long seed, String keyPrefix, int n, String template,
            List<String> invalidOverrides, int huge, int hugeBytes) {
        if (!template.endsWith("}")) {
            throw new IllegalArgumentException("the template must be a JSON object");
        }
        Random random = new Random(seed);
        // a fleet message's envelope id is its fleetId, a lease message's (LeaseHealthEvent) its leaseId: the generic
        // shapes name the template's id field
        String idField = template.contains("\"cutoverId\"") ? "cutoverId"
                : template.contains("\"fleetId\"") ? "fleetId" : "leaseId";
        List<String> overrides = new ArrayList<>(INVALID_OVERRIDES);
        overrides.addAll(invalidOverrides);
        String open = template.substring(0, template.length() - 1);
        List<Poison> out = new ArrayList<>(n);
        List<Kind> kinds = List.of(Kind.NULL_VALUE, Kind.JSON_NULL, Kind.RANDOM_BYTES, Kind.TRUNCATED_JSON,
                Kind.WRONG_TYPES, Kind.NOT_AN_OBJECT, Kind.MISSING_FIELDS, Kind.INVALID_VALUES);
        for (int i = 0; i < huge; i++) {
            String filler = "x".repeat(hugeBytes);
            out.add(new Poison(keyPrefix + "-" + out.size(), Kind.HUGE,
                    (open + ",\"filler\":\"" + filler + "\"}").getBytes(StandardCharsets.UTF_8)));
        }
        while (out.size() < n) {
            Kind kind = kinds.get(out.size() % kinds.size());
            String text = switch (kind) {
                case NULL_VALUE -> null;
                case JSON_NULL -> random.nextBoolean() ? "null" : " null ";
                case RANDOM_BYTES -> "";
                case TRUNCATED_JSON -> template.substring(0, 1 + random.nextInt(template.length() - 1));
                case WRONG_TYPES -> WRONG_TYPES.get(random.nextInt(WRONG_TYPES.size()));
                case NOT_AN_OBJECT -> NOT_AN_OBJECT.get(random.nextInt(NOT_AN_OBJECT.size()));
                case MISSING_FIELDS -> MISSING_FIELDS.get(random.nextInt(MISSING_FIELDS.size()));
                case INVALID_VALUES -> open + "," + overrides.get(random.nextInt(overrides.size())) + "}";
                case HUGE -> throw new IllegalStateException();
            };
            if (text != null && kind != Kind.TRUNCATED_JSON) {
                text = text.replace("\"cutoverId\"", "\"" + idField + "\"");
            }
            byte[] value;
            if (kind == Kind.RANDOM_BYTES) {
                value = new byte[1 + random.nextInt(200)];
                random.nextBytes(value);
                value[0] = (byte) (0x80 | value[0]); // never a JSON document by chance: no JSON starts with this byte
            } else {
                value = text == null ? null : text.getBytes(StandardCharsets.UTF_8);
            }
            out.add(new Poison(keyPrefix + "-" + out.size(), kind, value));
        }
        return out;
    }

    /** Sends {@code records} to {@code topic} with a batching producer and waits for every acknowledgement. */
    public static Sent send(String bootstrap, String topic, List<Poison> records) throws Exception {
        Map<String, Object> p = new HashMap<>();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        p.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
        p.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        p.put(ProducerConfig.LINGER_MS_CONFIG, "20");
        p.put(ProducerConfig.BATCH_SIZE_CONFIG, String.valueOf(256 * 1024));
        p.put(ProducerConfig.MAX_REQUEST_SIZE_CONFIG, String.valueOf(1024 * 1024));
        p.put(ProducerConfig.ACKS_CONFIG, "1");
        long bytes = 0;
        Map<Kind, Integer> kinds = new TreeMap<>();
        long t0 = System.nanoTime();
        try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(p)) {
            List<Future<RecordMetadata>> acks = new ArrayList<>(records.size());
            for (Poison r : records) {
                acks.add(producer.send(new ProducerRecord<>(topic, r.key(), r.value())));
                bytes += r.value() == null ? 0 : r.value().length;
                kinds.merge(r.kind(), 1, Integer::sum);
            }
            for (Future<RecordMetadata> ack : acks) {
                ack.get();
            }
        }
        return new Sent(topic, records.size(), bytes, (System.nanoTime() - t0) / 1_000_000, kinds);
    }

    /** The figures of one fuzz run over several topics. */
    public record Report(int total, long sentMillis, long lettersMillis, Map<String, Integer> letters, List<Sent> sent) {

        /** How many records got more than one dead letter, none, or one naming another topic. */
        public long letterCount() {
            return letters.values().stream().mapToLong(Integer::longValue).sum();
        }

        public String summary(String service) {
            StringBuilder b = new StringBuilder();
            for (Sent s : sent) {
                b.append(String.format("poison fuzz (%s): %s %d records (%d bytes) %s sent in %d ms%n", service,
                        s.topic(), s.records(), s.bytes(), s.kinds(), s.millis()));
            }
            b.append(String.format("poison fuzz (%s): %d malformed records on %d topics sent in %d ms, all %d dead"
                    + " letters read after %d ms (%.0f records/s)", service, total, sent.size(), sentMillis,
                    letterCount(), lettersMillis, total * 1000.0 / Math.max(1, lettersMillis)));
            return b.toString();
        }
    }

    /**
     * Sends {@code perTopic} malformed records to each topic ({@code topics}: topic -> its message's invalid
     * overrides; {@code template}: topic -> a valid message of its type), then reads the dead-letter topic until
     * every one is accounted for (at most {@code timeout}).
     */
    public static Report run(String bootstrap, Map<String, List<String>> topics,
            java.util.function.Function<String, String> template, long seed, int perTopic, int huge, int hugeBytes,
            Duration timeout) throws Exception {
        String run = Long.toString(System.nanoTime(), 36);
        Map<String, String> prefixToTopic = new java.util.LinkedHashMap<>();
        List<Sent> sent = new ArrayList<>();
        long t0 = System.nanoTime();
        int total = 0;
        for (Map.Entry<String, List<String>> t : topics.entrySet()) {
            String prefix = "fuzz-" + run + "-" + t.getKey();
            prefixToTopic.put(prefix, t.getKey());
            List<Poison> records = generate(seed, prefix, perTopic, template.apply(t.getKey()), t.getValue(), huge,
                    hugeBytes);
            sent.add(send(bootstrap, t.getKey(), records));
            total += records.size();
        }
        long sentMillis = (System.nanoTime() - t0) / 1_000_000;
        Map<String, Integer> letters = deadLetters(bootstrap, prefixToTopic, total, timeout);
        return new Report(total, sentMillis, (System.nanoTime() - t0) / 1_000_000, letters, sent);
    }

    private static final Pattern SOURCE_TOPIC = Pattern.compile("\"sourceTopic\":\"([^\"]*)\"");

    /**
     * Reads the dead-letter topic from the start until {@code expected} dead letters keyed with one of
     * {@code keyPrefixes} arrived (or {@code timeout}), then a little longer to catch duplicates; returns the count
     * per key. A dead letter whose {@code sourceTopic} is not the key's topic ({@code prefixToTopic}) is counted under
     * {@code "wrong-topic:" + key}.
     */
    public static Map<String, Integer> deadLetters(String bootstrap, Map<String, String> prefixToTopic, int expected,
            Duration timeout) {
        Map<String, Integer> counts = new HashMap<>();
        Map<String, Object> c = new HashMap<>();
        c.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        c.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
        c.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
        c.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, "5000");
        try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(c)) {
            List<TopicPartition> partitions = new ArrayList<>();
            long until = System.currentTimeMillis() + timeout.toMillis();
            while (partitions.isEmpty() && System.currentTimeMillis() < until) {
                consumer.partitionsFor(DEAD_LETTERS).forEach(pi -> partitions.add(new TopicPartition(DEAD_LETTERS,
                        pi.partition())));
            }
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            int matched = 0;
            long settle = Long.MAX_VALUE;
            while (System.currentTimeMillis() < Math.min(until, settle)) {
                for (ConsumerRecord<String, String> r : consumer.poll(Duration.ofMillis(200))) {
                    String key = r.key();
                    if (key == null) {
                        continue;
                    }
                    String prefix = prefixOf(key, prefixToTopic.keySet());
                    if (prefix == null) {
                        continue;
                    }
                    Matcher m = SOURCE_TOPIC.matcher(r.value());
                    String counted = m.find() && m.group(1).equals(prefixToTopic.get(prefix)) ? key : "wrong-topic:" + key;
                    counts.merge(counted, 1, Integer::sum);
                    matched++;
                }
                if (matched >= expected && settle == Long.MAX_VALUE) {
                    settle = System.currentTimeMillis() + 1_000; // duplicates would arrive right behind
                }
            }
        }
        return counts;
    }

    private static String prefixOf(String key, Set<String> prefixes) {
        int dash = key.lastIndexOf('-');
        if (dash < 0) {
            return null;
        }
        String prefix = key.substring(0, dash);
        return prefixes.contains(prefix) ? prefix : null;
    }
    /** The fuzz run every service's PoisonRecordFuzzTest makes: seed, records per topic, the huge ones and their size. */
    public static final long SEED = 20261205L;
    public static final int PER_TOPIC = 10_000;
    public static final int HUGE = 3;
    public static final int HUGE_BYTES = 600 * 1024;

    /**
     * The whole proof for one service's consumers: {@link #PER_TOPIC} malformed records to each of {@code topics}
     * (topic -> its message's invalid overrides), then one good record per topic ({@code template}: topic and message
     * id -> a valid message of the topic's type), which must be processed within 30 s ({@code processed}: how many of
     * these message ids the service's inbox holds); exactly one dead letter per malformed record, each from its own
     * topic; and {@code health} answers 200 UP. Prints the figures; returns the report. Throws AssertionError
     * otherwise.
     */
    public static Report proveEveryChannelSurvives(String service, String bootstrap, Map<String, List<String>> topics,
            java.util.function.BiFunction<String, String, String> template,
            java.util.function.ToLongFunction<java.util.Collection<String>> processed, java.net.URL health)
            throws Exception {
        Report report = run(bootstrap, topics, topic -> template.apply(topic, "m"), SEED, PER_TOPIC, HUGE, HUGE_BYTES,
                Duration.ofMinutes(3));
        long t0 = System.nanoTime();
        String run = Long.toString(System.nanoTime(), 36);
        // one good record per topic after the poison: each channel is alive if the service processes it
        Map<String, String> good = new java.util.LinkedHashMap<>();
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName(),
                ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName()))) {
            for (String topic : topics.keySet()) {
                String id = "good-" + run + "-" + java.util.UUID.randomUUID();
                good.put(topic, id);
                producer.send(new ProducerRecord<>(topic, "hk-1", template.apply(topic, id)))
                        .get(10, java.util.concurrent.TimeUnit.SECONDS);
            }
        }
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        long seen;
        while ((seen = processed.applyAsLong(good.values())) < good.size()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError(service + ": " + seen + " of the " + good.size()
                        + " good records after the poison were processed within 30 s: a channel stopped");
            }
            Thread.sleep(100);
        }
        System.out.println(report.summary(service));
        System.out.printf("poison fuzz (%s): the good record of each topic processed %d ms later%n", service,
                (System.nanoTime() - t0) / 1_000_000);

        check(report.total() == topics.size() * PER_TOPIC, service + ": sent " + report.total());
        check(report.letters().keySet().stream().noneMatch(k -> k.startsWith("wrong-topic:")),
                service + ": dead letters naming the wrong source topic");
        check(report.letters().size() == report.total(),
                service + ": " + report.letters().size() + " malformed records have a dead letter, of " + report.total());
        long twice = report.letters().values().stream().filter(n -> n != 1).count();
        check(twice == 0, service + ": " + twice + " malformed records have more than one dead letter");
        java.net.http.HttpResponse<String> up = java.net.http.HttpClient.newHttpClient().send(
                java.net.http.HttpRequest.newBuilder(java.net.URI.create(health.toString()))
                        .timeout(Duration.ofSeconds(10)).build(),
                java.net.http.HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
        check(up.statusCode() == 200 && up.body().contains("\"status\": \"UP\"") && !up.body().contains("DOWN"),
                service + ": health after the flood " + up.statusCode() + " " + up.body());
        return report;
    }

    private static void check(boolean ok, String failure) {
        if (!ok) {
            throw new AssertionError(failure);
        }
    }
}
