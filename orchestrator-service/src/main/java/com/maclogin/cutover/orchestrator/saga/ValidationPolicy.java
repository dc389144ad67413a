package com.maclogin.cutover.orchestrator.saga;

import com.maclogin.cutover.contracts.ProbeLayer;
import com.maclogin.cutover.contracts.ProbePlan;
import com.maclogin.cutover.contracts.TriggerAction;
import com.maclogin.cutover.contracts.TriggerKind;
import com.maclogin.cutover.contracts.TriggerThresholds;
import com.maclogin.cutover.contracts.Validation;
import com.maclogin.cutover.orchestrator.ValidationSettings;
import com.maclogin.cutover.orchestrator.api.FieldError;
import com.maclogin.cutover.orchestrator.api.OverrideRequest;
import com.maclogin.cutover.orchestrator.api.ThresholdsRequest;
import com.maclogin.cutover.orchestrator.api.ValidationRequest;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Turns the optional validation parts of a cutover request into the settings of its validation window, as a pure
 * function. The playbook rule: a value stricter than the default is taken as it is; a looser one (shorter window,
 * longer interval, no restart drill, more crashes, a shorter crash window, a higher error rate, more samples, a
 * higher latency multiple, a lower disk minimum) is refused naming the field, unless an override for that field and
 * value with a reason and an approver is present; then it is taken and reported as an applied override.
 */
public final class ValidationPolicy {

    public static final int MAX_WINDOW_SECONDS = 86_400;
    public static final int MAX_INTERVAL_SECONDS = 60;
    public static final int MAX_OVERRIDES = 20;
    public static final int MAX_REASON = 500;

    public static final String WINDOW = "validation.windowSeconds";
    public static final String INTERVAL = "validation.probeIntervalSeconds";
    public static final String RESTART_DRILL = "validation.restartDrill";
    public static final String CRASH_COUNT = "thresholds.crashCount";
    public static final String CRASH_WINDOW = "thresholds.crashWindowSeconds";
    public static final String ERROR_RATE = "thresholds.errorRatePercent";
    public static final String MIN_SAMPLES = "thresholds.minSamples";
    public static final String LATENCY = "thresholds.latencyMultiplier";
    public static final String DISK_MIN = "thresholds.diskFreeMinPercent";
    /** Skips the staging-first gate for this cutover: override value {@code false}. */
    public static final String STAGING_FIRST = "gates.stagingFirst";
    /** Accepts a lease whose CLI and service differ for this cutover (gate CLI_MATCHES_SERVICE): override value {@code false}. */
    public static final String CLI_MATCHES_SERVICE = "gates.cliMatchesService";
    /** Accepts a lease the continuous watch saw DOWN or crash-looping (gate LEASE_HEALTH): override value {@code false}. */
    public static final String LEASE_HEALTH = "gates.leaseHealth";
    /** The fields an override may loosen: the numbers, the three gates and each trigger's action ({@code triggerActions.CRASH}). */
    public static final List<String> OVERRIDABLE = overridable();

    private static List<String> overridable() {
        List<String> all = new ArrayList<>(List.of(WINDOW, INTERVAL, RESTART_DRILL, CRASH_COUNT, CRASH_WINDOW, ERROR_RATE,
                MIN_SAMPLES, LATENCY, DISK_MIN, STAGING_FIRST, CLI_MATCHES_SERVICE, LEASE_HEALTH));
        for (TriggerKind k : TriggerKind.values()) {
            all.add("triggerActions." + k.name());
        }
        return List.copyOf(all);
    }

    private ValidationPolicy() {
    }

    /** Configuration defaults: the window, the probe interval and the configured restart drill second (or null). */
    public record Defaults(int windowSeconds, int intervalMillis, Integer restartDrillAtSecond) {
    }

    /** The settings of one cutover's validation window, stored with the cutover. */
    /**
     * A loosening the request asks for with an override: for the audit trail. {@code approvedBy} is null until a second
     * operator approves it through the API (the request's own {@code approvedBy} is ignored).
     */
    public record AppliedOverride(String field, String from, String to, String reason, String approvedBy) {
    }

    /** ValidationSettings and applied overrides, or the refusals (then settings is null). */
    public record Result(ValidationSettings settings, List<AppliedOverride> overrides, List<FieldError> errors) {
        public boolean ok() {
            return errors.isEmpty();
        }

