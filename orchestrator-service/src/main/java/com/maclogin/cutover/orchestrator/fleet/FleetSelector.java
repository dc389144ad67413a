package com.maclogin.cutover.orchestrator.fleet;

import com.maclogin.cutover.contracts.Region;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Which leases a fleet upgrades: either {@code leaseIds}, or every lease matching {@code regions} (any of), {@code stage}
 * ({@code STAGING}/{@code PRODUCTION}) and {@code labels} (all of). Kept with the fleet: a lease registered later that
 * matches it and runs an older version is "behind" ({@code POST .../extend}).
 */
public record FleetSelector(List<String> leaseIds, List<String> regions, String stage, Map<String, String> labels) {

    /** Bad fields, named {@code selector.*}. */
    public List<FieldProblem> validate() {
        List<FieldProblem> p = new ArrayList<>();
        boolean byId = leaseIds != null;
        boolean byMatch = regions != null || stage != null || labels != null;
        if (byId == byMatch) {
            p.add(new FieldProblem("selector", "give either selector.leaseIds or selector.regions/stage/labels"));
            return p;
        }
        if (byId) {
            if (leaseIds.isEmpty() || leaseIds.size() > 1000) {
                p.add(new FieldProblem("selector.leaseIds", "1-1000 lease ids"));
            } else if (leaseIds.stream().distinct().count() != leaseIds.size()) {
                p.add(new FieldProblem("selector.leaseIds", "a lease id appears twice"));
            }
        }
        if (regions != null) {
            for (int i = 0; i < regions.size(); i++) {
                try {
                    Region.parse(regions.get(i));
                } catch (IllegalArgumentException e) {
                    p.add(new FieldProblem("selector.regions[" + i + "]", e.getMessage()));
                }
            }
        }
        if (stage != null && !List.of("STAGING", "PRODUCTION").contains(stage.toUpperCase(Locale.ROOT))) {
            p.add(new FieldProblem("selector.stage", "unknown stage '" + FleetPlan.printable(stage)
                    + "', expected STAGING or PRODUCTION"));
        }
        if (labels != null && labels.size() > 50) {
            p.add(new FieldProblem("selector.labels", "at most 50 labels"));
        }
        return p;
    }

    public boolean matches(LeaseCandidate l) {
        if (leaseIds != null) {
            return leaseIds.contains(l.id());
        }
        if (regions != null && regions.stream().noneMatch(r -> Region.parse(r) == l.region())) {
            return false;
        }
        if (stage != null && l.staging() != stage.equalsIgnoreCase("STAGING")) {
            return false;
        }
        return labels == null || labels.entrySet().stream().allMatch(e -> e.getValue().equals(l.labels().get(e.getKey())));
    }
}
