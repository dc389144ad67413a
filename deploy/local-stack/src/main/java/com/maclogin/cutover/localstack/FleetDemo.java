package com.maclogin.cutover.localstack;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.PrintStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * {@code ./run-demo.sh --fleet}: one request upgrades the simulated leases of three regions in waves (staging first,
 * a canary with its own bake, then HK, JP and SG), with the fleet's progress printed as it moves. Exits 0 when the
 * fleet is DONE with every lease GREEN and serving the candidate.
 */
final class FleetDemo {

    static final List<String> REGIONS = List.of("hk", "jp", "sg");
    static final Map<String, String> LABELS = Map.of("pool", "demo");

    private FleetDemo() {
    }

    /** The demo's stack: two leases in each of three regions, a 10 s validation window per lease (fewer than 3 integration samples in a window is a blind window, never GREEN). */
    static StackConfig config(StackConfig base) {
        return base.withRegions(REGIONS).withLeasesPerRegion(2).withValidationWindow(Duration.ofSeconds(10));
    }

    static int run(LocalStack stack, PrintStream out) throws IOException {
        StackConfig cfg = stack.config();
        FleetRunner fleets = new FleetRunner(stack, out);
        List<String> staging = new ArrayList<>();
        List<String> production = new ArrayList<>();
        for (String id : cfg.leaseIds()) {
            (id.endsWith("-1") ? staging : production).add(id);
        }
        fleets.register(staging, "STAGING", LABELS);
        fleets.register(production, "PRODUCTION", LABELS);
        // the playbook's default windows refuse Friday afternoons and weekends; the demo's plan opens them (any day)
        Map<String, Object> plan = FleetRunner.plan(Map.of("count", 1, "bakeSeconds", 3), List.of("HK", "JP", "SG"), 2,
                "rollbackWave", REGIONS);
        plan.put("bakeSeconds", 2);
        out.println();
        out.printf("== Demo fleet: %d leases in %s (staging %s, production %s), %s -> %s in waves ==%n",
                cfg.leaseIds().size(), REGIONS, staging, production, cfg.fromVersion(), cfg.toVersion());
        String id = fleets.start(FleetRunner.request(cfg.toVersion(), "CHG-4712", LABELS, plan, 0));
        JsonNode end = fleets.follow(id, FleetRunner.SETTLED, Duration.ofMinutes(10));
        out.println();
        out.println("Fleet " + id + " ended " + end.path("state").asText() + ": " + FleetRunner.progress(end));
        for (JsonNode w : end.path("waves")) {
            out.printf("  wave %d %-8s %-9s leases %s%n", w.path("index").asInt(), w.path("name").asText(),
                    w.path("state").asText(), w.path("leaseIds"));
        }
        boolean ok = "DONE".equals(end.path("state").asText())
                && end.path("counts").path("GREEN").asInt() == cfg.leaseIds().size();
        for (int i = 0; i < cfg.leaseIds().size(); i++) {
            String served = stack.gatewayStartupz(i).path("version").asText("?");
            out.printf("  %s serves %s%n", cfg.leaseIds().get(i), served);
            ok &= cfg.toVersion().equals(served);
        }
        new DemoRunner(stack, out).printChat();
        out.println(ok ? "DEMO PASSED: fleet DONE, " + cfg.leaseIds().size() + " leases GREEN serving " + cfg.toVersion()
                : "DEMO FAILED: expected the fleet DONE with every lease GREEN serving " + cfg.toVersion());
        return ok ? 0 : 1;
    }
}
