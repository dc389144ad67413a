package com.maclogin.cutover.orchestrator.service;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.maclogin.cutover.contracts.Json;
import com.maclogin.cutover.orchestrator.EventLogEntry;
import com.maclogin.cutover.orchestrator.config.OrchestratorConfig;
import com.maclogin.cutover.orchestrator.repository.EventLogRepository;
import io.quarkus.logging.Log;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.scheduler.Scheduled;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.sse.OutboundSseEvent;
import jakarta.ws.rs.sse.Sse;
import jakarta.ws.rs.sse.SseEventSink;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * Serves every open event stream from the event log with <b>one</b> shared poller: each
 * {@code orchestrator.events.poll-interval} it numbers the newly committed rows ({@link EventLogRepository#sequence}),
 * reads the rows after the last one it handed out once, and writes each to the streams whose filter it matches. A
 * stream that starts behind (resumed with {@code Last-Event-ID}, or a cutover's stream from its beginning) is caught up
 * from the log first, a batch per tick, then joins the shared read. A stream quiet for
 * {@code orchestrator.events.heartbeat} gets a comment line. Rows older than {@code orchestrator.events.retention} are
 * deleted hourly.
 */
@ApplicationScoped
public class EventStreamHub {

    public static final String POLL_IDENTITY = "event-stream-poll";

    /** Which rows a stream gets: one cutover's, one fleet's (its own and its cutovers'), or all (both null). */
    public record Filter(String cutoverId, String fleetId) {
        public static final Filter ALL = new Filter(null, null);

        boolean matches(EventLogEntry e) {
            if (cutoverId != null) {
                return cutoverId.equals(e.cutoverId);
            }
            return fleetId == null || fleetId.equals(e.fleetId);
        }
    }

    private static final class Subscriber {
        final Filter filter;
        final SseEventSink sink;
        final Sse sse;
        long cursor;
        long lastWriteNanos = System.nanoTime();
        volatile boolean broken;

        Subscriber(Filter filter, long cursor, SseEventSink sink, Sse sse) {
            this.filter = filter;
            this.cursor = cursor;
            this.sink = sink;
            this.sse = sse;
        }
    }

    private final EventLogRepository log;
    private final OrchestratorConfig config;
    private final List<Subscriber> subscribers = new CopyOnWriteArrayList<>();
    /** Highest event id the poller has handed out; -1 until it read the log's end (again) with streams open. */
    private volatile long handedOut = -1;
    private volatile boolean stopped;

    public EventStreamHub(EventLogRepository log, OrchestratorConfig config) {
        this.log = log;
        this.config = config;
    }

    /** The log's current end: where a stream that asked for nothing older starts. */
    public long currentEnd() {
        return QuarkusTransaction.requiringNew().call(log::maxSeq);
    }

    /**
     * Opens a stream after event id {@code after}: writes a comment at once (so the client sees the response start and
     * the reconnect delay), then the poller takes over.
     */
    public void open(Filter filter, long after, SseEventSink sink, Sse sse) {
        sink.send(sse.newEventBuilder().comment("event stream after id " + after).reconnectDelay(3000).build());
        subscribers.add(new Subscriber(filter, after, sink, sse));
        Log.debugf("event stream opened (cutover %s, fleet %s) after %d; %d open", filter.cutoverId(),
                filter.fleetId(), after, subscribers.size());
    }

    /** Open streams (for tests and health). */
    public int openStreams() {
        return subscribers.size();
    }

    void shutdown(@Observes ShutdownEvent ev) {
        stopped = true;
        for (Subscriber s : subscribers) {
            close(s);
        }
    }

    @Scheduled(identity = POLL_IDENTITY, every = "${orchestrator.events.poll-interval:1s}",
            concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    void tick() {
        if (stopped) {
            return;
        }
        try {
            poll();
        } catch (RuntimeException e) {
            Log.warnf(e, "event stream poll failed; retried next tick");
        }
    }

    /** One round of the shared poller. */
    void poll() {
        int batch = config.events().batchSize();
        QuarkusTransaction.requiringNew().call(() -> log.sequence(batch * 4));
        subscribers.removeIf(s -> s.broken || s.sink.isClosed());
        if (subscribers.isEmpty()) {
            handedOut = -1;
            return;
        }
        if (handedOut < 0) {
            handedOut = QuarkusTransaction.requiringNew().call(log::maxSeq);
        }
        long from = handedOut;
        List<EventLogEntry> fresh = QuarkusTransaction.requiringNew()
                .call(() -> log.after(from, Long.MAX_VALUE, null, null, batch));
        long to = fresh.isEmpty() ? from : fresh.get(fresh.size() - 1).seq;
        Map<Long, String> rendered = new HashMap<>();
        long heartbeatNanos = config.events().heartbeat().toNanos();
        for (Subscriber s : subscribers) {
            if (s.cursor < from) {
                List<EventLogEntry> behind = QuarkusTransaction.requiringNew()
                        .call(() -> log.after(s.cursor, from, s.filter.cutoverId(), s.filter.fleetId(), batch));
                for (EventLogEntry e : behind) {
                    write(s, e, render(e));
                }
                s.cursor = behind.size() < batch ? from : behind.get(behind.size() - 1).seq;
            }
            if (s.cursor >= from) {
                for (EventLogEntry e : fresh) {
                    if (e.seq > s.cursor && s.filter.matches(e)) {
                        write(s, e, rendered.computeIfAbsent(e.seq, k -> render(e)));
                    }
                }
                s.cursor = Math.max(s.cursor, to);
            }
            if (!s.broken && System.nanoTime() - s.lastWriteNanos >= heartbeatNanos) {
                send(s, s.sse.newEventBuilder().comment("heartbeat " + Instant.now()).build());
            }
        }
        handedOut = to;
    }

    private void write(Subscriber s, EventLogEntry e, String json) {
        send(s, s.sse.newEventBuilder().id(Long.toString(e.seq)).name(e.type).mediaType(MediaType.TEXT_PLAIN_TYPE)
                .data(String.class, json).build());
    }

    private void send(Subscriber s, OutboundSseEvent event) {
        if (s.broken) {
            return;
        }
        try {
            s.sink.send(event).whenComplete((ok, failure) -> {
                if (failure != null) {
                    s.broken = true;
                }
            });
            s.lastWriteNanos = System.nanoTime();
        } catch (RuntimeException closed) {
            s.broken = true;
        }
    }

    private static void close(Subscriber s) {
        try {
            s.sink.close();
        } catch (RuntimeException ignored) {
            // already gone
        }
    }

    /** The SSE {@code data:} of a row: one JSON object with the envelope fields first, then the type's own. */
    static String render(EventLogEntry e) {
        ObjectNode n = Json.MAPPER.createObjectNode();
        n.put("id", e.seq);
        n.put("type", e.type);
        n.put("at", e.at.toString());
        n.put("cutoverId", e.cutoverId);
        n.put("fleetId", e.fleetId);
        n.put("leaseId", e.leaseId);
        n.put("region", e.region);
        try {
            JsonNode data = Json.MAPPER.readTree(e.data == null ? "{}" : e.data);
            data.fields().forEachRemaining(f -> {
                if (!n.has(f.getKey())) {
                    n.set(f.getKey(), f.getValue());
                }
            });
        } catch (Exception bad) {
            n.put("dataError", "unreadable stored data");
        }
        return n.toString();
    }

    /** Deletes rows older than the retention. */
    @Scheduled(identity = "event-log-retention", every = "1h", delayed = "1m")
    void purge() {
        if (stopped) {
            return;
        }
        Duration keep = config.events().retention();
        long n = QuarkusTransaction.requiringNew().call(() -> log.purge(Instant.now().minus(keep)));
        if (n > 0) {
            Log.infof("event log: %d rows older than %s deleted", n, keep);
        }
    }
}
