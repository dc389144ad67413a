package com.maclogin.cutover.orchestrator.service;

import com.maclogin.cutover.contracts.ProbeLayer;
import com.maclogin.cutover.contracts.Region;
import com.maclogin.cutover.contracts.Validation;
import com.maclogin.cutover.orchestrator.CutoverState;
import com.maclogin.cutover.orchestrator.LeaseStage;
import com.maclogin.cutover.orchestrator.api.ActionRequest;
import com.maclogin.cutover.orchestrator.api.ApiException;
import com.maclogin.cutover.orchestrator.api.BlastRadius;
import com.maclogin.cutover.orchestrator.api.CanaryRequest;
import com.maclogin.cutover.orchestrator.api.CutoverRequest;
import com.maclogin.cutover.orchestrator.api.FieldError;
import com.maclogin.cutover.orchestrator.api.LeaseRequest;
import com.maclogin.cutover.orchestrator.api.Operator;
import com.maclogin.cutover.orchestrator.saga.ValidationPolicy;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;

/** Checks every request field against the allow-lists of {@link Validation}; throws a 400 naming each bad field. */
public final class InputValidator {

    /** sha256 as {@code shasum -a 256} prints it. */
    private static final Pattern SHA256_LOWER = Pattern.compile("[0-9a-f]{64}");

    public static final int MAX_OPERATORS = 20;
    public static final int MAX_LABELS = 50;
    public static final int MAX_REASON = 500;
    public static final Pattern IDEMPOTENCY_KEY = Pattern.compile("[A-Za-z0-9._:-]{1,128}");
    private static final Pattern LABEL_KEY = Pattern.compile("[A-Za-z0-9._-]{1,63}");
    private static final Set<String> ZONES = ZoneId.getAvailableZoneIds();

    private InputValidator() {
    }

    public static void lease(LeaseRequest r) {
        requireBody(r);
        List<FieldError> errors = new ArrayList<>();
        check(errors, "id", Validation.leaseId(r.id()));
        if (r.region() == null || r.region().isBlank()) {
            errors.add(new FieldError("region", "region is required"));
        } else {
            try {
                Region.parse(r.region());
            } catch (IllegalArgumentException e) {
                errors.add(new FieldError("region", "unknown region '" + Validation.printable(r.region())
                        + "', expected one of HK, JP, KR, SG, US"));
            }
        }
        check(errors, "host", Validation.host(r.host()));
        port(errors, "sshPort", r.sshPort());
        check(errors, "sshUser", Validation.sshUser(r.sshUser()));
        probeUser(errors, r);
        check(errors, "hostKey", Validation.hostKey(r.hostKey()));
        port(errors, "gatewayPort", r.gatewayPort());
        tlsEndpoint(errors, r.tlsEndpoint());
        if (r.labels() != null) {
            if (r.labels().size() > MAX_LABELS) {
                errors.add(new FieldError("labels", "at most " + MAX_LABELS + " labels"));
            }
            r.labels().forEach((k, v) -> {
                if (k == null || !LABEL_KEY.matcher(k).matches()) {
                    errors.add(new FieldError("labels", "label key '" + Validation.printable(k)
                            + "' must be 1-63 letters, digits and '._-'"));
                } else {
                    check(errors, "labels." + k, Validation.label(v));
                }
            });
        }
        Integer watch = r.watchIntervalSeconds();
        if (watch != null && (watch < com.maclogin.cutover.contracts.LeaseRegistration.MIN_WATCH_INTERVAL_SECONDS
                || watch > com.maclogin.cutover.contracts.LeaseRegistration.MAX_WATCH_INTERVAL_SECONDS)) {
            errors.add(new FieldError("watchIntervalSeconds", "watchIntervalSeconds must be between "
                    + com.maclogin.cutover.contracts.LeaseRegistration.MIN_WATCH_INTERVAL_SECONDS + " and "
                    + com.maclogin.cutover.contracts.LeaseRegistration.MAX_WATCH_INTERVAL_SECONDS + " seconds, was " + watch));
        }
        if (r.stage() != null) {
            try {
                LeaseStage.parse(r.stage());
            } catch (IllegalArgumentException e) {
                errors.add(new FieldError("stage", "unknown stage '" + Validation.printable(r.stage())
                        + "', expected STAGING or PRODUCTION"));
            }
        }
        throwIfAny(errors);
    }

    /**
     * The probe account: the same allow-list as {@code sshUser}, and never the gateway's account (the probes must not
     * be able to change what they observe). Omitted = {@link LeaseRequest#DEFAULT_PROBE_USER}.
     */
    private static void probeUser(List<FieldError> errors, LeaseRequest r) {
        String probeUser = r.probeUserOrDefault();
        String bad = Validation.probeUser(probeUser);
        if (bad != null) {
            errors.add(new FieldError("probeUser", bad));
        } else if (probeUser.equals(r.sshUser())) {
            errors.add(new FieldError("probeUser", "probeUser '" + probeUser + "'"
                    + (r.probeUser() == null ? " (the default)" : "") + " is the sshUser: the probe matrix must log in "
                    + "as an OS account other than the gateway's"));
        }
    }

