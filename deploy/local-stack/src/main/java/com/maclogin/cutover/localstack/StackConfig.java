package com.maclogin.cutover.localstack;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * Where and how the local stack runs. {@link #defaults(Path)} is what the README's main command uses;
 * tests use {@link #withPortOffset(int)} so they never collide with a running demo.
 *
 * @param repoRoot           the checkout, to find each service's {@code target/quarkus-app}
 * @param workDir            everything the run writes: logs, keys, broker and database data, lease homes
 * @param portOffset         added to every fixed port
 * @param regions            one simulated lease and one probe worker per region, e.g. {@code [HK, JP]}
 * @param validationWindow   the cutover's validation window (the playbook's 15 minutes, shortened for the demo)
 * @param probeInterval      interval between probe rounds in the window
 * @param gatewayStartup     the gateway stand-in's start-up time
 * @param kafkaBrokers       1 (one KRaft broker) or 3 (a three-broker cluster, {@code ./run-demo.sh --cluster})
 * @param serviceInstances   instances of each service (orchestrator, rollback-service, notifier) and workers per region
 * @param postgresStandby    whether PostgreSQL runs with a streaming standby the services reach by a multi-host URL
 */
public record StackConfig(
        Path repoRoot,
        Path workDir,
        int portOffset,
        List<String> regions,
        Duration validationWindow,
        Duration probeInterval,
        Duration rollbackVerifyWindow,
        Duration gatewayStartup,
        String fromVersion,
        String toVersion,
        int leasesPerRegion,
        int kafkaBrokers,
        int serviceInstances,
        boolean postgresStandby) {

    public StackConfig {
        if (serviceInstances < 1 || serviceInstances > 2) {
            throw new IllegalArgumentException("serviceInstances " + serviceInstances + ": 1 or 2 (the port plan has two)");
        }
    }

    public static StackConfig defaults(Path repoRoot) {
        return new StackConfig(repoRoot, repoRoot.resolve(".local"), 0, List.of("hk", "jp"),
                Duration.ofSeconds(12), Duration.ofSeconds(1), Duration.ofSeconds(3), Duration.ofMillis(800),
                "2026.9.5", "2026.9.6", 1, 1, 1, false);
    }

    public StackConfig withVersions(String from, String to) {
        return new StackConfig(repoRoot, workDir, portOffset, regions, validationWindow, probeInterval, rollbackVerifyWindow,
                gatewayStartup, from, to, leasesPerRegion, kafkaBrokers, serviceInstances, postgresStandby);
    }

    /** Regions by suffix ({@code hk}, {@code jp}, {@code kr}, {@code sg}, {@code us}): one probe worker each. */
    public StackConfig withRegions(List<String> regions) {
        return new StackConfig(repoRoot, workDir, portOffset, List.copyOf(regions), validationWindow, probeInterval,
                rollbackVerifyWindow, gatewayStartup, fromVersion, toVersion, leasesPerRegion, kafkaBrokers, serviceInstances, postgresStandby);
    }

    public StackConfig withLeasesPerRegion(int n) {
        return new StackConfig(repoRoot, workDir, portOffset, regions, validationWindow, probeInterval, rollbackVerifyWindow,
                gatewayStartup, fromVersion, toVersion, n, kafkaBrokers, serviceInstances, postgresStandby);
    }

    /** A three-broker KRaft cluster ({@code brokers} = 3) or the single broker (1). */
    public StackConfig withKafkaBrokers(int brokers) {
        return new StackConfig(repoRoot, workDir, portOffset, regions, validationWindow, probeInterval, rollbackVerifyWindow,
                gatewayStartup, fromVersion, toVersion, leasesPerRegion, brokers, serviceInstances, postgresStandby);
    }

    /** {@code n} instances of every service and {@code n} workers per region, all active. */
    public StackConfig withServiceInstances(int n) {
        return new StackConfig(repoRoot, workDir, portOffset, regions, validationWindow, probeInterval, rollbackVerifyWindow,
                gatewayStartup, fromVersion, toVersion, leasesPerRegion, kafkaBrokers, n, postgresStandby);
    }

    /** PostgreSQL as a primary with a streaming standby. */
    public StackConfig withPostgresStandby(boolean standby) {
        return new StackConfig(repoRoot, workDir, portOffset, regions, validationWindow, probeInterval, rollbackVerifyWindow,
                gatewayStartup, fromVersion, toVersion, leasesPerRegion, kafkaBrokers, serviceInstances, standby);
    }

    /** Lease ids in index order: {@code hk-1, jp-1} (or {@code hk-1, hk-2, jp-1, jp-2} with two per region). */
    public List<String> leaseIds() {
        List<String> ids = new java.util.ArrayList<>();
        for (String r : regions) {
            for (int i = 1; i <= leasesPerRegion; i++) {
                ids.add(r + "-" + i);
            }
        }
        return ids;
    }

    /**
     * Every fixed port plus {@code offset}, plus the system property {@code localstack.port-shift} (default 0) so two
     * checkouts can run their end-to-end tests on one machine at the same time.
     */
    public StackConfig withPortOffset(int offset) {
        return new StackConfig(repoRoot, workDir, offset + Integer.getInteger("localstack.port-shift", 0), regions, validationWindow, probeInterval, rollbackVerifyWindow,
                gatewayStartup, fromVersion, toVersion, leasesPerRegion, kafkaBrokers, serviceInstances, postgresStandby);
    }

    public StackConfig withWorkDir(Path dir) {
        return new StackConfig(repoRoot, dir, portOffset, regions, validationWindow, probeInterval, rollbackVerifyWindow,
                gatewayStartup, fromVersion, toVersion, leasesPerRegion, kafkaBrokers, serviceInstances, postgresStandby);
    }

    public StackConfig withValidationWindow(Duration window) {
        return new StackConfig(repoRoot, workDir, portOffset, regions, window, probeInterval, rollbackVerifyWindow,
                gatewayStartup, fromVersion, toVersion, leasesPerRegion, kafkaBrokers, serviceInstances, postgresStandby);
    }

    /** The first (or only) broker's client port. */
    public int kafkaPort() {
        return kafkaPort(0);
    }

    public int kafkaControllerPort() {
        return kafkaControllerPort(0);
    }

    /** Client (SASL_SSL) port of broker {@code index} (0, 1, 2): 19092, 19095, 19097 (19094 is the mTLS test listener). */
    public int kafkaPort(int index) {
        return new int[] {19092, 19095, 19097}[index] + portOffset;
    }

    /** Controller (mTLS) port of broker {@code index} (0, 1, 2): 19093, 19096, 19098. */
    public int kafkaControllerPort(int index) {
        return new int[] {19093, 19096, 19098}[index] + portOffset;
    }

    /** {@code bootstrap.servers} of every client of this stack: every broker, {@code 127.0.0.1:19092,...}. */
    public String kafkaBootstrapServers() {
        return java.util.stream.IntStream.range(0, kafkaBrokers).mapToObj(i -> "127.0.0.1:" + kafkaPort(i))
                .collect(java.util.stream.Collectors.joining(","));
    }

    /** The broker's mTLS listener, only in the test of mTLS clients ({@link KafkaBroker#start(StackConfig, String, boolean)}). */
    public int kafkaMtlsPort() {
        return 19094 + portOffset;
    }

    /**
     * Properties of a Kafka client of the test harness (the end-to-end tests' consumers, the benchmarks' drivers) for
     * this stack's broker: {@code bootstrap.servers} and the admin's SASL_SSL login (a super user, see
     * {@link KafkaAcls}), read from the credentials the stack made in its work dir.
     */
    public java.util.Properties kafkaClientProperties() {
        try {
            return KafkaSecurity.load(workDir).adminClientProperties(this);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException("no Kafka credentials in " + workDir + ": is the stack's broker started?", e);
        }
    }

    public int postgresPort() {
        return 55432 + portOffset;
    }

    /** The PostgreSQL standby ({@link #postgresStandby()}): 55433 plus the offset. */
    public int postgresStandbyPort() {
        return 55433 + portOffset;
    }

    public int orchestratorPort() {
        return 8080 + portOffset;
    }

    public int rollbackPort() {
        return 8082 + portOffset;
    }

    public int notifierPort() {
        return 8083 + portOffset;
    }

    /** Instance 1 on {@link #orchestratorPort()}, instance 2 (with {@code serviceInstances} 2) on 8084. */
    public int orchestratorPort(int instance) {
        return instance == 1 ? orchestratorPort() : secondInstancePort(8084, instance);
    }

    /** Instance 1 on {@link #rollbackPort()}, instance 2 on 8085. */
    public int rollbackPort(int instance) {
        return instance == 1 ? rollbackPort() : secondInstancePort(8085, instance);
    }

    /** Instance 1 on {@link #notifierPort()}, instance 2 on 8086. */
    public int notifierPort(int instance) {
        return instance == 1 ? notifierPort() : secondInstancePort(8086, instance);
    }

    private int secondInstancePort(int port, int instance) {
        if (instance != 2) {
            throw new IllegalArgumentException("instance " + instance + ": the port plan has two instances of each service");
        }
        return port + portOffset;
    }

    public int simulatorControlPort() {
        return 8090 + portOffset;
    }

    public int slackPort() {
        return 8091 + portOffset;
    }

    public int telegramPort() {
        return 8092 + portOffset;
    }

    /** 8181 for the first region's worker, 8182 for the second, ... */
    public int probePort(String region) {
        return 8181 + List.of("hk", "jp", "kr", "sg", "us").indexOf(region) + portOffset;
    }

    public int leaseSshPort(int index) {
        return 2201 + index + portOffset;
    }

    public int leaseGatewayPort(int index) {
        return 18789 + 10 * index + portOffset;
    }
}
