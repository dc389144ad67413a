package com.maclogin.cutover.contracts;

import java.util.List;
import java.util.Map;

/**
 * The probe matrix for a validation window, carried by a VALIDATE {@link RunStep}. The regional worker runs every
 * layer each {@code intervalMillis} for {@code windowSeconds}, publishes each {@link ProbeResult}, evaluates the
 * trigger rules after every round and publishes a {@link ThresholdBreached} the moment one trips.
 *
 * @param restartDrillAtSecond  second of the window at which to run one deliberate {@code launchctl kickstart -k};
 *                              {@code null} for none
 * @param baselineP95Millis     integration P95 measured before the cutover (INVENTORY); {@code null} if unknown
 * @param tlsEndpoint           {@code host:port} of the public TLS endpoint, {@code null} when no proxy terminates TLS
 * @param tlsMinValidDays       certificate must stay valid at least this many days
 * @param rollbackOwner         named in the breach, for the incident message
 */
public record ProbePlan(
        List<ProbeLayer> layers,
        int intervalMillis,
        int windowSeconds,
        Integer restartDrillAtSecond,
        TriggerThresholds thresholds,
        Map<TriggerKind, TriggerAction> actions,
        Double baselineP95Millis,
        String tlsEndpoint,
        Integer tlsMinValidDays,
        String rollbackOwner) {

    public static Builder builder() {
        return new Builder();
    }

    /** A builder holding this record's values, to change a few. */
    public Builder toBuilder() {
        return new Builder().layers(layers).intervalMillis(intervalMillis).windowSeconds(windowSeconds)
                .restartDrillAtSecond(restartDrillAtSecond).thresholds(thresholds).actions(actions)
                .baselineP95Millis(baselineP95Millis).tlsEndpoint(tlsEndpoint).tlsMinValidDays(tlsMinValidDays)
                .rollbackOwner(rollbackOwner);
    }

    /** Builds a {@link ProbePlan}; unset fields are null. */
    public static final class Builder {
        private List<ProbeLayer> layers;
        private int intervalMillis;
        private int windowSeconds;
        private Integer restartDrillAtSecond;
        private TriggerThresholds thresholds;
        private Map<TriggerKind, TriggerAction> actions;
        private Double baselineP95Millis;
        private String tlsEndpoint;
        private Integer tlsMinValidDays;
        private String rollbackOwner;

        private Builder() {
        }

        public Builder layers(List<ProbeLayer> v) {
            layers = v;
            return this;
        }

        public Builder intervalMillis(int v) {
            intervalMillis = v;
            return this;
        }

        public Builder windowSeconds(int v) {
            windowSeconds = v;
            return this;
        }

        public Builder restartDrillAtSecond(Integer v) {
            restartDrillAtSecond = v;
            return this;
        }

        public Builder thresholds(TriggerThresholds v) {
            thresholds = v;
            return this;
        }

        public Builder actions(Map<TriggerKind, TriggerAction> v) {
            actions = v;
            return this;
        }

        public Builder baselineP95Millis(Double v) {
            baselineP95Millis = v;
            return this;
        }

        public Builder tlsEndpoint(String v) {
            tlsEndpoint = v;
            return this;
        }

        public Builder tlsMinValidDays(Integer v) {
            tlsMinValidDays = v;
            return this;
        }

        public Builder rollbackOwner(String v) {
            rollbackOwner = v;
            return this;
        }

        public ProbePlan build() {
            return new ProbePlan(layers, intervalMillis, windowSeconds, restartDrillAtSecond, thresholds, actions,
                    baselineP95Millis, tlsEndpoint, tlsMinValidDays, rollbackOwner);
        }
    }
}
