package com.maclogin.cutover.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.PrintWriter;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.function.Function;

/**
 * Follows a cutover or fleet until it ends: polls every {@code interval}, prints on each change (one line, one JSON
 * object, or a redrawn block on a terminal) and returns the exit code of the end state, {@link ExitCodes#TIMEOUT}
 * after {@code timeout}, or the error's code when a poll fails for good (transient failures are retried until
 * the timeout).
 */
public final class Watcher {

    /** How events are shown. */
    public enum Mode { LINES, JSON, TERMINAL }

    /** One poll. */
    public interface Poll {
        JsonNode fetch() throws ApiError;
    }

    /** Sleeps; tests pass one that advances a fake clock. */
    public interface Sleeper {
        void sleep(Duration d) throws InterruptedException;
    }

    private final Poll poll;
    private final Function<JsonNode, Snapshot> snapshot;
    private final Function<Snapshot, Integer> exitCode;
    private final Function<JsonNode, String> block;
    private final Mode mode;
    private final PrintWriter out;
    private final PrintWriter err;
    private final Clock clock;
    private final Sleeper sleeper;
    private int drawnLines;

    public Watcher(Poll poll, Function<JsonNode, Snapshot> snapshot, Function<Snapshot, Integer> exitCode,
            Function<JsonNode, String> block, Mode mode, PrintWriter out, PrintWriter err, Clock clock, Sleeper sleeper) {
        this.poll = poll;
        this.snapshot = snapshot;
        this.exitCode = exitCode;
        this.block = block;
        this.mode = mode;
        this.out = out;
        this.err = err;
        this.clock = clock;
        this.sleeper = sleeper;
    }

    /** @param timeout {@code null} or zero: no limit */
    public int run(Duration interval, Duration timeout) {
        Instant deadline = timeout == null || timeout.isZero() ? null : clock.instant().plus(timeout);
        Snapshot last = null;
        int failures = 0;
        while (true) {
            JsonNode body;
            try {
                body = poll.fetch();
                failures = 0;
            } catch (ApiError e) {
                // 5xx / unreachable may pass (a restarting orchestrator); auth and not-found do not
                if (e.exitCode() != ExitCodes.UNREACHABLE || ++failures > 30) {
                    err.println("cutover: " + e.getMessage());
                    err.flush();
                    return e.exitCode();
                }
                body = null;
            }
            if (body != null) {
                Snapshot now = snapshot.apply(body);
                Integer code = exitCode.apply(now);
                if (now.changedFrom(last) || code != null) {
                    emit(now, body, code);
                    last = now;
                }
                if (code != null) {
                    return code;
                }
            }
            if (deadline != null && !clock.instant().isBefore(deadline)) {
                if (mode == Mode.JSON) {
                    out.println("{\"event\":\"timeout\",\"at\":\"" + clock.instant() + "\",\"id\":"
                            + (last == null ? "null" : Api.JSON.valueToTree(last.id()).toString())
                            + ",\"state\":" + (last == null ? "null" : Api.JSON.valueToTree(last.state()).toString())
                            + ",\"final\":true,\"exitCode\":" + ExitCodes.TIMEOUT + "}");
                } else {
                    out.println("timeout: still " + (last == null ? "unknown" : last.state()) + " after " + timeout.toSeconds()
                            + " s");
                }
                out.flush();
                return ExitCodes.TIMEOUT;
            }
            try {
                sleeper.sleep(interval);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return ExitCodes.INTERNAL;
            }
        }
    }

    private void emit(Snapshot s, JsonNode body, Integer code) {
        Instant at = clock.instant();
        switch (mode) {
            case JSON -> out.println(s.json(at, code).toString());
            case LINES -> out.println(s.line(at));
            case TERMINAL -> {
                if (drawnLines > 0) {
                    out.print("\u001b[" + drawnLines + "A\u001b[J"); // cursor up over the last block, clear below
                }
                String text = block.apply(body) + "\n" + s.line(at) + "\n";
                out.print(text);
                drawnLines = (int) text.chars().filter(c -> c == '\n').count();
            }
            default -> throw new IllegalStateException();
        }
        out.flush();
    }
}
