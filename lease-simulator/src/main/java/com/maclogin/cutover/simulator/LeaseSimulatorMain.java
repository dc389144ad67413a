package com.maclogin.cutover.simulator;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.maclogin.cutover.contracts.Json;
import com.maclogin.cutover.contracts.Region;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;

/**
 * CLI: {@code LeaseSimulatorMain --config <leases.json> --state-dir <dir> --descriptor-out <file.json> [--reset]}.
 * Writes the descriptor once every lease is ready, prints one line per lease, runs until SIGTERM.
 */
public final class LeaseSimulatorMain {

    private LeaseSimulatorMain() {
    }

    public static void main(String[] args) throws Exception {
        ProcessLaunch.preferVfork();
        Path configFile = null;
        Path stateDir = null;
        Path descriptorOut = null;
        boolean reset = false;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--config" -> configFile = Path.of(args[++i]);
                case "--state-dir" -> stateDir = Path.of(args[++i]);
                case "--descriptor-out" -> descriptorOut = Path.of(args[++i]);
                case "--reset" -> reset = true;
                case "-h", "--help" -> {
                    usage();
                    return;
                }
                default -> {
                    System.err.println("unknown argument: " + args[i]);
                    usage();
                    System.exit(64);
                }
            }
        }
        if (configFile == null || stateDir == null || descriptorOut == null) {
            usage();
            System.exit(64);
        }
        SimulatorConfig config = parseConfig(Files.readString(configFile), stateDir);
        if (reset) {
            for (LeaseSpec l : config.leases()) {
                GatewayPackage.deleteTree(stateDir.resolve(l.id()).resolve("home"));
                Files.deleteIfExists(stateDir.resolve(l.id()).resolve("launchd-disabled.txt"));
            }
        }
        long t0 = System.nanoTime();
        LeaseSimulator sim = LeaseSimulator.start(config);
        for (SimulatedLease l : sim.leases()) {
            System.out.printf("lease %s region=%s ssh=%s@%s:%d probe=%s(%s) gateway=127.0.0.1:%d tls=127.0.0.1:%d version=%s faults=%s home=%s%n",
                    l.id(), l.region(), l.sshUser(), l.host(), l.sshPort(), l.probeUser(), l.probeAccount().mode(),
                    l.gatewayPort(), l.tlsPort(), l.runningVersion(), l.faults().active(), l.home());
        }
        System.out.flush();
        Path tmp = descriptorOut.resolveSibling(descriptorOut.getFileName() + ".tmp");
        if (descriptorOut.toAbsolutePath().getParent() != null) {
            Files.createDirectories(descriptorOut.toAbsolutePath().getParent());
        }
        Files.writeString(tmp, sim.descriptorJson());
        Files.move(tmp, descriptorOut, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        System.out.printf("lease-simulator ready: %d lease(s) in %d ms, control API 127.0.0.1:%d, descriptor %s%n",
                sim.leases().size(), (System.nanoTime() - t0) / 1_000_000, sim.controlPort(), descriptorOut);
        System.out.flush();
        new CountDownLatch(1).await();
    }

    static SimulatorConfig parseConfig(String json, Path stateDir) throws IOException {
        JsonNode root = Json.MAPPER.readTree(json);
        List<LeaseSpec> leases = new ArrayList<>();
        for (JsonNode l : root.path("leases")) {
            Faults faults = null;
            if (l.hasNonNull("faults")) {
                faults = Json.MAPPER.readerFor(Faults.class)
                        .with(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
                        .readValue(l.get("faults"));
            }
            leases.add(new LeaseSpec(l.path("id").asText(), Region.parse(l.path("region").asText()),
                    l.path("sshPort").asInt(0), l.path("gatewayPort").asInt(), l.path("initialVersion").asText(), faults));
        }
        List<String> keys = new ArrayList<>();
        for (JsonNode k : root.path("authorizedKeys")) {
            keys.add(k.asText());
        }
        Duration throttle = root.hasNonNull("throttleIntervalMillis")
                ? Duration.ofMillis(root.get("throttleIntervalMillis").asLong()) : null;
        return new SimulatorConfig(stateDir, leases, keys, root.path("controlPort").asInt(0),
                Duration.ofMillis(root.path("gatewayStartupDelayMillis").asLong(800)), throttle,
                root.hasNonNull("probeUser") ? root.get("probeUser").asText() : null,
                root.hasNonNull("gatewayMode") ? GatewayMode.parse(root.get("gatewayMode").asText()) : null);
    }

    private static void usage() {
        System.err.println("usage: java -cp <classpath> com.maclogin.cutover.simulator.LeaseSimulatorMain "
                + "--config <leases.json> --state-dir <dir> --descriptor-out <file.json> [--reset]");
    }
}