    /** Allowed canary ports and window ({@code orchestrator.canary.*}). */
    public record CanaryLimits(int minPort, int maxPort, int defaultSeconds, int maxSeconds) {
    }

    /**
     * OpenClaw derives ports from its base port (browser control base+2, CDP base+11..base+110) and asks for base
     * ports at least this far apart (OPENCLAW.md section 6), so a canary keeps this distance from the gateway port.
     */
    public static final int CANARY_PORT_DISTANCE = 120;

    /** The canary port against the lease's gateway port: null when acceptable, else why not. */
    public static String canaryPortVersusGateway(int canaryPort, int gatewayPort) {
        if (canaryPort == gatewayPort) {
            return "canary.port " + canaryPort + " is the lease's gateway port";
        }
        if (Math.abs(canaryPort - gatewayPort) < CANARY_PORT_DISTANCE) {
            return "canary.port " + canaryPort + " is within " + CANARY_PORT_DISTANCE + " of the lease's gateway port "
                    + gatewayPort + " (OpenClaw derives ports up to base+110)";
        }
        return null;
    }

    private static void canary(List<FieldError> errors, CanaryRequest c,
            CanaryLimits limits) {
        if (c == null) {
            return;
        }
        if (c.port() == null) {
            errors.add(new FieldError("canary.port", "canary.port is required when canary is given"));
        } else if (c.port() < limits.minPort() || c.port() > limits.maxPort()) {
            errors.add(new FieldError("canary.port", "canary.port " + c.port() + " is outside the allowed range "
                    + limits.minPort() + "-" + limits.maxPort()));
        }
        if (c.seconds() != null && (c.seconds() < 1 || c.seconds() > limits.maxSeconds())) {
            errors.add(new FieldError("canary.seconds", "canary.seconds " + c.seconds() + " must be 1-"
                    + limits.maxSeconds()));
        }
    }

    /** Checks every field and resolves the validation settings (stricter taken, looser only with an override). */
    public static ValidationPolicy.Result cutover(CutoverRequest r, ValidationPolicy.Defaults defaults,
            CanaryLimits canaryLimits) {
        requireBody(r);
        List<FieldError> errors = new ArrayList<>();
        check(errors, "leaseId", Validation.leaseId(r.leaseId()));
        check(errors, "candidateVersion", Validation.version(r.candidateVersion()));
        if (r.candidateSha256() != null && !SHA256_LOWER.matcher(r.candidateSha256()).matches()) {
            errors.add(new FieldError("candidateSha256", "candidateSha256 '" + Validation.printable(r.candidateSha256())
                    + "' must be 64 lowercase hex characters: the sha256 of openclaw-<candidateVersion>.tgz"));
        }
        check(errors, "ticketId", Validation.ticketId(r.ticketId()));
        canary(errors, r.canary(), canaryLimits);
        List<Operator> ops = r.operators();
        if (ops == null || ops.isEmpty()) {
            errors.add(new FieldError("operators", "operators are required: at least two, one of them the rollback owner"));
        } else if (ops.size() > MAX_OPERATORS) {
            errors.add(new FieldError("operators", "at most " + MAX_OPERATORS + " operators"));
        } else {
            int owners = 0;
            for (int i = 0; i < ops.size(); i++) {
                Operator o = ops.get(i);
                String at = "operators[" + i + "]";
                if (o == null) {
                    errors.add(new FieldError(at, "operator must be an object"));
                    continue;
                }
                check(errors, at + ".name", Validation.label(o.name()));
                if (o.timeZone() == null || o.timeZone().isBlank()) {
                    errors.add(new FieldError(at + ".timeZone", "time zone is required"));
                } else if (!ZONES.contains(o.timeZone())) {
                    errors.add(new FieldError(at + ".timeZone", "time zone '" + Validation.printable(o.timeZone())
                            + "' is not an IANA time zone id such as Asia/Hong_Kong"));
                }
                if (o.isRollbackOwner()) {
                    owners++;
                }
            }
            if (ops.size() < 2) {
                errors.add(new FieldError("operators", "at least two operators are required, got " + ops.size()));
            }
            if (owners != 1) {
                errors.add(new FieldError("operators", "exactly one operator must be the rollback owner, got " + owners));
            }
        }
        BlastRadius b = r.blastRadius();
        if (b == null) {
            errors.add(new FieldError("blastRadius", "blast radius is required: channels, models and cronSchedules"));
        } else {
            labels(errors, "blastRadius.channels", b.channels());
            labels(errors, "blastRadius.models", b.models());
            labels(errors, "blastRadius.cronSchedules", b.cronSchedules());
        }
        ValidationPolicy.Result policy = ValidationPolicy.resolve(defaults, r.validation(), r.thresholds(),
                r.triggerActions(), r.overrides());
        errors.addAll(policy.errors());
        throwIfAny(errors);
        return policy;
    }

