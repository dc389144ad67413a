package com.maclogin.cutover.orchestrator.fleet;

import com.maclogin.cutover.contracts.Region;
import java.time.DateTimeException;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The plan of a fleet cutover, as the request sends it (every field optional; {@link #resolved()} fills the defaults).
 * Durations are whole seconds, like a single cutover's {@code canary.seconds}.
 *
 * <p>Defaults follow the playbook's caution rather than a peer's speed: one lease at a time ({@code maxParallel} 1,
 * Nomad's {@code max_parallel}), an explicit promote between waves (Nomad {@code auto_promote} false), a 10 minute bake
 * after each wave and a 30 minute canary bake (CodeDeploy's longer first-zone monitor), a one-hour progress deadline
 * that restarts whenever a lease turns GREEN (Nomad {@code progress_deadline}; an hour, because one cutover's own
 * validation window is 15 minutes), and a failure budget of 1 per wave and 1 in total with {@code onFailure: halt}.
 *
 * @param canary               the canary wave: {@code count} production leases (0 = no canary wave), optionally
 *                             {@code onePerRegion}, with their own {@code bakeSeconds} (at least {@link #bakeSeconds})
 * @param regionOrder          order of the region waves; must name every region of the selected production leases;
 *                             default HK, JP, KR, SG, US
 * @param maxParallel          leases of one wave upgrading at once
 * @param maxUnavailable       leases of the fleet not GREEN-and-serving at once (in-flight cutovers count, and leases
 *                             whose rollback failed); default {@code maxParallel}
 * @param bakeSeconds          wait after every lease of a wave ended, before the wave ends
 * @param progressDeadlineSeconds with leases in flight and none turning GREEN for this long, the fleet stops as
 *                             {@code onFailure} says; restarts when a lease turns GREEN, a wave starts or the fleet resumes
 * @param autoPromote          start the next wave when a wave's bake ends (false: wait for {@code POST .../promote})
 * @param failureBudget        {@code perWave} and {@code total}: REACHING either stops the fleet (1 = the first failure)
 * @param onFailure            {@code halt}, {@code rollbackWave} or {@code rollbackAll}
 * @param windows              deployment windows per region (absent regions: the default window)
 * @param windowOverride       {@code approver} and {@code reason}: waves may start outside the windows, each such start audited
 * @param continueOtherRegions when a region's path is broken (its control leases fail too), the other regions carry on;
 *                             false (default): the whole fleet pauses
 * @param controlChecks        probe up to two untouched leases of a failing lease's region before counting it (default true)
 */
public record FleetPlan(Canary canary, List<String> regionOrder, Integer maxParallel, Integer maxUnavailable,
        Long bakeSeconds, Long progressDeadlineSeconds, Boolean autoPromote, Budget failureBudget, String onFailure,
        Map<String, WindowSpec> windows, WindowOverride windowOverride, Boolean continueOtherRegions,
        Boolean controlChecks) {

    public static final long DEFAULT_BAKE = 600;
    public static final long DEFAULT_CANARY_BAKE = 1800;
    public static final long DEFAULT_PROGRESS_DEADLINE = 3600;
    public static final int MAX_PARALLEL = 100;
    public static final long MAX_SECONDS = 7 * 24 * 3600;

    /** The canary wave. */
    public record Canary(Integer count, Boolean onePerRegion, Long bakeSeconds) {
    }

    /** Failures that stop the fleet: reaching {@code perWave} in one wave or {@code total} in the fleet. */
    public record Budget(Integer perWave, Integer total) {
    }

    /**
     * A region's deployment window: waves start only between {@code fromHour} (inclusive) and {@code toHour}
     * (exclusive) local time, never on a {@code blackoutDates} day, and (unless {@code allowFridayAfternoonAndWeekend})
     * never on Friday from 15:00 or on Saturday/Sunday. {@code timeZone}: default the region's.
     */
    public record WindowSpec(String timeZone, Integer fromHour, Integer toHour, List<String> blackoutDates,
            Boolean allowFridayAfternoonAndWeekend) {
    }

    /** Who approved starting waves outside the deployment windows, and why (audited at every such start). */
    public record WindowOverride(String approver, String reason) {
    }

    /** The plan with every default filled in (call {@link #validate} first). */
    public Resolved resolved() {
        int parallel = maxParallel != null ? maxParallel : 1;
        long bake = bakeSeconds != null ? bakeSeconds : DEFAULT_BAKE;
        List<Region> order = new ArrayList<>();
        if (regionOrder != null) {
            regionOrder.forEach(r -> order.add(Region.parse(r)));
        } else {
            order.addAll(List.of(Region.values()));
        }
        Map<Region, DeploymentWindow> w = new LinkedHashMap<>();
        for (Region r : Region.values()) {
            WindowSpec spec = windows == null ? null : windows.entrySet().stream()
                    .filter(e -> e.getKey().equalsIgnoreCase(r.name())).map(Map.Entry::getValue).findFirst().orElse(null);
            w.put(r, DeploymentWindow.of(r, spec));
        }
        return new Resolved(
                canary == null || canary.count() == null ? 1 : canary.count(),
                canary != null && Boolean.TRUE.equals(canary.onePerRegion()),
                canary == null || canary.bakeSeconds() == null ? Math.max(DEFAULT_CANARY_BAKE, bake) : canary.bakeSeconds(),
                List.copyOf(order), parallel, maxUnavailable != null ? maxUnavailable : parallel, bake,
                progressDeadlineSeconds != null ? progressDeadlineSeconds : DEFAULT_PROGRESS_DEADLINE,
                Boolean.TRUE.equals(autoPromote),
                failureBudget == null || failureBudget.perWave() == null ? 1 : failureBudget.perWave(),
                failureBudget == null || failureBudget.total() == null ? 1 : failureBudget.total(),
                onFailure == null ? OnFailure.HALT : OnFailure.parse(onFailure), w, windowOverride,
                Boolean.TRUE.equals(continueOtherRegions), controlChecks == null || controlChecks);
    }

    /** The plan as the saga uses it: no nulls (except {@code windowOverride}: none). */
    public record Resolved(int canaryCount, boolean canaryOnePerRegion, long canaryBakeSeconds, List<Region> regionOrder,
            int maxParallel, int maxUnavailable, long bakeSeconds, long progressDeadlineSeconds, boolean autoPromote,
            int perWaveBudget, int totalBudget, OnFailure onFailure, Map<Region, DeploymentWindow> windows,
            WindowOverride windowOverride, boolean continueOtherRegions, boolean controlChecks) {

        /** One line for the banner and the audit. */
        public String summary() {
            return "canary " + canaryCount + (canaryOnePerRegion ? " (one per region)" : "") + " bake " + canaryBakeSeconds
                    + " s; regions " + regionOrder + "; maxParallel " + maxParallel + ", maxUnavailable " + maxUnavailable
                    + ", bake " + bakeSeconds + " s, progress deadline " + progressDeadlineSeconds + " s, "
                    + (autoPromote ? "auto promote" : "operator promote") + "; failure budget " + perWaveBudget
                    + " per wave / " + totalBudget + " total (reaching it stops), onFailure " + onFailure.json
                    + (windowOverride == null ? "" : "; window override by " + windowOverride.approver());
        }
    }

    /**
     * Every bad field, named with the {@code plan.} prefix; empty when the plan is valid. {@code productionRegions}:
     * the regions of the selected production leases, which {@code regionOrder} must all name.
     */
    public List<FieldProblem> validate(Set<Region> productionRegions) {
        List<FieldProblem> p = new ArrayList<>();
        if (canary != null) {
            range(p, "plan.canary.count", canary.count(), 0, MAX_PARALLEL);
            range(p, "plan.canary.bakeSeconds", canary.bakeSeconds(), 0, MAX_SECONDS);
            long bake = bakeSeconds != null ? bakeSeconds : DEFAULT_BAKE;
            if (canary.bakeSeconds() != null && canary.bakeSeconds() >= 0 && canary.bakeSeconds() < bake) {
                p.add(new FieldProblem("plan.canary.bakeSeconds", "the canary bake (" + canary.bakeSeconds()
                        + " s) must be at least as long as the wave bake plan.bakeSeconds (" + bake + " s)"));
            }
        }
        if (regionOrder != null) {
            Set<Region> seen = EnumSet.noneOf(Region.class);
            for (int i = 0; i < regionOrder.size(); i++) {
                try {
                    Region r = Region.parse(regionOrder.get(i));
                    if (!seen.add(r)) {
                        p.add(new FieldProblem("plan.regionOrder[" + i + "]", "region " + r + " appears twice"));
                    }
                } catch (IllegalArgumentException e) {
                    p.add(new FieldProblem("plan.regionOrder[" + i + "]", e.getMessage()));
                }
            }
            Set<Region> missing = EnumSet.noneOf(Region.class);
            missing.addAll(productionRegions);
            missing.removeAll(seen);
            if (!missing.isEmpty() && seen.size() == regionOrder.size()) {
                p.add(new FieldProblem("plan.regionOrder", "regionOrder must name every region of the selected production"
                        + " leases; missing " + missing));
            }
        }
        range(p, "plan.maxParallel", maxParallel, 1, MAX_PARALLEL);
        range(p, "plan.maxUnavailable", maxUnavailable, 1, 10_000);
        if (maxParallel != null && maxUnavailable != null && maxUnavailable < maxParallel && maxParallel >= 1) {
            p.add(new FieldProblem("plan.maxUnavailable", "maxUnavailable " + maxUnavailable
                    + " is below maxParallel " + maxParallel + ": the wave could never run maxParallel leases at once"));
        }
        range(p, "plan.bakeSeconds", bakeSeconds, 0, MAX_SECONDS);
        range(p, "plan.progressDeadlineSeconds", progressDeadlineSeconds, 1, MAX_SECONDS);
        if (failureBudget != null) {
            range(p, "plan.failureBudget.perWave", failureBudget.perWave(), 1, 10_000);
            range(p, "plan.failureBudget.total", failureBudget.total(), 1, 10_000);
        }
        if (onFailure != null && OnFailure.parse(onFailure) == null) {
            p.add(new FieldProblem("plan.onFailure", "unknown onFailure '" + printable(onFailure)
                    + "', expected halt, rollbackWave or rollbackAll"));
        }
        if (windows != null) {
            windows.forEach((region, spec) -> window(p, region, spec));
        }
        if (windowOverride != null) {
            if (blank(windowOverride.approver())) {
                p.add(new FieldProblem("plan.windowOverride.approver", "an override of the deployment windows needs its approver"));
            }
            if (blank(windowOverride.reason())) {
                p.add(new FieldProblem("plan.windowOverride.reason", "an override of the deployment windows needs a reason"));
            } else if (windowOverride.reason().length() > 500) {
                p.add(new FieldProblem("plan.windowOverride.reason", "at most 500 characters"));
            }
        }
        return p;
    }

    private static void window(List<FieldProblem> p, String region, WindowSpec spec) {
        String at = "plan.windows." + printable(region);
        try {
            Region.parse(region);
        } catch (IllegalArgumentException e) {
            p.add(new FieldProblem(at, e.getMessage()));
            return;
        }
        if (spec == null) {
            p.add(new FieldProblem(at, "a window must be an object"));
            return;
        }
        if (spec.timeZone() != null) {
            try {
                ZoneId.of(spec.timeZone());
            } catch (DateTimeException e) {
                p.add(new FieldProblem(at + ".timeZone", "time zone '" + printable(spec.timeZone())
                        + "' is not an IANA time zone id such as Asia/Tokyo"));
            }
        }
        range(p, at + ".fromHour", spec.fromHour(), 0, 23);
        range(p, at + ".toHour", spec.toHour(), 1, 24);
        int from = spec.fromHour() == null ? 0 : spec.fromHour();
        int to = spec.toHour() == null ? 24 : spec.toHour();
        if (from >= to) {
            p.add(new FieldProblem(at + ".toHour", "toHour " + to + " must be after fromHour " + from));
        }
        if (spec.blackoutDates() != null) {
            for (int i = 0; i < spec.blackoutDates().size(); i++) {
                try {
                    LocalDate.parse(spec.blackoutDates().get(i));
                } catch (RuntimeException e) {
                    p.add(new FieldProblem(at + ".blackoutDates[" + i + "]", "'" + printable(spec.blackoutDates().get(i))
                            + "' is not a date such as 2026-12-24"));
                }
            }
        }
    }

    private static void range(List<FieldProblem> p, String field, Number v, long min, long max) {
        if (v != null && (v.longValue() < min || v.longValue() > max)) {
            p.add(new FieldProblem(field, field.substring(field.lastIndexOf('.') + 1) + " " + v + " must be " + min
                    + "-" + max));
        }
    }

    private static boolean blank(String s) {
        return s == null || s.isBlank();
    }

    static String printable(String s) {
        if (s == null) {
            return "null";
        }
        String t = s.length() > 64 ? s.substring(0, 64) + "..." : s;
        return t.replaceAll("\\p{Cntrl}", "?");
    }
}
