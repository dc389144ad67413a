package com.maclogin.cutover.probe.matrix;

import com.fasterxml.jackson.databind.JsonNode;
import com.maclogin.cutover.contracts.Evidence;
import com.maclogin.cutover.contracts.ProbeLayer;
import com.maclogin.cutover.contracts.Verdict;
import com.maclogin.cutover.probe.client.HttpProbeResponse;
import com.maclogin.cutover.probe.client.RawHttp;
import com.maclogin.cutover.contracts.Redaction;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * INTEGRATION: the synthetic webhook {@code POST /hooks/wake} {@code {"text":"cutover smoke test",
 * "mode":"next-heartbeat"}} with the lease's hooks token as Bearer (no model call). PASSED on
 * {@code 200 {"ok":true}}; the latency feeds the P95 rule. The token goes on the wire only.
 */
public final class IntegrationProbe implements Probe {

    public static final String PATH = "/hooks/wake";
    public static final String BODY = "{\"text\":\"cutover smoke test\",\"mode\":\"next-heartbeat\"}";

    @Override
    public ProbeLayer layer() {
        return ProbeLayer.INTEGRATION;
    }

    @Override
    public ProbeOutcome probe(ProbeSession s) {
        if (s.hooksToken() == null) {
            return ProbeOutcome.error(layer(), "hooks token not available (hooks.token in ~/.openclaw/openclaw.json)");
        }
        try {
            byte[] request = RawHttp.request("POST", PATH, s.gatewayPort(),
                    Map.of("Authorization", "Bearer " + s.hooksToken()), BODY.getBytes(StandardCharsets.UTF_8));
            HttpProbeResponse r = s.ssh().http(s.target(), s.gatewayPort(), PATH, request, s.timeouts().integration());
            return judge(r, s.gatewayPort());
        } catch (Exception ex) {
            return SshProbes.fromSsh(layer(), ex);
        }
    }

    public static ProbeOutcome judge(HttpProbeResponse r, int port) {
        Map<String, String> observed = new LinkedHashMap<>();
        observed.put("status", Integer.toString(r.status()));
        JsonNode body = ApplicationProbe.json(r);
        boolean ok = r.ok() && body != null && body.path("ok").asBoolean(false);
        if (body != null && body.path("eventOutcome").isTextual()) {
            observed.put("eventOutcome", body.path("eventOutcome").asText());
        }
        Evidence e = Evidence.of("POST " + PATH, "POST http://127.0.0.1:" + port + PATH
                + " (ssh direct-tcpip, Authorization: Bearer [redacted]) " + BODY, r.status(),
                Redaction.redact(r.status() > 0 ? r.body() : r.error()));
        String detail = ok ? "200 " + observed.getOrDefault("eventOutcome", "ok") + " in " + r.latencyMillis() + " ms"
                : PATH + " " + r.describe();
        return ProbeOutcome.of(ProbeLayer.INTEGRATION, ok ? Verdict.PASSED : Verdict.FAILED, r.latencyMillis(), detail,
                observed, e);
    }
}
