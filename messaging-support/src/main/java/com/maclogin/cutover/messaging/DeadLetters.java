package com.maclogin.cutover.messaging;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.exc.StreamReadException;
import com.fasterxml.jackson.databind.DatabindException;
import com.maclogin.cutover.contracts.CutoverMessage;
import com.maclogin.cutover.contracts.DeadLetter;
import com.maclogin.cutover.contracts.DeadLetterReason;
import com.maclogin.cutover.contracts.Json;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.sql.SQLException;
import java.time.DateTimeException;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.jboss.logging.Logger;

/**
 * The one place where a consumer's poison records go. {@link #decode} reads a record into its message type or, when
 * it is null, over the size cap, not JSON, of the wrong shape or without the envelope ids, sets it aside;
 * {@link #setAside} publishes a {@link DeadLetter} (source topic, partition, offset, key, consumer, reason class,
 * detail, the first bytes of the payload) to the dead-letter topic and counts it in
 * {@code cutover_dead_letters_total{service,topic,reason}}.
 *
 * <p>The publish uses {@code acks=all} and is retried until the broker acknowledged it: the caller returns (or, for
 * a batch or a manually acknowledged record, acknowledges) only after the dead letter is stored, so the offset is
 * never committed past a record that is neither processed nor recorded. It is a plain producer, not the outbox: decoding failures happen
 * before any transaction, and probe-service has no database.
 */
public final class DeadLetters implements AutoCloseable {

    /** Prometheus {@code cutover_dead_letters_total}. */
    public static final String METRIC = "cutover.dead.letters";

    /**
     * @param topic              the dead-letter topic
     * @param consumer           the consuming service (and group) named in every dead letter and the metric
     * @param maxRecordBytes     records larger than this are set aside unread ({@code TOO_LARGE})
     * @param payloadPrefixBytes how much of the payload a dead letter keeps
     * @param sendTimeout        the producer's delivery timeout: a send not acknowledged by then is tried again
     */
    public record Settings(String topic, String consumer, int maxRecordBytes, int payloadPrefixBytes,
            Duration sendTimeout) {
    }

    /** A record read into its message, or set aside. */
    public record Decoded<T>(T message, DeadLetter deadLetter) {
        public boolean ok() {
            return message != null;
        }
    }

    private static final Logger LOG = Logger.getLogger(DeadLetters.class);
    static final long FIRST_BACKOFF_MILLIS = 100;
    static final long MAX_BACKOFF_MILLIS = 5_000;
    /** Dead letters logged one by one per minute; the rest are counted (the metric has them all). */
    static final int LOG_LINES_PER_MINUTE = 20;

    private final Producer<String, String> producer;
    private final Settings settings;
    private final MeterRegistry registry;
    private final Map<String, Counter> counters = new ConcurrentHashMap<>();
    private final AtomicLong logWindow = new AtomicLong();
    private final AtomicInteger loggedInWindow = new AtomicInteger();
    private final AtomicInteger suppressed = new AtomicInteger();
    private volatile boolean closed;

    /** {@code producer} null: dead letters are only logged and counted (tests of the kit without a broker). */
    public DeadLetters(Producer<String, String> producer, Settings settings, MeterRegistry registry) {
        this.producer = producer;
        this.settings = settings;
        this.registry = registry;
    }

    /** Without a producer or a registry: a poison record is logged and skipped. */
    public static DeadLetters loggingOnly(String consumer) {
        return new DeadLetters(null, new Settings("", consumer, 512 * 1024, 1024, Duration.ofSeconds(10)), null);
    }

    public Settings settings() {
        return settings;
    }

    /**
     * Reads {@code origin}'s value as {@code type}; a poison record is set aside (published, counted) and the result
     * carries its dead letter instead of a message.
     */
    public <T extends CutoverMessage> Decoded<T> decode(RecordOrigin origin, Class<T> type) {
        return decode(origin, type, null);
    }