        /** The approved skip of the staging-first gate, if the request carries one. */
        public Optional<AppliedOverride> stagingOverride() {
            return overrides.stream().filter(o -> STAGING_FIRST.equals(o.field())).findFirst();
        }

        /** The approved acceptance of a CLI that differs from the service, if the request carries one. */
        public Optional<AppliedOverride> cliOverride() {
            return overrides.stream().filter(o -> CLI_MATCHES_SERVICE.equals(o.field())).findFirst();
        }
    }

    /** The settings with no request parts: configuration defaults, playbook thresholds, ROLLBACK for every trigger. */
    public static ValidationSettings defaults(Defaults d) {
        return resolve(d, null, null, null, null).settings();
    }

    public static Result resolve(Defaults d, ValidationRequest v, ThresholdsRequest t, Map<String, String> actions,
            List<OverrideRequest> overrides) {
        Resolver r = new Resolver(overrides);
        int window = d.windowSeconds();
        int interval = d.intervalMillis();
        boolean drill = true;
        if (v != null) {
            if (v.windowSeconds() != null) {
                window = r.integer(WINDOW, v.windowSeconds(), d.windowSeconds(), 1, MAX_WINDOW_SECONDS, false,
                        "a shorter validation window");
            }
            if (v.probeIntervalSeconds() != null) {
                int requested = v.probeIntervalSeconds();
                if (requested < 1 || requested > MAX_INTERVAL_SECONDS) {
                    r.error(INTERVAL, INTERVAL + " must be between 1 and " + MAX_INTERVAL_SECONDS);
                } else if (requested * 1000 > d.intervalMillis()) {
                    if (r.loosen(INTERVAL, seconds(d.intervalMillis()), String.valueOf(requested), "a longer probe interval")) {
                        interval = requested * 1000;
                    }
                } else {
                    interval = requested * 1000;
                }
            }
            if (Boolean.FALSE.equals(v.restartDrill())) {
                drill = !r.loosen(RESTART_DRILL, "true", "false", "no restart drill");
            }
        }
        TriggerThresholds p = TriggerThresholds.playbook();
        int crashCount = p.crashCount();
        int crashWindow = p.crashWindowSeconds();
        double errorRate = p.errorRatePercent();
        int minSamples = p.minSamples();
        double latency = p.latencyMultiplier();
        double diskMin = p.diskFreeMinPercent();
        if (t != null) {
            if (t.crashCount() != null) {
                crashCount = r.integer(CRASH_COUNT, t.crashCount(), p.crashCount(), 1, 1000, true, "more crashes");
            }
            if (t.crashWindowSeconds() != null) {
                crashWindow = r.integer(CRASH_WINDOW, t.crashWindowSeconds(), p.crashWindowSeconds(), 1, MAX_WINDOW_SECONDS,
                        false, "a shorter crash window");
            }
            if (t.errorRatePercent() != null) {
                errorRate = r.decimal(ERROR_RATE, t.errorRatePercent(), p.errorRatePercent(), 0, 100, true, "a higher error rate");
            }
            if (t.minSamples() != null) {
                minSamples = r.integer(MIN_SAMPLES, t.minSamples(), p.minSamples(), 1, 100_000, true, "more samples before a verdict");
            }
            if (t.latencyMultiplier() != null) {
                latency = r.decimal(LATENCY, t.latencyMultiplier(), p.latencyMultiplier(), 1, 1000, true, "a higher latency multiple");
            }
            if (t.diskFreeMinPercent() != null) {
                diskMin = r.decimal(DISK_MIN, t.diskFreeMinPercent(), p.diskFreeMinPercent(), 0, 100, false, "a lower disk minimum");
            }
        }
        Map<TriggerKind, TriggerAction> resolvedActions = new EnumMap<>(TriggerKind.class);
        for (TriggerKind k : TriggerKind.values()) {
            resolvedActions.put(k, TriggerAction.ROLLBACK);
        }
        if (actions != null) {
            for (Map.Entry<String, String> e : actions.entrySet()) {
                String field = "triggerActions." + Validation.printable(String.valueOf(e.getKey()));
                TriggerKind kind = parse(TriggerKind.class, e.getKey());
                if (kind == null) {
                    r.error(field, "unknown trigger, expected one of " + names(TriggerKind.values()));
                    continue;
                }
                TriggerAction action = parse(TriggerAction.class, e.getValue());
                if (action == null) {
                    r.error(field, "unknown action '" + Validation.printable(String.valueOf(e.getValue()))
                            + "', expected one of " + names(TriggerAction.values()));
                    continue;
                }
                if (action == TriggerAction.ROLLBACK || r.loosen("triggerActions." + kind.name(), TriggerAction.ROLLBACK.name(),
                        action.name(), "a milder action")) {
                    resolvedActions.put(kind, action);
                }
            }
        }
        if (r.overrideIndex.containsKey(STAGING_FIRST)) {
            // decided at the gates (is there a GREEN staging cutover?); here only the approval is checked and recorded
            r.loosen(STAGING_FIRST, "true", "false", "skipping the staging-first gate");
        }
        if (r.overrideIndex.containsKey(CLI_MATCHES_SERVICE)) {
            // decided at the gates (do the CLI and the service differ?); here only the approval is checked and recorded
            r.loosen(CLI_MATCHES_SERVICE, "true", "false", "accepting a CLI that differs from the service");
        }
        if (r.overrideIndex.containsKey(LEASE_HEALTH)) {
            // decided at the gates (was the lease DOWN or crash-looping lately?); here only the approval is recorded
            r.loosen(LEASE_HEALTH, "true", "false", "accepting a lease the watch saw DOWN or crash-looping");
        }
        r.unusedOverrides();
        if (!r.errors.isEmpty()) {
            return new Result(null, List.of(), List.copyOf(r.errors));
        }
        Integer drillAt = drill ? drillSecond(d.restartDrillAtSecond(), window) : null;
        TriggerThresholds thresholds = new TriggerThresholds(crashCount, crashWindow, errorRate, minSamples, latency,
                p.latencyFloorMillis(), p.integrationP95MaxMillis(), diskMin);
        return new Result(new ValidationSettings(window, interval, drillAt, thresholds, Map.copyOf(resolvedActions)),
                List.copyOf(r.applied), List.of());
    }

