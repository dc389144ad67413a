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
}