    /**
     * As {@link #decode(RecordOrigin, Class)}; with {@code pending} not null the dead letter is not waited for but its
     * acknowledgement added to {@code pending} ({@link #awaitAll} before the batch is acknowledged).
     */
    public <T extends CutoverMessage> Decoded<T> decode(RecordOrigin origin, Class<T> type,
            List<CompletableFuture<DeadLetter>> pending) {
        String name = type.getSimpleName();
        String value = origin.value();
        if (value == null) {
            return poison(origin, DeadLetterReason.NULL, name + ": the record has no value", null, pending);
        }
        if (origin.valueBytes() > settings.maxRecordBytes()) {
            return poison(origin, DeadLetterReason.TOO_LARGE, name + ": " + origin.valueBytes()
                    + " bytes, over the cap of " + settings.maxRecordBytes() + " (messaging.consumer.max-record-bytes)",
                    null, pending);
        }
        T message;
        try {
            message = Json.MAPPER.readValue(value, type);
        } catch (StreamReadException e) {
            return poison(origin, DeadLetterReason.NOT_JSON, name + ": not JSON: " + e.getOriginalMessage(), null, pending);
        } catch (DatabindException e) {
            // binding can fail first on a document that is cut short: only well-formed JSON is of the wrong shape
            DeadLetterReason reason = wellFormed(value) ? DeadLetterReason.WRONG_SHAPE : DeadLetterReason.NOT_JSON;
            return poison(origin, reason, name + ": " + e.getOriginalMessage(), null, pending);
        } catch (JsonProcessingException e) {
            return poison(origin, DeadLetterReason.NOT_JSON, name + ": " + e.getOriginalMessage(), null, pending);
        } catch (RuntimeException e) {
            return poison(origin, DeadLetterReason.WRONG_SHAPE, name + ": " + Redelivery.rootMessage(e), null, pending);
        }
        if (message == null) {
            return poison(origin, DeadLetterReason.NULL, name + ": the JSON literal null", null, pending);
        }
        if (blank(message.messageId())) {
            return poison(origin, DeadLetterReason.MISSING_FIELD, name + ": no messageId", message.cutoverId(), pending);
        }
        if (!message.aboutCutover()) {
            if (blank(message.leaseId())) {
                return poison(origin, DeadLetterReason.MISSING_FIELD, name + " " + message.messageId() + ": no leaseId",
                        null, pending);
            }
        } else if (blank(message.cutoverId())) {
            return poison(origin, DeadLetterReason.MISSING_FIELD, name + " " + message.messageId() + ": no cutoverId",
                    null, pending);
        }
        return new Decoded<>(message, null);
    }

    private <T> Decoded<T> poison(RecordOrigin origin, DeadLetterReason reason, String detail, String cutoverId,
            List<CompletableFuture<DeadLetter>> pending) {
        CompletableFuture<DeadLetter> letter = setAsideAsync(origin, reason, detail, cutoverId);
        if (pending == null) {
            return new Decoded<>(null, await(letter));
        }
        pending.add(letter);
        return new Decoded<>(null, letter.getNow(null) == null ? PENDING : letter.getNow(null));
    }

    /** Stands for a dead letter whose acknowledgement is pending (a {@link Decoded} without a message). */
    private static final DeadLetter PENDING = new DeadLetter("pending", null, null, Instant.EPOCH, 0, null, null, -1,
            -1, null, null, -1, null, false);

    /**
     * Publishes a dead letter for {@code origin} and returns it once the broker acknowledged it (retried until it
     * does: the caller must not move past the record before). {@code cutoverId} may be null.
     */
    public DeadLetter setAside(RecordOrigin origin, DeadLetterReason reason, String detail, String cutoverId) {
        return await(setAsideAsync(origin, reason, detail, cutoverId));
    }

    /**
     * As {@link #setAside} without waiting: the future completes when the broker acknowledged the dead letter (a
     * failed send is retried with backoff until it is). The caller acknowledges the record only then.
     */
    public CompletableFuture<DeadLetter> setAsideAsync(RecordOrigin origin, DeadLetterReason reason, String detail,
            String cutoverId) {
        String value = origin.value();
        String prefix = value == null ? null
                : value.length() <= settings.payloadPrefixBytes() ? value : prefix(value, settings.payloadPrefixBytes());
        DeadLetter letter = new DeadLetter(UUID.randomUUID().toString(), cutoverId, origin.key(), Instant.now(),
                CutoverMessage.SCHEMA_VERSION, settings.consumer(), origin.topic(), origin.partition(),
                origin.offset(), reason, oneLine(detail), origin.valueBytes(), prefix,
                value != null && prefix.length() < value.length());
        counter(origin.topic(), reason).increment();
        log(letter);
        CompletableFuture<DeadLetter> done = new CompletableFuture<>();
        if (producer == null) {
            done.complete(letter);
        } else {
            send(letter, new ProducerRecord<>(settings.topic(), letter.leaseId(), Json.write(letter)), done, 1,
                    FIRST_BACKOFF_MILLIS);
        }
        return done;
    }

    /** Waits for every dead letter of a batch; the batch is acknowledged only after this returns. */
    public static void awaitAll(List<CompletableFuture<DeadLetter>> pending) {
        for (CompletableFuture<DeadLetter> f : pending) {
            await(f);
        }
    }

    private static DeadLetter await(CompletableFuture<DeadLetter> f) {
        try {
            return f.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for a dead letter's acknowledgement", e);
        } catch (ExecutionException e) {
            throw new IllegalStateException("dead letter not published", e.getCause());
        }
    }

    private void send(DeadLetter letter, ProducerRecord<String, String> record, CompletableFuture<DeadLetter> done,
            int attempt, long backoff) {
        try {
            producer.send(record, (metadata, e) -> {
                if (e == null) {
                    done.complete(letter);
                } else {
                    retry(letter, record, done, attempt, backoff, e);
                }
            });
        } catch (RuntimeException e) {
            retry(letter, record, done, attempt, backoff, e);
        }
    }

