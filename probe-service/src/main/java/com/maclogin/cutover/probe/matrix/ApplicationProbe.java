package com.maclogin.cutover.probe.matrix;

import com.fasterxml.jackson.databind.JsonNode;
import com.maclogin.cutover.contracts.Evidence;
import com.maclogin.cutover.contracts.Json;
import com.maclogin.cutover.contracts.ProbeLayer;
import com.maclogin.cutover.contracts.Verdict;
import com.maclogin.cutover.probe.client.HttpProbeResponse;
import com.maclogin.cutover.probe.client.RawHttp;
import com.maclogin.cutover.contracts.Redaction;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * APPLICATION: {@code GET /healthz} must be {@code 200 {"ok":true,"status":"live"}} and {@code GET /readyz}
 * {@code 200 {"ready":true,"failing":[]}}. {@code failing[]} and {@code suppressed[]} (channels held down by the
 * gateway's crash-loop breaker; {@code /readyz} stays 200) are recorded.
 */
public final class ApplicationProbe implements Probe {

    @Override
    public ProbeLayer layer() {
        return ProbeLayer.APPLICATION;
    }

    @Override
    public ProbeOutcome probe(ProbeSession s) {
        try {
            int port = s.gatewayPort();
            HttpProbeResponse health = s.ssh().http(s.target(), port, "/healthz", RawHttp.get("/healthz", port),
                    s.timeouts().http());
            HttpProbeResponse ready = s.ssh().http(s.target(), port, "/readyz", RawHttp.get("/readyz", port),
                    s.timeouts().http());
            return judge(health, ready, port);
        } catch (Exception ex) {
            return SshProbes.fromSsh(layer(), ex);
        }
    }

    public static ProbeOutcome judge(HttpProbeResponse health, HttpProbeResponse ready, int port) {
        return judge(health, ready, port, true);
    }

    /** {@link #judge(HttpProbeResponse, HttpProbeResponse, int)}; {@code evidence} false: none (the watch's round). */
    public static ProbeOutcome judge(HttpProbeResponse health, HttpProbeResponse ready, int port, boolean evidence) {
        Map<String, String> observed = new LinkedHashMap<>();
        observed.put("healthzStatus", Integer.toString(health.status()));
        observed.put("readyzStatus", Integer.toString(ready.status()));
        JsonNode h = json(health);
        JsonNode r = json(ready);
        boolean live = health.ok() && h != null && h.path("ok").asBoolean(false);
        boolean isReady = ready.ok() && r != null && r.path("ready").asBoolean(false);
        List<String> failing = strings(r, "failing");
        List<String> suppressed = strings(r, "suppressed");
        observed.put("ready", Boolean.toString(isReady));
        observed.put("failing", String.join(",", failing));
        observed.put("suppressed", String.join(",", suppressed));
        Evidence e = !evidence ? null : Evidence.of("GET /healthz /readyz", "GET http://127.0.0.1:" + port
                + "/healthz and /readyz (ssh direct-tcpip)", ready.status(),
                Redaction.redact("/healthz " + health.describe() + " " + body(health) + "\n/readyz "
                        + ready.describe() + " " + body(ready)));
        Verdict v;
        String detail;
        if (!live) {
            v = Verdict.FAILED;
            detail = "/healthz " + health.describe();
        } else if (!isReady || !failing.isEmpty()) {
            v = Verdict.FAILED;
            detail = "/readyz " + ready.describe() + (failing.isEmpty() ? "" : " failing " + failing);
        } else {
            v = Verdict.PASSED;
            detail = "live, ready" + (suppressed.isEmpty() ? "" : "; degraded: suppressed " + suppressed);
        }
        return ProbeOutcome.of(ProbeLayer.APPLICATION, v, Math.max(health.latencyMillis(), ready.latencyMillis()),
                detail, observed, e);
    }

    private static String body(HttpProbeResponse r) {
        return r.status() > 0 ? String.valueOf(r.body()) : "";
    }

    static JsonNode json(HttpProbeResponse r) {
        if (r.status() == 0 || r.body() == null) {
            return null;
        }
        try {
            return Json.MAPPER.readTree(r.body());
        } catch (Exception e) {
            return null;
        }
    }

    private static List<String> strings(JsonNode node, String field) {
        List<String> out = new ArrayList<>();
        if (node != null && node.path(field).isArray()) {
            node.path(field).forEach(v -> out.add(v.asText()));
        }
        return out;
    }
}
