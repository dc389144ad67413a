package com.maclogin.cutover.orchestrator.it;

import com.maclogin.cutover.contracts.Json;
import io.restassured.RestAssured;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.HttpURLConnection;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Predicate;
import org.awaitility.Awaitility;

/**
 * A real Server-Sent Events client over HTTP (the orchestrator's test port): reads {@code id:}, {@code event:},
 * {@code data:} and comment lines on its own thread. Test helper.
 */
final class SseClient implements AutoCloseable {

    /** One SSE event; {@code data} parsed as the JSON object it must be. */
    record Event(long id, String type, Map<String, Object> data) {
    }

    final int status;
    final String contentType;
    final String body;
    final List<Event> events = new CopyOnWriteArrayList<>();
    final List<String> comments = new CopyOnWriteArrayList<>();
    private final HttpURLConnection connection;
    private volatile boolean closed;

    private SseClient(String path, String token, String lastEventId) throws Exception {
        connection = (HttpURLConnection) URI.create("http://localhost:" + RestAssured.port + path).toURL().openConnection();
        connection.setRequestProperty("Accept", "text/event-stream");
        if (token != null) {
            connection.setRequestProperty("Authorization", "Bearer " + token);
        }
        if (lastEventId != null) {
            connection.setRequestProperty("Last-Event-ID", lastEventId);
        }
        connection.setConnectTimeout(5000);
        connection.setReadTimeout(0);
        status = connection.getResponseCode();
        contentType = connection.getContentType();
        if (status != 200) {
            var err = connection.getErrorStream();
            body = err == null ? "" : new String(err.readAllBytes(), StandardCharsets.UTF_8);
            return;
        }
        body = null;
        Thread t = new Thread(this::read, "sse-client " + path);
        t.setDaemon(true);
        t.start();
    }

    static SseClient open(String path, String token, String lastEventId) {
        try {
            return new SseClient(path, token, lastEventId);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    @SuppressWarnings("unchecked")
    private void read() {
        try (BufferedReader in = new BufferedReader(new InputStreamReader(connection.getInputStream(), StandardCharsets.UTF_8))) {
            String id = null;
            String type = null;
            StringBuilder data = new StringBuilder();
            String line;
            while (!closed && (line = in.readLine()) != null) {
                if (line.isEmpty()) {
                    if (data.length() > 0) {
                        events.add(new Event(Long.parseLong(id), type, Json.read(data.toString(), Map.class)));
                    }
                    id = null;
                    type = null;
                    data.setLength(0);
                } else if (line.startsWith(":")) {
                    comments.add(line.substring(1).trim());
                } else if (line.startsWith("id:")) {
                    id = line.substring(3).trim();
                } else if (line.startsWith("event:")) {
                    type = line.substring(6).trim();
                } else if (line.startsWith("data:")) {
                    data.append(line.substring(5).trim());
                }
            }
        } catch (Exception e) {
            // closed
        }
    }

    /** Waits until an event matching {@code until} arrived; returns every event so far. */
    List<Event> awaitEvent(Predicate<Event> until, Duration atMost) {
        Awaitility.await().atMost(atMost).pollInterval(Duration.ofMillis(100))
                .until(() -> events.stream().anyMatch(until));
        return new ArrayList<>(events);
    }

    @Override
    public void close() {
        closed = true;
        connection.disconnect();
    }
}