    private void retry(DeadLetter letter, ProducerRecord<String, String> record, CompletableFuture<DeadLetter> done,
            int attempt, long backoff, Exception e) {
        LOG.errorf("dead letter for %s[%d]@%d (%s) not acknowledged on %s, attempt %d, retrying in %d ms: %s",
                letter.sourceTopic(), letter.partition(), letter.offset(), letter.reason(), settings.topic(), attempt,
                backoff, Redelivery.rootMessage(e));
        if (closed) {
            done.completeExceptionally(e);
            return;
        }
        RETRIES.schedule(() -> send(letter, record, done, attempt + 1, Math.min(backoff * 2, MAX_BACKOFF_MILLIS)),
                backoff, TimeUnit.MILLISECONDS);
    }

    private static final ScheduledExecutorService RETRIES = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "dead-letter-retry");
        t.setDaemon(true);
        return t;
    });

    private Counter counter(String topic, DeadLetterReason reason) {
        if (registry == null) {
            return NOOP;
        }
        return counters.computeIfAbsent(topic + "|" + reason, k -> Counter.builder(METRIC)
                .description("records set aside on the dead-letter topic instead of being processed")
                .tag("service", settings.consumer()).tag("topic", topic).tag("reason", reason.name())
                .register(registry));
    }

    private static final Counter NOOP = new Counter() {
        @Override
        public void increment(double amount) {
        }

        @Override
        public double count() {
            return 0;
        }

        @Override
        public Id getId() {
            return new Id("noop", io.micrometer.core.instrument.Tags.empty(), null, null, Type.COUNTER);
        }
    };

    /** Every dead letter while few arrive; in a flood, 20 a minute and then a count of the rest. */
    private void log(DeadLetter d) {
        long minute = System.currentTimeMillis() / 60_000;
        long previous = logWindow.getAndSet(minute);
        if (previous != minute) {
            int missed = suppressed.getAndSet(0);
            loggedInWindow.set(0);
            if (missed > 0) {
                LOG.warnf("%d more dead letters were published without a log line of their own"
                        + " (cutover_dead_letters_total counts every one)", missed);
            }
        }
        if (loggedInWindow.incrementAndGet() <= LOG_LINES_PER_MINUTE) {
            LOG.warnf("dead letter %s: %s[%d]@%d key %s set aside by %s on %s, %s: %s", d.messageId(),
                    d.sourceTopic(), d.partition(), d.offset(), d.leaseId(), d.consumer(),
                    producer == null ? "(no topic: logged only)" : settings.topic(), d.reason(), d.detail());
        } else {
            suppressed.incrementAndGet();
        }
    }

    /**
     * Whether a handler's failure is permanent: the message will never be processed, so retrying is pointless and it
     * is set aside at once ({@code INVALID}). Permanent: {@link InvalidMessageException},
     * {@link IllegalArgumentException} (and {@link NumberFormatException}), {@link NullPointerException},
     * {@link ClassCastException}, {@link IndexOutOfBoundsException}, {@link DateTimeException},
     * {@link ArithmeticException}, a {@link StackOverflowError}, and an {@link SQLException} of class 22 (data
     * exception: a value too long, out of range, malformed) anywhere in the cause chain. Everything else (the
     * database or broker away, a lock timeout, a serialisation conflict) is transient and retried.
     */
    public static boolean isPermanent(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof InvalidMessageException || t instanceof IllegalArgumentException
                    || t instanceof NullPointerException || t instanceof ClassCastException
                    || t instanceof IndexOutOfBoundsException || t instanceof DateTimeException
                    || t instanceof ArithmeticException || t instanceof StackOverflowError) {
                return true;
            }
            if (t instanceof SQLException s && s.getSQLState() != null && s.getSQLState().startsWith("22")) {
                return true;
            }
        }
        return false;
    }

    /** Closes the producer (waits briefly for anything in flight). */
    @Override
    public void close() {
        closed = true;
        if (producer != null) {
            producer.close(Duration.ofSeconds(2));
        }
    }

    static String oneLine(String s) {
        if (s == null) {
            return "";
        }
        String line = s.replaceAll("\\s+", " ").trim();
        return line.length() <= DeadLetter.MAX_DETAIL ? line : line.substring(0, DeadLetter.MAX_DETAIL - 1) + "…";
    }

    /** The longest prefix of {@code s} of at most {@code maxBytes} UTF-8 bytes, not splitting a character. */
    static String prefix(String s, int maxBytes) {
        int bytes = 0;
        int i = 0;
        while (i < s.length()) {
            int cp = s.codePointAt(i);
            int n = cp < 0x80 ? 1 : cp < 0x800 ? 2 : cp < 0x10000 ? 3 : 4;
            if (bytes + n > maxBytes) {
                break;
            }
            bytes += n;
            i += Character.charCount(cp);
        }
        return s.substring(0, i);
    }

    private static boolean wellFormed(String value) {
        try {
            Json.MAPPER.readTree(value);
            return true;
        } catch (JsonProcessingException | RuntimeException e) {
            return false;
        }
    }

    static boolean blank(String s) {
        return s == null || s.isBlank();
    }
}
