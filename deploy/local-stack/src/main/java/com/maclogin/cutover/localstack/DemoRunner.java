package com.maclogin.cutover.localstack;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.PrintStream;
import java.time.Duration;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Drives one demo cutover through the REST API, exactly as an operator would, and shows its progress live:
 * one line per finished step with its evidence, and a progress bar while a step runs.
 */
public final class DemoRunner {

    /** The saga's steps in order, for the progress bar. */
    static final List<String> STEPS = List.of("INVENTORY", "FREEZE", "SNAPSHOT", "INSTALL_CANDIDATE", "FLIP_PLIST",
            "RELOAD", "VALIDATE", "COMMUNICATE", "UNFREEZE");
    static final Set<String> TERMINAL = Set.of("GREEN", "ROLLED_BACK", "ROLLBACK_FAILED", "ABORTED", "FAILED");

    private final LocalStack stack;
    private final PrintStream out;
    private final boolean tty;

    public DemoRunner(LocalStack stack, PrintStream out) {
        this.stack = stack;
        this.out = out;
        this.tty = System.console() != null;
    }

    /** The request body of the demo cutover: two operators covering Hong Kong and US hours, one rollback owner. */
    public static Map<String, Object> demoRequest(String leaseId, String candidateVersion) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("leaseId", leaseId);
        body.put("candidateVersion", candidateVersion);
        body.put("ticketId", "CHG-4711");
        body.put("operators", List.of(
                Map.of("name", "Mei Chan", "timeZone", "Asia/Hong_Kong", "rollbackOwner", true),
                Map.of("name", "Sam Ortiz", "timeZone", "America/New_York", "rollbackOwner", false)));
        body.put("blastRadius", Map.of(
                "channels", List.of("slack:#gateway-ops", "telegram:gateway-ops"),
                "models", List.of("claude-sonnet-4"),
                "cronSchedules", List.of("0 * * * *")));
        return body;
    }

    /** Starts a cutover and returns its id. */
    public String start(String leaseId, String candidateVersion) throws IOException {
        Api.Reply r = stack.orchestrator().post("/api/v1/cutovers", demoRequest(leaseId, candidateVersion));
        out.println("POST /api/v1/cutovers -> " + r.status() + (r.location() != null ? "  Location: " + r.location() : ""));
        if (r.status() != 201) {
            throw new IOException("cutover refused: " + r.body());
        }
        return r.body().path("id").asText();
    }

    /** Follows the cutover until it is terminal, printing progress; returns the final representation. */
    public JsonNode follow(String cutoverId, Duration timeout) throws IOException {
        return follow(cutoverId, null, timeout);
    }

    /**
     * Follows the cutover until it is terminal, printing progress, and returns the final representation. When
     * {@code rollbackWhen} is a state, asks for an operator rollback as soon as the cutover reaches it, then shows
     * rollback-service's progress too.
     */
    public JsonNode follow(String cutoverId, String rollbackWhen, Duration timeout) throws IOException {
        long t0 = System.nanoTime();
        Set<String> printed = new HashSet<>();
        String lastState = "";
        boolean rollbackAsked = false;
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            JsonNode c = stack.orchestrator().get("/api/v1/cutovers/" + cutoverId).body();
            String state = c.path("state").asText();
            double t = (System.nanoTime() - t0) / 1e9;
            if (!state.equals(lastState)) {
                clearBar();
                out.printf("[%6.1fs] state %s%n", t, state);
                lastState = state;
            }
            int done = 0;
            for (JsonNode step : c.path("steps")) {
                String key = step.path("kind").asText() + "#" + step.path("idempotencyKey").asText();
                String outcome = step.path("outcome").asText("");
                if (!outcome.isEmpty() && !outcome.equals("null")) {
                    if (STEPS.contains(step.path("kind").asText()) && "SUCCEEDED".equals(outcome)) {
                        done++;
                    }
                    if (printed.add(key)) {
                        clearBar();
                        out.printf("[%6.1fs]   %s %-18s %6d ms  %s%n", t, "SUCCEEDED".equals(outcome) ? "ok  " : "FAIL",
                                step.path("kind").asText(), step.path("durationMillis").asLong(), summary(step));
                    }
                }
            }
            if (state.startsWith("ROLL")) {
                JsonNode rb = stack.rollbackService().get("/api/v1/rollbacks/" + cutoverId).body();
                for (JsonNode e : rb.path("events")) {
                    String key = "rb#" + e.path("at").asText() + e.path("action").asText();
                    if (printed.add(key)) {
                        clearBar();
                        out.printf("[%6.1fs]   rollback-service: %s%s%s%n", t, e.path("action").asText(),
                                e.hasNonNull("stepKind") ? " " + e.path("stepKind").asText() : "",
                                e.hasNonNull("detail") ? "  " + e.path("detail").asText() : "");
                    }
                }
            }
            if (TERMINAL.contains(state)) {
                clearBar();
                return c;
            }
            if (rollbackWhen != null && !rollbackAsked && rollbackWhen.equals(state)) {
                rollbackAsked = true;
                Api.Reply r = stack.orchestrator().post("/api/v1/cutovers/" + cutoverId + "/rollback",
                        Map.of("requestedBy", "Mei Chan", "reason", "demo: operator-requested rollback during validation"));
                clearBar();
                out.printf("[%6.1fs] POST /api/v1/cutovers/%s/rollback -> %d%n", t, cutoverId, r.status());
                if (r.status() / 100 != 2) {
                    throw new IOException("rollback refused: " + r.body());
                }
            }
            bar(done, c.path("currentStep").asText(state), t);
            if (System.nanoTime() > deadline) {
                clearBar();
                throw new IOException("cutover " + cutoverId + " still " + state + " after " + timeout.toSeconds() + " s");
            }
            sleep(250);
        }
    }

    /** The facts worth a glance, per step. */
    static String summary(JsonNode step) {
        JsonNode f = step.path("facts");
        StringBuilder sb = new StringBuilder();
        for (String k : List.of("gatewayVersion", "plistNodeVersion", "diskFreePercent", "plistSha256", "packageSha256",
                "stateArchiveSha256", "runningVersion", "probeRounds", "integrationP95Millis", "crashes",
                "restartDrillRecoveredMillis", "baselineP95Millis")) {
            if (f.has(k)) {
                String v = f.get(k).asText();
                if (v.matches("[0-9a-f]{64}")) {
                    v = v.substring(0, 12) + "...";
                }
                sb.append(k).append('=').append(v).append("  ");
            }
        }
        String reason = step.path("reason").asText("");
        if (!reason.isEmpty() && !"null".equals(reason)) {
            sb.append("(").append(reason).append(")");
        }
        return sb.toString().trim();
    }

    private void bar(int done, String current, double t) {
        if (!tty) {
            return;
        }
        int width = 27;
        int filled = width * done / STEPS.size();
        out.printf("\r[%6.1fs] [%s%s] %d/%d %s   ", t, "#".repeat(filled), "-".repeat(width - filled), done, STEPS.size(), current);
        out.flush();
    }

    private void clearBar() {
        if (tty) {
            out.print("\r" + " ".repeat(78) + "\r");
        }
    }

    /** Prints the chat messages the local Slack and Telegram servers received. */
    public void printChat() throws IOException {
        printChat(null, Duration.ZERO);
    }

    /**
     * Prints the chat messages once the outcome message ({@code [GREEN]} or {@code [ROLLED BACK]}, by the cutover's
     * final state) reached both chat services, or after {@code patience}: the notifier posts at most one message per
     * second per channel and only after the event, so right at GREEN the thread may still hold only the banner.
     */
    public void printChat(String finalState, Duration patience) throws IOException {
        String marker = "GREEN".equals(finalState) ? "[GREEN]" : "ROLLED_BACK".equals(finalState) ? "[ROLLED BACK]" : null;
        long until = System.nanoTime() + patience.toNanos();
        JsonNode msgs = stack.chatMessages();
        while (marker != null && outcomePosts(msgs, marker) < 2 && System.nanoTime() < until) {
            sleep(250);
            msgs = stack.chatMessages();
        }
        if (marker != null && outcomePosts(msgs, marker) < 2) {
            out.println("(the " + marker + " message has not reached both chat services after " + patience.toSeconds() + " s)");
        }
        out.println("Chat messages (" + msgs.size() + "):");
        for (JsonNode m : msgs) {
            String thread = m.path("threadTs").asText(m.path("replyTo").asText(""));
            boolean slack = "slack".equals(m.path("service").asText());
            out.printf("  [%s %s]%s%s%n", m.path("service").asText(), m.path("channelOrChat").asText(),
                    thread.isEmpty() || "null".equals(thread) ? "" : " (in thread " + thread + ")",
                    m.path("replyBroadcast").asBoolean(false) ? " (also sent to the channel)" : "");
            // Slack's text is sent escaped for mrkdwn (&amp; &lt; &gt;): shown as a person in the channel reads it
            String text = m.path("text").asText();
            if (slack) {
                text = text.replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&");
            }
            for (String line : text.split("\n")) {
                out.println("      " + line);
            }
        }
    }

    private static int outcomePosts(JsonNode msgs, String marker) {
        int n = 0;
        for (JsonNode m : msgs) {
            if (m.path("text").asText().startsWith(marker)) {
                n++;
            }
        }
        return n;
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