    /** The configured drill second when it falls inside the window, else one third of the window (null for 1 s). */
    static Integer drillSecond(Integer configured, int window) {
        if (configured != null && configured >= 0 && configured < window) {
            return configured;
        }
        return window >= 2 ? Math.max(1, window / 3) : null;
    }

    /** The VALIDATE command's probe matrix: every layer, TLS only with an endpoint. */
    public static ProbePlan plan(ValidationSettings s, String tlsEndpoint, int tlsMinValidDays, Double baselineP95Millis,
            String rollbackOwner) {
        List<ProbeLayer> layers = new ArrayList<>();
        for (ProbeLayer l : ProbeLayer.values()) {
            if (l != ProbeLayer.TLS || tlsEndpoint != null) {
                layers.add(l);
            }
        }
        return new ProbePlan(List.copyOf(layers), s.intervalMillis(), s.windowSeconds(), s.restartDrillAtSecond(),
                s.thresholds(), new EnumMap<>(s.actions()), baselineP95Millis, tlsEndpoint,
                tlsEndpoint == null ? null : tlsMinValidDays, rollbackOwner);
    }

    private static String seconds(int millis) {
        return millis % 1000 == 0 ? String.valueOf(millis / 1000) : BigDecimal.valueOf(millis).movePointLeft(3).stripTrailingZeros().toPlainString();
    }