    /** {@code host:port} of a TLS endpoint; null when absent. */
    public static void tlsEndpoint(List<FieldError> errors, String endpoint) {
        if (endpoint == null) {
            return;
        }
        int colon = endpoint.lastIndexOf(':');
        if (colon <= 0 || colon == endpoint.length() - 1) {
            errors.add(new FieldError("tlsEndpoint", "tlsEndpoint '" + Validation.printable(endpoint)
                    + "' must be host:port, e.g. gateway.example.com:443"));
            return;
        }
        String why = Validation.host(endpoint.substring(0, colon));
        if (why != null) {
            errors.add(new FieldError("tlsEndpoint", "tlsEndpoint " + why));
        }
        String port = endpoint.substring(colon + 1);
        if (!port.matches("[0-9]{1,5}") || Validation.port(Integer.parseInt(port)) != null) {
            errors.add(new FieldError("tlsEndpoint", "tlsEndpoint port '" + Validation.printable(port) + "' is not 1-65535"));
        }
    }

    /** The {@code layer} filter of probe results; null when absent. */
    public static ProbeLayer layerFilter(String layer) {
        if (layer == null || layer.isBlank()) {
            return null;
        }
        try {
            return ProbeLayer.valueOf(layer.trim().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw ApiException.invalid("layer", "unknown layer '" + Validation.printable(layer) + "', expected one of "
                    + Arrays.toString(ProbeLayer.values()));
        }
    }

    /** A path id (cutover or lease): at most 64 printable ASCII characters, else 404 would echo junk; 400 instead. */
    public static String pathId(String field, String id) {
        if (id == null || id.isEmpty() || id.length() > 64 || !id.matches("[A-Za-z0-9._-]+")) {
            throw ApiException.invalid(field, field + " '" + Validation.printable(String.valueOf(id))
                    + "' is not an id: letters, digits, '.', '_' and '-', at most 64 characters");
        }
        return id;
    }

    public static void action(ActionRequest r) {
        requireBody(r);
        List<FieldError> errors = new ArrayList<>();
        if (r.requestedBy() != null) {
            check(errors, "requestedBy", Validation.label(r.requestedBy()));
        }
        reason(errors, r.reason());
        throwIfAny(errors);
    }

    public static String operatorHeader(String header) {
        if (header == null || header.isBlank()) {
            return null;
        }
        String why = Validation.label(header);
        if (why != null) {
            throw ApiException.invalid("X-Operator", why);
        }
        return header;
    }

    public static String idempotencyKey(String key) {
        if (key == null || key.isEmpty()) {
            return null;
        }
        if (!IDEMPOTENCY_KEY.matcher(key).matches()) {
            throw ApiException.invalid("Idempotency-Key", "Idempotency-Key must be 1-128 characters of letters, digits and '._:-'");
        }
        return key;
    }

    public static CutoverState stateFilter(String state) {
        if (state == null || state.isBlank()) {
            return null;
        }
        try {
            return CutoverState.valueOf(state.trim().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw ApiException.invalid("state", "unknown state '" + Validation.printable(state) + "', expected one of "
                    + CutoverState.allowedValues());
        }
    }

    public static String leaseFilter(String lease) {
        if (lease == null || lease.isBlank()) {
            return null;
        }
        String why = Validation.leaseId(lease);
        if (why != null) {
            throw ApiException.invalid("lease", why);
        }
        return lease;
    }

    public static int limit(Integer limit) {
        if (limit == null) {
            return 100;
        }
        if (limit < 1 || limit > 500) {
            throw ApiException.invalid("limit", "limit must be between 1 and 500");
        }
        return limit;
    }

    private static void reason(List<FieldError> errors, String reason) {
        if (reason == null || reason.isBlank()) {
            errors.add(new FieldError("reason", "reason is required"));
        } else if (reason.length() > MAX_REASON) {
            errors.add(new FieldError("reason", "reason is longer than " + MAX_REASON + " characters"));
        } else if (reason.chars().anyMatch(c -> c < 0x20 && c != '\n' && c != '\t')) {
            errors.add(new FieldError("reason", "reason contains control characters"));
        }
    }

    private static void labels(List<FieldError> errors, String field, List<String> values) {
        if (values == null) {
            return;
        }
        if (values.size() > MAX_LABELS) {
            errors.add(new FieldError(field, "at most " + MAX_LABELS + " entries"));
            return;
        }
        for (int i = 0; i < values.size(); i++) {
            check(errors, field + "[" + i + "]", Validation.label(values.get(i)));
        }
    }

    private static void port(List<FieldError> errors, String field, Integer port) {
        if (port == null) {
            errors.add(new FieldError(field, field + " is required"));
        } else {
            check(errors, field, Validation.port(port));
        }
    }

    private static void check(List<FieldError> errors, String field, String why) {
        if (why != null) {
            errors.add(new FieldError(field, why));
        }
    }

    private static void requireBody(Object body) {
        if (body == null) {
            throw ApiException.invalid("body", "a JSON request body is required");
        }
    }

    private static void throwIfAny(List<FieldError> errors) {
        if (!errors.isEmpty()) {
            throw ApiException.invalid(errors);
        }
    }
}
