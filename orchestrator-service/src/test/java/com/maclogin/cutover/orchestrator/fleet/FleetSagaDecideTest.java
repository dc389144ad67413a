package com.maclogin.cutover.orchestrator.fleet;

import static org.assertj.core.api.Assertions.assertThat;

import com.maclogin.cutover.contracts.FleetEventType;
import com.maclogin.cutover.contracts.Region;
import com.maclogin.cutover.orchestrator.CutoverState;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The pure fleet saga, driven through a small simulation: the test plays PostgreSQL (cutover states) and the clock.
 * No mocks: {@link FleetSaga#evolve} applies the effects exactly as the decision saw them.
 */
class FleetSagaDecideTest {

    /** Tuesday 2026-12-08 10:00 in Hong Kong, Monday 18:00 in Los Angeles: every default window is open. */
    static final Instant T0 = Instant.parse("2026-12-08T02:00:00Z");

    static LeaseCandidate staging(String id, Region r) {
        return new LeaseCandidate(id, r, true, Map.of());
    }

    static LeaseCandidate prod(String id, Region r) {
        return new LeaseCandidate(id, r, false, Map.of());
    }

    /** 1 staging (HK), 3 HK, 3 JP, 3 KR production leases. */
    static List<LeaseCandidate> fleetOf10() {
        List<LeaseCandidate> l = new ArrayList<>(List.of(staging("hk-s1", Region.HK)));
        for (Region r : List.of(Region.HK, Region.JP, Region.KR)) {
            for (int i = 1; i <= 3; i++) {
                l.add(prod(r.suffix() + "-p" + i, r));
            }
        }
        return l;
    }

    static FleetPlan plan(int maxParallel, Integer maxUnavailable, long bake, boolean autoPromote, int perWave,
            int total, String onFailure, boolean continueOtherRegions, FleetPlan.WindowOverride override) {
        return new FleetPlan(new FleetPlan.Canary(1, false, bake * 2), List.of("HK", "JP", "KR"), maxParallel,
                maxUnavailable, bake, 600L, autoPromote, new FleetPlan.Budget(perWave, total), onFailure, null, override,
                continueOtherRegions, true);
    }

    static FleetPlan autoPlan() {
        return plan(2, null, 60, true, 1, 1, "halt", false, null);
    }

    /** The fleet as stored plus the clock; every call decides and applies. */
    static final class Sim {
        FleetSnapshot s;
        Instant now = T0;
        final List<FleetEffect> all = new ArrayList<>();
        List<FleetEffect> last = List.of();

        Sim(FleetPlan plan, List<LeaseCandidate> leases, Map<Region, List<String>> controls) {
            FleetPlan.Resolved r = plan.resolved();
            List<Wave> waves = FleetWaves.build(leases, r, 0);
            List<FleetLease> fl = new ArrayList<>();
            for (Wave w : waves) {
                for (String id : w.leaseIds()) {
                    Region region = leases.stream().filter(l -> l.id().equals(id)).findFirst().orElseThrow().region();
                    fl.add(new FleetLease(id, region, w.index(), null, null, null, false));
                }
            }
            s = new FleetSnapshot("f-1", FleetState.PENDING, null, r, waves, -1, fl, java.util.Set.of(), controls, null,
                    null);
        }

        List<FleetEffect> in(FleetInput input) {
            last = FleetSaga.decide(s, input);
            all.addAll(last);
            s = FleetSaga.evolve(s, last);
            // what PostgreSQL would show: a started lease's cutover is RUNNING under its id
            List<FleetLease> leases = new ArrayList<>();
            for (FleetLease l : s.leases()) {
                leases.add("(starting)".equals(l.cutoverId()) ? l.withCutover("c-" + l.leaseId(), CutoverState.RUNNING) : l);
            }
            s = new FleetSnapshot(s.id(), s.state(), s.resumeState(), s.plan(), s.waves(), s.currentWave(), leases,
                    s.pausedRegions(), s.controlCandidates(), s.progressMark(), s.rollbackScope());
            return last;
        }

        List<FleetEffect> request() {
            return in(new FleetInput.Requested("ada", now));
        }

        List<FleetEffect> tick() {
            return in(new FleetInput.Tick(now));
        }

        /** The lease's cutover reached {@code state}: the DB shows it, then the engine reports it. */
        List<FleetEffect> end(String leaseId, CutoverState state) {
            setCutoverState(leaseId, state);
            return in(new FleetInput.LeaseEnded(leaseId, state, state == CutoverState.GREEN ? null : "crash loop", now));
        }

        void setCutoverState(String leaseId, CutoverState state) {
            List<FleetLease> leases = s.leases().stream()
                    .map(l -> l.leaseId().equals(leaseId) ? l.withCutover(l.cutoverId(), state) : l).toList();
            s = new FleetSnapshot(s.id(), s.state(), s.resumeState(), s.plan(), s.waves(), s.currentWave(), leases,
                    s.pausedRegions(), s.controlCandidates(), s.progressMark(), s.rollbackScope());
        }

        void later(long seconds) {
            now = now.plusSeconds(seconds);
        }

        FleetLease lease(String id) {
            return s.leases().stream().filter(l -> l.leaseId().equals(id)).findFirst().orElseThrow();
        }

        List<String> inFlight() {
            return s.leases().stream().filter(FleetLease::inFlight).map(FleetLease::leaseId).sorted().toList();
        }

        /** Every lease in flight turns GREEN, then bakes pass, until nothing moves. */
        void greenUntilStuck() {
            for (int guard = 0; guard < 100 && s.state().isActive() && s.state() != FleetState.AWAITING_PROMOTE
                    && s.state() != FleetState.HALTED && s.state() != FleetState.PAUSED; guard++) {
                List<String> flying = inFlight();
                if (flying.isEmpty()) {
                    later(3600);
                    tick();
                } else {
                    flying.forEach(id -> end(id, CutoverState.GREEN));
                }
            }
        }

        <T extends FleetEffect> List<T> of(Class<T> type) {
            return all.stream().filter(type::isInstance).map(type::cast).toList();
        }

        List<String> started() {
            return of(FleetEffect.StartLease.class).stream().map(FleetEffect.StartLease::leaseId).toList();
        }

        List<FleetEventType> events() {
            return of(FleetEffect.PublishFleetEvent.class).stream().map(FleetEffect.PublishFleetEvent::type).toList();
        }
    }

    @Test
    void wavesAreStagingThenCanaryThenOneWavePerRegionInThePlansOrder() {
        List<Wave> waves = FleetWaves.build(fleetOf10(), plan(1, null, 60, true, 1, 1, "halt", false, null)
                .resolved(), 0);
        assertThat(waves).extracting(Wave::name).containsExactly("staging", "canary", "HK", "JP", "KR");
        assertThat(waves.get(0).leaseIds()).containsExactly("hk-s1");
        assertThat(waves.get(1).leaseIds()).containsExactly("hk-p1");
        assertThat(waves.get(1).bakeSeconds()).as("the canary's own, longer bake").isEqualTo(120);
        assertThat(waves.get(2).leaseIds()).containsExactly("hk-p2", "hk-p3");
        assertThat(waves.get(4).leaseIds()).containsExactly("kr-p1", "kr-p2", "kr-p3");
    }

    @Test
    void aCanaryOnePerRegionTakesTheFirstLeaseOfEachRegionInRegionOrder() {
        FleetPlan p = new FleetPlan(new FleetPlan.Canary(2, true, null), List.of("KR", "HK", "JP"), null, null, null,
                null, null, null, null, null, null, null, null);
        List<Wave> waves = FleetWaves.build(fleetOf10(), p.resolved(), 0);
        assertThat(waves).extracting(Wave::name).containsExactly("staging", "canary", "KR", "HK", "JP");
        assertThat(waves.get(1).leaseIds()).containsExactly("kr-p1", "hk-p1");
    }

    @Test
    void theFleetRunsEveryWaveInOrderAndNeverHasMoreThanMaxParallelOfAWaveInFlight() {
        Sim sim = new Sim(autoPlan(), fleetOf10(), Map.of());
        sim.request();
        int most = 0;
        for (int guard = 0; guard < 200 && sim.s.state() != FleetState.DONE; guard++) {
            most = Math.max(most, sim.inFlight().size());
            List<String> flying = sim.inFlight();
            if (flying.isEmpty()) {
                sim.later(61);
                sim.tick();
            } else {
                sim.end(flying.get(0), CutoverState.GREEN); // one at a time: a slot frees, the next starts
            }
        }
        assertThat(sim.s.state()).isEqualTo(FleetState.DONE);
        assertThat(most).isEqualTo(2);
        assertThat(sim.started()).containsExactly("hk-s1", "hk-p1", "hk-p2", "hk-p3", "jp-p1", "jp-p2", "jp-p3",
                "kr-p1", "kr-p2", "kr-p3");
        assertThat(sim.events()).startsWith(FleetEventType.FLEET_STARTED, FleetEventType.WAVE_STARTED)
                .endsWith(FleetEventType.WAVE_ENDED, FleetEventType.FLEET_ENDED);
        assertThat(sim.events().stream().filter(e -> e == FleetEventType.WAVE_STARTED)).hasSize(5);
    }

    @Test
    void maxUnavailableCountsLeasesOfEarlierWavesThatAreNotServingAndHoldsStartsBelowMaxParallel() {
        Sim sim = new Sim(plan(2, 2, 0, true, 5, 5, "halt", false, null), fleetOf10(), Map.of());
        sim.request();
        sim.end("hk-s1", CutoverState.GREEN);
        sim.end("hk-p1", CutoverState.GREEN); // canary done, wave HK starts two
        assertThat(sim.inFlight()).containsExactly("hk-p2", "hk-p3");
        // hk-p1's GREEN cutover is being rolled back by its own trigger: not serving, so it takes a slot
        sim.setCutoverState("hk-p1", CutoverState.ROLLING_BACK);
        sim.end("hk-p2", CutoverState.GREEN);
        sim.end("hk-p3", CutoverState.GREEN);
        assertThat(sim.inFlight()).as("JP wave: only one of two slots, hk-p1 is unavailable").containsExactly("jp-p1");
    }

    @Test
    void withoutAutoPromoteTheFleetWaitsAfterTheBakeUntilAnOperatorPromotes() {
        Sim sim = new Sim(plan(1, null, 60, false, 1, 1, "halt", false, null), fleetOf10(), Map.of());
        sim.request();
        sim.end("hk-s1", CutoverState.GREEN);
        assertThat(sim.s.state()).isEqualTo(FleetState.BAKING);
        sim.later(59);
        sim.tick();
        assertThat(sim.s.state()).as("bake not over").isEqualTo(FleetState.BAKING);
        sim.later(1);
        sim.tick();
        assertThat(sim.s.state()).isEqualTo(FleetState.AWAITING_PROMOTE);
        sim.later(3600);
        sim.tick();
        assertThat(sim.inFlight()).isEmpty();
        sim.in(new FleetInput.Promote("grace", "staging looks fine", sim.now));
        assertThat(sim.inFlight()).containsExactly("hk-p1");
        assertThat(sim.of(FleetEffect.Audit.class)).anySatisfy(a -> {
            assertThat(a.actor()).isEqualTo("grace");
            assertThat(a.action()).isEqualTo("PROMOTED");
        });
    }

    @Test
    void promoteWhileAWaveIsRunningIsRefusedAndChangesNothing() {
        Sim sim = new Sim(autoPlan(), fleetOf10(), Map.of());
        sim.request();
        List<FleetEffect> out = sim.in(new FleetInput.Promote("grace", "hurry", sim.now));
        assertThat(out).containsExactly(new FleetEffect.Refuse("nothing to promote: the fleet is RUNNING"));
    }

    static Stream<Arguments> budgets() {
        // perWave, total, failures in the canary-free HK wave before the stop (reaching the budget stops)
        return Stream.of(Arguments.of(1, 9, 1), Arguments.of(2, 9, 2), Arguments.of(9, 2, 2), Arguments.of(3, 3, 3));
    }

    @ParameterizedTest(name = "budget perWave {0} total {1}: the fleet stops at failure {2}")
    @MethodSource("budgets")
    void reachingTheFailureBudgetStopsTheFleet(int perWave, int total, int stopsAt) {
        List<LeaseCandidate> hk = new ArrayList<>();
        for (int i = 1; i <= 5; i++) {
            hk.add(prod("hk-" + i, Region.HK));
        }
        FleetPlan p = new FleetPlan(new FleetPlan.Canary(0, false, null), List.of("HK"), 1, null, 0L, 600L, true,
                new FleetPlan.Budget(perWave, total), "halt", null, null, false, false);
        Sim sim = new Sim(p, hk, Map.of());
        sim.request();
        int failures = 0;
        while (sim.s.state() == FleetState.RUNNING) {
            sim.end(sim.inFlight().get(0), CutoverState.ROLLED_BACK);
            failures++;
        }
        assertThat(failures).isEqualTo(stopsAt);
        assertThat(sim.s.state()).isEqualTo(FleetState.HALTED);
        assertThat(sim.events()).contains(FleetEventType.FLEET_HALTED);
        int halted = sim.all.indexOf(sim.of(FleetEffect.PublishFleetEvent.class).stream()
                .filter(e -> e.type() == FleetEventType.FLEET_HALTED).findFirst().orElseThrow());
        assertThat(sim.all.subList(0, halted)).as("the event follows the state change, so it carries HALTED")
                .contains(new FleetEffect.SetState(FleetState.HALTED, null));
    }

    @Test
    void cutoversStillInFlightAtTheHaltAreCountedWhenTheyEndAndOnlyOnce() {
        List<LeaseCandidate> hk = List.of(prod("hk-1", Region.HK), prod("hk-2", Region.HK), prod("hk-3", Region.HK));
        FleetPlan p = new FleetPlan(new FleetPlan.Canary(0, false, null), List.of("HK"), 2, null, 0L, 600L, true,
                new FleetPlan.Budget(1, 5), "halt", null, null, false, false);
        Sim sim = new Sim(p, hk, Map.of());
        sim.request();
        assertThat(sim.inFlight()).containsExactly("hk-1", "hk-2");
        sim.end("hk-1", CutoverState.ROLLED_BACK);
        assertThat(sim.s.state()).isEqualTo(FleetState.HALTED);
        assertThat(sim.s.failures()).isEqualTo(1);
        sim.end("hk-2", CutoverState.FAILED); // was in flight at the halt: counted when it ends
        assertThat(sim.s.failures()).isEqualTo(2);
        sim.end("hk-2", CutoverState.FAILED); // reported again (a restart, a duplicate): not counted twice
        assertThat(sim.s.failures()).isEqualTo(2);
        sim.later(3600);
        sim.tick();
        assertThat(sim.started()).as("halt starts nothing more").containsExactly("hk-1", "hk-2");
        assertThat(sim.of(FleetEffect.RollbackLease.class)).as("halt rolls nothing back").isEmpty();
    }

    @Test
    void rollbackWaveRollsBackTheGreenAndInFlightLeasesOfTheBreachedWaveOnly() {
        List<LeaseCandidate> leases = new ArrayList<>(fleetOf10());
        FleetPlan p = new FleetPlan(new FleetPlan.Canary(3, true, 0L), List.of("HK", "JP", "KR"), 3, null, 0L, 600L,
                true, new FleetPlan.Budget(1, 1), "rollbackWave", null, null, false, false);
        Sim sim = new Sim(p, leases, Map.of());
        sim.request();
        sim.end("hk-s1", CutoverState.GREEN);
        assertThat(sim.inFlight()).containsExactly("hk-p1", "jp-p1", "kr-p1");
        sim.end("hk-p1", CutoverState.GREEN);
        sim.end("jp-p1", CutoverState.ROLLED_BACK);
        assertThat(sim.s.state()).isEqualTo(FleetState.ROLLING_BACK);
        assertThat(sim.of(FleetEffect.RollbackLease.class)).extracting(FleetEffect.RollbackLease::leaseId)
                .containsExactly("hk-p1", "kr-p1");
        assertThat(sim.started()).as("nothing outside the canary wave (and staging) was touched")
                .containsExactly("hk-s1", "hk-p1", "jp-p1", "kr-p1");
        sim.setCutoverState("hk-p1", CutoverState.ROLLING_BACK);
        sim.end("kr-p1", CutoverState.ROLLED_BACK);
        sim.tick();
        assertThat(sim.s.state()).as("hk-p1's rollback still runs").isEqualTo(FleetState.ROLLING_BACK);
        assertThat(sim.lease("kr-p1").outcome()).as("rolled back by the fleet: not counted")
                .isEqualTo(LeaseOutcome.ROLLED_BACK_BY_FLEET);
        sim.setCutoverState("hk-p1", CutoverState.ROLLED_BACK);
        sim.tick();
        assertThat(sim.s.state()).isEqualTo(FleetState.ROLLED_BACK);
        assertThat(sim.events()).endsWith(FleetEventType.FLEET_ENDED);
    }

    @Test
    void rollbackAllRollsBackEveryLeaseTheFleetChangedInEveryWave() {
        FleetPlan p = new FleetPlan(new FleetPlan.Canary(1, false, 0L), List.of("HK", "JP", "KR"), 1, null, 0L, 600L,
                true, new FleetPlan.Budget(1, 1), "rollbackAll", null, null, false, false);
        Sim sim = new Sim(p, fleetOf10(), Map.of());
        sim.request();
        sim.end("hk-s1", CutoverState.GREEN);
        sim.end("hk-p1", CutoverState.GREEN);
        sim.end("hk-p2", CutoverState.ROLLED_BACK);
        assertThat(sim.of(FleetEffect.RollbackLease.class)).extracting(FleetEffect.RollbackLease::leaseId)
                .containsExactly("hk-p1", "hk-s1");
        assertThat(sim.started()).doesNotContain("hk-p3", "jp-p1");
    }

    @Test
    void aFailedLeaseIsNotCountedBeforeTwoControlLeasesOfItsRegionWereProbed() {
        Sim sim = new Sim(plan(1, null, 0, true, 1, 1, "halt", false, null), fleetOf10(),
                Map.of(Region.HK, List.of("hk-c1", "hk-c2", "hk-c3")));
        sim.request();
        sim.end("hk-s1", CutoverState.GREEN);
        sim.end("hk-p1", CutoverState.ROLLED_BACK);
        assertThat(sim.of(FleetEffect.StartControlCheck.class)).containsExactly(
                new FleetEffect.StartControlCheck(Region.HK, "hk-p1", List.of("hk-c1", "hk-c2")));
        assertThat(sim.s.failures()).isZero();
        assertThat(sim.s.state()).isEqualTo(FleetState.RUNNING);
        sim.later(300);
        sim.tick();
        assertThat(sim.s.state()).as("the wave waits for the check").isEqualTo(FleetState.RUNNING);
        assertThat(sim.inFlight()).as("the judged lease holds its slot").containsExactly("hk-p1");
    }

    @Test
    void healthyControlLeasesCountTheFailureAgainstTheCandidate() {
        Sim sim = new Sim(plan(1, null, 0, true, 1, 1, "halt", false, null), fleetOf10(),
                Map.of(Region.HK, List.of("hk-c1")));
        sim.request();
        sim.end("hk-s1", CutoverState.GREEN);
        sim.end("hk-p1", CutoverState.ROLLED_BACK);
        sim.in(new FleetInput.ControlCheckResult("chk-1", "hk-p1", Region.HK, false, "hk-c1 PASS", sim.now));
        assertThat(sim.lease("hk-p1").outcome()).isEqualTo(LeaseOutcome.FAILED);
        assertThat(sim.s.state()).isEqualTo(FleetState.HALTED);
        assertThat(sim.s.pausedRegions()).isEmpty();
    }

    @Test
    void controlLeasesFailingTooPauseOnlyThatRegionRollNothingBackAndOtherRegionsCarryOnWhenThePlanAllows() {
        Sim sim = new Sim(plan(1, null, 0, true, 1, 1, "rollbackAll", true, null), fleetOf10(),
                Map.of(Region.HK, List.of("hk-c1", "hk-c2")));
        sim.request();
        sim.end("hk-s1", CutoverState.GREEN);
        sim.end("hk-p1", CutoverState.GREEN);
        sim.end("hk-p2", CutoverState.ROLLED_BACK);
        sim.in(new FleetInput.ControlCheckResult("chk-1", "hk-p2", Region.HK, true, "hk-c1 FAIL, hk-c2 FAIL", sim.now));
        assertThat(sim.s.pausedRegions()).containsExactly(Region.HK);
        assertThat(sim.lease("hk-p2").outcome()).isEqualTo(LeaseOutcome.REGION_FAULT);
        assertThat(sim.s.failures()).isZero();
        assertThat(sim.events()).contains(FleetEventType.REGION_PAUSED);
        assertThat(sim.of(FleetEffect.RollbackLease.class)).isEmpty();
        assertThat(sim.inFlight()).as("HK's last lease is not started; JP goes on").containsExactly("jp-p1");
        sim.greenUntilStuck();
        assertThat(sim.s.state()).isEqualTo(FleetState.DONE);
        assertThat(sim.started()).doesNotContain("hk-p3");
    }

    @Test
    void controlLeasesFailingTooPauseTheWholeFleetWhenThePlanDoesNotContinueElsewhere() {
        Sim sim = new Sim(plan(1, null, 0, true, 1, 1, "halt", false, null), fleetOf10(),
                Map.of(Region.HK, List.of("hk-c1")));
        sim.request();
        sim.end("hk-s1", CutoverState.GREEN);
        sim.end("hk-p1", CutoverState.ROLLED_BACK);
        sim.in(new FleetInput.ControlCheckResult("chk-1", "hk-p1", Region.HK, true, "hk-c1 FAIL", sim.now));
        assertThat(sim.s.state()).isEqualTo(FleetState.PAUSED);
        assertThat(sim.s.pausedRegions()).containsExactly(Region.HK);
        sim.in(new FleetInput.Resume("ada", "carry on in JP and KR", sim.now));
        sim.greenUntilStuck();
        assertThat(sim.s.state()).isEqualTo(FleetState.DONE);
        assertThat(sim.started()).doesNotContain("hk-p2", "hk-p3").contains("jp-p3", "kr-p3");
    }

    @Test
    void theProgressDeadlineStopsTheFleetButRestartsWhenALeaseTurnsGreen() {
        FleetPlan p = new FleetPlan(new FleetPlan.Canary(0, false, null), List.of("HK"), 2, null, 0L, 600L, true,
                new FleetPlan.Budget(5, 5), "halt", null, null, false, false);
        Sim sim = new Sim(p, List.of(prod("hk-1", Region.HK), prod("hk-2", Region.HK), prod("hk-3", Region.HK)), Map.of());
        sim.request();
        sim.later(500);
        sim.end("hk-1", CutoverState.GREEN); // resets the deadline
        sim.later(500);
        sim.tick();
        assertThat(sim.s.state()).as("1000 s since the start, 500 since a GREEN").isEqualTo(FleetState.RUNNING);
        sim.later(100);
        sim.tick();
        assertThat(sim.s.state()).isEqualTo(FleetState.HALTED);
        assertThat(sim.of(FleetEffect.Audit.class)).anySatisfy(a -> assertThat(a.detail()).contains("progress deadline"));
    }

    @Test
    void aClosedWindowRefusesTheRequestWithItsReason() {
        Sim sim = new Sim(autoPlan(), fleetOf10(), Map.of());
        sim.now = Instant.parse("2026-12-04T08:00:00Z"); // Friday 16:00 in Hong Kong
        List<FleetEffect> out = sim.request();
        assertThat(out).hasSize(1).first().isInstanceOfSatisfying(FleetEffect.Refuse.class,
                r -> assertThat(r.reason()).contains("HK deployment window closed", "Friday", "windowOverride"));
    }

    @Test
    void theWindowOverrideLetsTheFleetStartAndAuditsItsApprover() {
        FleetPlan p = plan(2, null, 60, true, 1, 1, "halt", false,
                new FleetPlan.WindowOverride("grace", "security fix CVE-2026-1234"));
        Sim sim = new Sim(p, fleetOf10(), Map.of());
        sim.now = Instant.parse("2026-12-04T08:00:00Z");
        sim.request();
        assertThat(sim.inFlight()).containsExactly("hk-s1");
        assertThat(sim.of(FleetEffect.Audit.class)).anySatisfy(a -> {
            assertThat(a.action()).isEqualTo("WINDOW_OVERRIDE");
            assertThat(a.actor()).isEqualTo("grace");
            assertThat(a.detail()).contains("CVE-2026-1234", "Friday");
        });
    }

    @Test
    void aLaterWaveWaitsForItsWindowAndStartsByItselfWhenItOpens() {
        Sim sim = new Sim(plan(1, null, 0, true, 1, 1, "halt", false, null), fleetOf10(), Map.of());
        sim.now = Instant.parse("2026-12-04T06:30:00Z"); // Friday 14:30 in Hong Kong
        sim.request();
        sim.later(3600); // 15:30
        sim.end("hk-s1", CutoverState.GREEN);
        assertThat(sim.s.state()).isEqualTo(FleetState.WAITING_WINDOW);
        assertThat(sim.last).contains(new FleetEffect.ScheduleNext("start wave 1 when the window opens",
                Instant.parse("2026-12-06T16:00:00Z")));
        sim.now = Instant.parse("2026-12-06T15:59:00Z");
        sim.tick();
        assertThat(sim.inFlight()).isEmpty();
        sim.now = Instant.parse("2026-12-06T16:00:00Z");
        sim.tick();
        assertThat(sim.inFlight()).containsExactly("hk-p1");
    }

    @Test
    void pauseStopsNewStartsAndResumeGoesBackToWhereTheFleetWas() {
        Sim sim = new Sim(autoPlan(), fleetOf10(), Map.of());
        sim.request();
        sim.in(new FleetInput.Pause("ada", "chat outage", sim.now));
        sim.end("hk-s1", CutoverState.GREEN); // in flight at the pause: finishes
        sim.later(3600);
        sim.tick();
        assertThat(sim.started()).containsExactly("hk-s1");
        sim.in(new FleetInput.Resume("ada", "chat back", sim.now));
        assertThat(sim.s.state()).isEqualTo(FleetState.BAKING);
    }

    @Test
    void abortAbortsTheLeasesInFlightAndEndsTheFleet() {
        Sim sim = new Sim(autoPlan(), fleetOf10(), Map.of());
        sim.request();
        sim.in(new FleetInput.Abort("ada", "wrong version", sim.now));
        assertThat(sim.of(FleetEffect.AbortLease.class)).extracting(FleetEffect.AbortLease::leaseId)
                .containsExactly("hk-s1");
        assertThat(sim.s.state()).isEqualTo(FleetState.ABORTED);
        assertThat(sim.in(new FleetInput.Resume("ada", "oops", sim.now))).first().isInstanceOf(FleetEffect.Refuse.class);
    }

    @Test
    void extendUpgradesLeasesThatJoinedLaterInNewWavesWithTheirOwnCanaryBake() {
        Sim sim = new Sim(plan(2, null, 60, true, 1, 1, "halt", false, null),
                List.of(staging("hk-s1", Region.HK), prod("hk-p1", Region.HK)), Map.of());
        sim.request();
        sim.greenUntilStuck();
        assertThat(sim.s.state()).isEqualTo(FleetState.DONE);
        sim.in(new FleetInput.Extend("ada", List.of(prod("jp-new1", Region.JP), prod("jp-new2", Region.JP)), sim.now));
        assertThat(sim.s.waves()).extracting(Wave::name).containsExactly("staging", "canary", "canary", "JP");
        assertThat(sim.s.waves().get(2).bakeSeconds()).isEqualTo(120);
        assertThat(sim.inFlight()).containsExactly("jp-new1");
        sim.greenUntilStuck();
        assertThat(sim.s.state()).isEqualTo(FleetState.DONE);
        assertThat(sim.started()).endsWith("jp-new1", "jp-new2");
    }
}
