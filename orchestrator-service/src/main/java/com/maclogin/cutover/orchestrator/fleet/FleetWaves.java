package com.maclogin.cutover.orchestrator.fleet;

import com.maclogin.cutover.contracts.Region;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * Wave construction from the selected leases: the staging wave (every STAGING lease: the staging-first rule becomes the
 * first wave), the canary wave ({@code canary.count} PRODUCTION leases, optionally one per region, in region order), then
 * one wave per region in {@code regionOrder} with the rest. Empty waves are left out, so wave 0 is the staging wave
 * whenever a staging lease is selected. Within a wave, leases start in id order. Deterministic: the same selection and
 * plan always give the same waves.
 */
public final class FleetWaves {

    private FleetWaves() {
    }

    public static List<Wave> build(List<LeaseCandidate> selected, FleetPlan.Resolved plan, int firstIndex) {
        List<LeaseCandidate> sorted = new ArrayList<>(selected);
        sorted.sort(Comparator.comparing(LeaseCandidate::id));
        List<Region> order = new ArrayList<>(plan.regionOrder());
        for (Region r : Region.values()) {
            if (!order.contains(r)) {
                order.add(r); // validation refuses this for production leases; kept total for safety
            }
        }
        List<Wave> waves = new ArrayList<>();
        List<String> staging = sorted.stream().filter(LeaseCandidate::staging).map(LeaseCandidate::id).toList();
        add(waves, firstIndex, "staging", WaveKind.STAGING, null, staging, plan.bakeSeconds());

        List<LeaseCandidate> production = new ArrayList<>(sorted.stream().filter(l -> !l.staging()).toList());
        production.sort(Comparator.comparing((LeaseCandidate l) -> order.indexOf(l.region())).thenComparing(LeaseCandidate::id));
        Set<String> canary = new LinkedHashSet<>();
        if (plan.canaryOnePerRegion()) {
            Set<Region> taken = EnumSet.noneOf(Region.class);
            for (LeaseCandidate l : production) {
                if (canary.size() < plan.canaryCount() && taken.add(l.region())) {
                    canary.add(l.id());
                }
            }
        } else {
            production.stream().limit(plan.canaryCount()).forEach(l -> canary.add(l.id()));
        }
        add(waves, firstIndex, "canary", WaveKind.CANARY, null, List.copyOf(canary), plan.canaryBakeSeconds());
        for (Region r : order) {
            List<String> ids = production.stream().filter(l -> l.region() == r && !canary.contains(l.id()))
                    .map(LeaseCandidate::id).toList();
            add(waves, firstIndex, r.name(), WaveKind.REGION, r, ids, plan.bakeSeconds());
        }
        return waves;
    }

    private static void add(List<Wave> waves, int first, String name, WaveKind kind, Region region, List<String> ids,
            long bake) {
        if (!ids.isEmpty()) {
            waves.add(Wave.planned(first + waves.size(), name, kind, region, ids, bake));
        }
    }
}