    private static <E extends Enum<E>> E parse(Class<E> type, String s) {
        if (s == null) {
            return null;
        }
        try {
            return Enum.valueOf(type, s.trim().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    private static String names(Enum<?>[] values) {
        List<String> n = new ArrayList<>();
        for (Enum<?> v : values) {
            n.add(v.name());
        }
        return String.join(", ", n);
    }

    private static final class Resolver {
        final List<FieldError> errors = new ArrayList<>();
        final List<AppliedOverride> applied = new ArrayList<>();
        final Map<String, Integer> overrideIndex = new LinkedHashMap<>();
        final List<OverrideRequest> overrides;
        final Set<String> used = new HashSet<>();

        Resolver(List<OverrideRequest> overrides) {
            this.overrides = overrides == null ? List.of() : overrides;
            if (this.overrides.size() > MAX_OVERRIDES) {
                error("overrides", "at most " + MAX_OVERRIDES + " overrides");
                return;
            }
            for (int i = 0; i < this.overrides.size(); i++) {
                OverrideRequest o = this.overrides.get(i);
                String at = "overrides[" + i + "]";
                if (o == null) {
                    error(at, "override must be an object {field, value, reason, approvedBy}");
                    continue;
                }
                if (o.field() == null || !OVERRIDABLE.contains(o.field())) {
                    error(at + ".field", "field '" + Validation.printable(String.valueOf(o.field()))
                            + "' cannot be overridden, expected one of " + String.join(", ", OVERRIDABLE));
                    continue;
                }
                if (overrideIndex.containsKey(o.field())) {
                    error(at + ".field", "a second override for " + o.field());
                    continue;
                }
                boolean valid = true;
                if (o.value() == null || o.value().isBlank()) {
                    error(at + ".value", "value is required: the looser value being approved");
                    valid = false;
                }
                String why = reason(o.reason());
                if (why != null) {
                    error(at + ".reason", why);
                    valid = false;
                }
                // approvedBy is ignored: the approver is the second operator who approves through the API
                if (valid) {
                    overrideIndex.put(o.field(), i);
                } else {
                    used.add(o.field()); // already refused; do not also call it unused
                }
            }
        }

        void error(String field, String reason) {
            errors.add(new FieldError(field, reason));
        }

        int integer(String field, int requested, int dflt, int min, int max, boolean higherIsLooser, String what) {
            if (requested < min || requested > max) {
                error(field, field + " must be between " + min + " and " + max);
                return dflt;
            }
            boolean looser = higherIsLooser ? requested > dflt : requested < dflt;
            if (looser && !loosen(field, String.valueOf(dflt), String.valueOf(requested), what)) {
                return dflt;
            }
            return requested;
        }

        double decimal(String field, double requested, double dflt, double min, double max, boolean higherIsLooser,
                String what) {
            if (!(requested >= min && requested <= max)) {
                error(field, field + " must be between " + plain(min) + " and " + plain(max));
                return dflt;
            }
            boolean looser = higherIsLooser ? requested > dflt : requested < dflt;
            if (looser && !loosen(field, plain(dflt), plain(requested), what)) {
                return dflt;
            }
            return requested;
        }

        /** True when an override approves {@code to} for the field; else records the refusal. */
        boolean loosen(String field, String from, String to, String what) {
            Integer i = overrideIndex.get(field);
            if (i == null) {
                if (!used.contains(field)) {
                    error(field, what + " than the default (" + from + " -> " + to + ") loosens the playbook; it needs an "
                            + "override {field: \"" + field + "\", value, reason}, approved by a second operator");
                }
                return false;
            }
            used.add(field);
            OverrideRequest o = overrides.get(i);
            if (!sameValue(o.value(), to)) {
                error("overrides[" + i + "].value", "override approves " + field + " = '" + Validation.printable(o.value())
                        + "' but the request asks for " + to);
                return false;
            }
            applied.add(new AppliedOverride(field, from, to, o.reason(), null));
            return true;
        }

        void unusedOverrides() {
            for (Map.Entry<String, Integer> e : overrideIndex.entrySet()) {
                if (!used.contains(e.getKey())) {
                    error("overrides[" + e.getValue() + "].field", "override for " + e.getKey()
                            + " does not match a looser value in this request");
                }
            }
        }

        static String reason(String reason) {
            if (reason == null || reason.isBlank()) {
                return "reason is required";
            }
            if (reason.length() > MAX_REASON) {
                return "reason is longer than " + MAX_REASON + " characters";
            }
            if (reason.chars().anyMatch(c -> c < 0x20 && c != '\n' && c != '\t' || c == 0x7f)) {
                return "reason contains control characters";
            }
            return null;
        }

        static boolean sameValue(String approved, String requested) {
            String a = approved.trim();
            if (a.equalsIgnoreCase(requested)) {
                return true;
            }
            try {
                return new BigDecimal(a).compareTo(new BigDecimal(requested)) == 0;
            } catch (NumberFormatException e) {
                return false;
            }
        }

        static String plain(double d) {
            return BigDecimal.valueOf(d).stripTrailingZeros().toPlainString();
        }
    }
}
