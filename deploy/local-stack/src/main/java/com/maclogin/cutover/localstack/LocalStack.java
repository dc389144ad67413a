package com.maclogin.cutover.localstack;

import com.fasterxml.jackson.databind.JsonNode;
import com.maclogin.cutover.contracts.Json;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.Consumer;

/**
 * The whole product on one machine: a real Kafka broker (KRaft; or a three-broker cluster, {@link StackConfig#kafkaBrokers()})
 * and a real PostgreSQL, simulated leases (one per
 * region, each a real SSH server with its gateway under the launchd emulator), local Slack and Telegram servers,
 * and every service as its own process: orchestrator, rollback, notifier, and one probe worker per region.
 */
public final class LocalStack implements AutoCloseable {

    /**
     * How often the stack's workers watch each lease unless the lease says otherwise (the product's default is 30 s:
     * {@code probe.watch.interval}): 10 s for the demo, {@code -Dlocalstack.watch-interval} (ISO-8601) to change it; the
     * end-to-end tests set PT300S (deploy/local-stack/pom.xml).
     */
    public static final Duration WATCH_INTERVAL = Duration.parse(System.getProperty("localstack.watch-interval", "PT10S"));


    /**
     * How long one process of the stack may take to come up (port open, health ready). A quiet machine needs 5-20 s; the
     * generous bound is for a 2-core machine starting three stacks beside the modules' tests. It only costs time when
     * something is really broken, and then the failure names the process and its log.
     */
    static final Duration START_TIMEOUT = Duration.ofSeconds(240);

    private final StackConfig cfg;
    private final Consumer<String> progress;
    private final List<ManagedProcess> processes = Collections.synchronizedList(new ArrayList<>());
    private final Map<String, ManagedProcess> byName = Collections.synchronizedMap(new LinkedHashMap<>());
    private final Map<String, String> readyUrls = Collections.synchronizedMap(new LinkedHashMap<>());
    /** Each region's worker configuration, for {@link #startSecondWorker}. */
    private final Map<String, Map<String, String>> probeProps = Collections.synchronizedMap(new LinkedHashMap<>());
    private PostgresServer postgres;
    private JsonNode leases;
    private final String slackToken = "xoxb-local-" + randomHex(12);
    private final String telegramToken = "7000000:local" + randomHex(12);
    private final String operatorToken = "op-" + randomHex(24);
    private final String viewerToken = "view-" + randomHex(24);
    private final String adminToken = "adm-" + randomHex(24);
    /** One PostgreSQL user per service, a random password each per stack: service name -> password. */
    private final Map<String, String> dbPasswords = Map.of("orchestrator", randomHex(16), "rollback", randomHex(16),
            "notifier", randomHex(16));
    private Path tokensFile;
    /** The broker's CA and the SCRAM passwords of this stack's Kafka principals (see {@link KafkaSecurity}). */
    private KafkaSecurity kafka;
    /** The in-memory OTLP/HTTP collector every service of this stack sends its spans to. */
    private TraceCollector traces;

    /** Directory of the workers' SSH keys under the work dir; survives restarts. */
    public static final String KEYS_DIR = "keys";
    /** The harness JVM's own log (slf4j-simple: embedded PostgreSQL, Kafka admin client) under {@code logs/}. */
    public static final String HARNESS_LOG = "local-stack.log";
    /** The local Slack channel, configured as an id like a real one ({@code #name}s are not what Slack wants). */
    static final String SLACK_CHANNEL = "C0GATEWAYOPS";

    private LocalStack(StackConfig cfg, Consumer<String> progress) {
        this.cfg = cfg;
        this.progress = progress;
    }

    /** Starts everything and registers the simulated leases; returns when every service is ready. */
    public static LocalStack start(StackConfig cfg, Consumer<String> progress) throws IOException {
        LocalStack stack = new LocalStack(cfg, progress);
        synchronized (STARTING) {
            STARTING.incrementAndGet();
        }
        try {
            stack.startAll();
            return stack;
        } catch (IOException | RuntimeException e) {
            stack.close();
            throw e;
        } finally {
            synchronized (STARTING) {
                STARTING.decrementAndGet();
                STARTING.notifyAll();
            }
        }
    }

    /** Stacks of this JVM being started right now (PostgreSQL, a broker and half a dozen JVMs each: the busiest time). */
    private static final java.util.concurrent.atomic.AtomicInteger STARTING = new java.util.concurrent.atomic.AtomicInteger();

    /**
     * Waits until no stack of this JVM is starting, at most {@code max}; returns the milliseconds waited. Work whose
     * timing is not ours to stretch (the real gateway's fixed 5 s start-up heartbeat) waits for it.
     */
    public static long awaitNoStackStarting(Duration max) throws InterruptedException {
        long t0 = System.nanoTime();
        long deadline = t0 + max.toNanos();
        synchronized (STARTING) {
            while (STARTING.get() > 0 && System.nanoTime() < deadline) {
                STARTING.wait(Math.max(1, (deadline - System.nanoTime()) / 1_000_000));
            }
        }
        return (System.nanoTime() - t0) / 1_000_000;
    }

    private void startAll() throws IOException {
        long t0 = System.nanoTime();
        Map<String, WorkerKeys.Key> keys = prepareWorkDir(cfg);
        Path logs = cfg.workDir().resolve("logs");
        String classpath = ownClasspath();

        Map<String, Path> regionKeys = new LinkedHashMap<>();
        List<String> publicKeys = new ArrayList<>();
        keys.forEach((region, key) -> {
            regionKeys.put(region, key.privateKey());
            publicKeys.add(key.publicKey());
        });
        step("worker keys in " + cfg.workDir().resolve(KEYS_DIR) + ": " + keys.entrySet().stream()
                .map(e -> "probe-" + e.getKey() + (e.getValue().reused() ? " reused" : " new"))
                .collect(java.util.stream.Collectors.joining(", ")), t0);

        step("PostgreSQL 17 on 127.0.0.1:" + cfg.postgresPort() + (cfg.postgresStandby()
                ? ", synchronous streaming standby on 127.0.0.1:" + cfg.postgresStandbyPort() : ""), t0);
        postgres = PostgresServer.start(cfg);
        createServiceDatabaseUsers();

        step(cfg.kafkaBrokers() == 1 ? "Kafka broker (KRaft) on 127.0.0.1:" + cfg.kafkaPort()
                : "Kafka cluster (KRaft, " + cfg.kafkaBrokers() + " brokers, RF 3, min ISR 2) on " + cfg.kafkaBootstrapServers(), t0);
        KafkaBroker.startAll(cfg, classpath).forEach(this::add);
        kafka = KafkaSecurity.load(cfg.workDir());

        step("local Slack (:" + cfg.slackPort() + ") and Telegram (:" + cfg.telegramPort() + ") servers", t0);
        ManagedProcess chat = add(ManagedProcess.java("chat-fakes", classpath, List.of("-Xmx64m", "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC"),
                "com.maclogin.cutover.chatfakes.ChatFakesMain",
                List.of("--slack-port", "" + cfg.slackPort(), "--telegram-port", "" + cfg.telegramPort()),
                cfg.workDir(), logs));

        step("lease simulator: " + cfg.regions().size() + " leases", t0);
        Path simConfig = writeSimulatorConfig(publicKeys);
        Path descriptor = cfg.workDir().resolve("leases.json");
        ManagedProcess sim = add(ManagedProcess.java("lease-simulator", classpath, List.of("-Xmx256m"),
                "com.maclogin.cutover.simulator.LeaseSimulatorMain",
                List.of("--config", simConfig.toString(), "--state-dir", cfg.workDir().resolve("leases").toString(),
                        "--descriptor-out", descriptor.toString()),
                cfg.workDir(), logs));
        chat.awaitPort(cfg.telegramPort(), START_TIMEOUT);
        // the simulator sets its leases up four at a time (a home, an SSH server, the launchd emulator, a gateway
        // process each): ~1 s a lease on a quiet machine, 25 s a batch when three stacks start at once on 2 cores
        sim.awaitFile(descriptor, Duration.ofSeconds(60 + 10L * cfg.leaseIds().size()));
        leases = Json.MAPPER.readTree(descriptor.toFile());
        // the probe matrix logs in as each lease's probe account: a real second OS user when the simulator is root;
        // otherwise a name only, and the workers must be told to accept the gateway's uid (the facts say SAME_UID)
        boolean probeNameOnly = false;
        for (JsonNode lease : leases) {
            if (!"os-user".equals(lease.path("probeAccount").asText())) {
                probeNameOnly = true;
                System.out.println("[local-stack] WARNING lease " + lease.path("id").asText() + ": probe account "
                        + lease.path("probeAccountNote").asText() + "; probe workers run with "
                        + "probe.validate.require-distinct-probe-uid=false");
            }
        }

        step("services: orchestrator, rollback, notifier, probe workers " + cfg.regions()
                + (cfg.serviceInstances() == 2 ? ", two instances of each" : ""), t0);
        Map<String, String> common = new LinkedHashMap<>();
        common.put("kafka.bootstrap.servers", cfg.kafkaBootstrapServers()); // every broker of the cluster
        common.put("quarkus.datasource.jdbc.url", postgres.jdbcUrl());
        // the pool's default 5 s wait for a connection fails a service's start (Flyway) when PostgreSQL has just been
        // restarted on a loaded 2-core machine (the chaos run does that on purpose)
        common.put("quarkus.datasource.jdbc.acquisition-timeout", "PT30S");
        if (cfg.postgresStandby()) {
            // after a failover every pooled connection points at the dead primary: check a connection before lending
            // it (one round trip), and idle ones every 10 s, so a transaction after the switch gets a new connection
            // to the promoted standby instead of failing on a dead one (docs/architecture.md "PostgreSQL standby")
            common.put("quarkus.datasource.jdbc.validate-on-borrow", "true");
            common.put("quarkus.datasource.jdbc.background-validation-interval", "PT10S");
        }
        // traces on, to this stack's in-memory collector (README "Metrics and traces": the same switches)
        traces = new TraceCollector(0); // a free port: a real collector on 4318 next to the demo stays undisturbed
        common.put("quarkus.otel.sdk.disabled", "false");
        common.put("quarkus.otel.exporter.otlp.traces.endpoint", "http://127.0.0.1:" + traces.port());
        common.put("quarkus.otel.exporter.otlp.traces.protocol", "http/protobuf");
        common.put("quarkus.otel.bsp.schedule.delay", "PT0.5S");

        Map<String, String> orch = new LinkedHashMap<>(common);
        orch.put("quarkus.http.port", "" + cfg.orchestratorPort());
        orch.put("orchestrator.validation.window", iso(cfg.validationWindow()));
        orch.put("orchestrator.validation.probe-interval", iso(cfg.probeInterval()));
        // the continuous watch (issue 12): the stack's workers watch every lease every WATCH_INTERVAL instead of the
        // product's 30 s, so a lease's health changes within seconds in the demo and the end-to-end tests; the
        // orchestrator's stale sweep counts in the same interval
        orch.put("orchestrator.lease-health.default-watch-interval", iso(WATCH_INTERVAL));
        Map<String, String> rollback = new LinkedHashMap<>(common);
        rollback.put("quarkus.http.port", "" + cfg.rollbackPort());
        rollback.put("rollback.verify.window", iso(cfg.rollbackVerifyWindow()));
        rollback.put("rollback.verify.probe-interval", iso(cfg.probeInterval()));
        Map<String, String> notifier = new LinkedHashMap<>(common);
        notifier.put("quarkus.http.port", "" + cfg.notifierPort());
        notifier.put("notifier.slack.base-url", "http://127.0.0.1:" + cfg.slackPort());
        notifier.put("notifier.slack.channel", SLACK_CHANNEL);
        notifier.put("notifier.dashboard-base-url", orchestratorUrl());
        notifier.put("notifier.telegram.base-url", "http://127.0.0.1:" + cfg.telegramPort());
        notifier.put("notifier.telegram.chat-id", "-1001234567890");
        // a chat call that times out after the request went out is retried blind (Telegram has no history to look
        // in), which can post twice: on a loaded 2-core machine the local chat servers answered after the 10 s default
        notifier.put("notifier.slack.timeout", "PT30S");
        notifier.put("notifier.telegram.timeout", "PT30S");

        List<Future<?>> ready = new ArrayList<>();
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            ready.add(pool.submit(() -> startService("orchestrator-service", orch, serviceEnv("orchestrator", Map.of()),
                    cfg.orchestratorPort())));
            ready.add(pool.submit(() -> startService("rollback-service", rollback, serviceEnv("rollback", Map.of()),
                    cfg.rollbackPort())));
            ready.add(pool.submit(() -> startService("notifier-service", notifier, serviceEnv("notifier",
                    Map.of("NOTIFIER_SLACK_TOKEN", slackToken, "NOTIFIER_TELEGRAM_TOKEN", telegramToken)), cfg.notifierPort())));
            for (String region : cfg.regions()) {
                Map<String, String> probe = new LinkedHashMap<>(common);
                probe.remove("quarkus.datasource.jdbc.url");
                probe.remove("quarkus.datasource.username");
                probe.remove("quarkus.datasource.password");
                probe.remove("quarkus.datasource.jdbc.acquisition-timeout");
                probe.put("quarkus.http.port", "" + cfg.probePort(region));
                probe.put("probe.region", region);
                probe.put("probe.watch.interval", iso(WATCH_INTERVAL));
                probe.put("probe.ssh.private-key-file", regionKeys.get(region).toString());
                if (probeNameOnly) {
                    probe.put("probe.validate.require-distinct-probe-uid", "false");
                }
                probeProps.put(region, probe);
                ready.add(pool.submit(() -> startService("probe-service", "probe-service-" + region, probe, Map.of(),
                        cfg.probePort(region))));
            }
            if (cfg.serviceInstances() == 2) {
                // a second instance of every service, all active: the same database users and Kafka groups, so each
                // group splits its partitions between the two, and the locks of docs/architecture.md ("Running
                // several instances") keep the rest from being done twice. Started once the first instances are ready
                // (Flyway has migrated, the topics exist): ten JVMs starting at once on 2 cores beside other stacks
                // took an orchestrator 275 s, past START_TIMEOUT
                for (Future<?> f : ready) {
                    f.get();
                }
                ready.clear();
                Map<String, String> orch2 = new LinkedHashMap<>(orch);
                orch2.put("quarkus.http.port", "" + cfg.orchestratorPort(2));
                Map<String, String> rollback2 = new LinkedHashMap<>(rollback);
                rollback2.put("quarkus.http.port", "" + cfg.rollbackPort(2));
                Map<String, String> notifier2 = new LinkedHashMap<>(notifier);
                notifier2.put("quarkus.http.port", "" + cfg.notifierPort(2));
                ready.add(pool.submit(() -> startService("orchestrator-service", instanceName("orchestrator-service", 2),
                        orch2, serviceEnv("orchestrator", Map.of()), cfg.orchestratorPort(2))));
                ready.add(pool.submit(() -> startService("rollback-service", instanceName("rollback-service", 2),
                        rollback2, serviceEnv("rollback", Map.of()), cfg.rollbackPort(2))));
                ready.add(pool.submit(() -> startService("notifier-service", instanceName("notifier-service", 2),
                        notifier2, serviceEnv("notifier", Map.of("NOTIFIER_SLACK_TOKEN", slackToken,
                                "NOTIFIER_TELEGRAM_TOKEN", telegramToken)), cfg.notifierPort(2))));
                for (String region : cfg.regions()) {
                    ready.add(pool.submit(() -> startSecondWorker(region)));
                }
            }
            for (Future<?> f : ready) {
                f.get();
            }
        } catch (java.util.concurrent.ExecutionException e) {
            Throwable cause = e.getCause();
            throw cause instanceof IOException io ? io : new IOException(cause.getMessage(), cause);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted", e);
        } finally {
            pool.shutdownNow();
        }

        step("registering leases through POST /api/v1/leases", t0);
        for (JsonNode lease : leases) {
            // simulated leases are a staging fleet: the staging-first gate (PLAYBOOK "staging lease before production
            // leases") applies to PRODUCTION leases, which only a real fleet registers
            if (lease instanceof com.fasterxml.jackson.databind.node.ObjectNode o && !o.has("stage")) {
                o.put("stage", "STAGING");
            }
            // the simulator's probe account (descriptor "probeUser") is the lease's probeUser; the request names it
            if (!lease.hasNonNull("probeUser")) {
                throw new IOException("lease " + lease.path("id").asText() + ": the simulator descriptor has no probeUser");
            }
            Api.Reply r = registerLease(lease);
            if (r.status() / 100 != 2) {
                throw new IOException("lease registration refused: HTTP " + r.status() + " " + r.body());
            }
        }
        tokensFile = TokensFile.write(cfg.workDir(), orchestratorUrl(), operatorToken, viewerToken, adminToken);
        step("stack ready", t0);
    }

    /**
     * What every start does first: empties the work dir (see {@link #cleanWorkDir}) and finds or makes one SSH client
     * key per region, held only by that region's worker and kept across runs (see {@link WorkerKeys}).
     */
    static Map<String, WorkerKeys.Key> prepareWorkDir(StackConfig cfg) throws IOException {
        cleanWorkDir(cfg.workDir());
        return WorkerKeys.ensure(cfg.workDir().resolve(KEYS_DIR), cfg.regions());
    }

    /**
     * Empties the work dir for a fresh run, but keeps {@code keys/} (the workers' SSH keys, see {@link WorkerKeys})
     * and the harness's own log {@code logs/local-stack.log} (already open when this runs).
     */
    static void cleanWorkDir(Path workDir) throws IOException {
        Files.createDirectories(workDir.resolve("logs"));
        try (var entries = Files.list(workDir)) {
            for (Path p : entries.toList()) {
                if (!p.getFileName().toString().equals(KEYS_DIR) && !p.getFileName().toString().equals("logs")) {
                    deleteRecursively(p);
                }
            }
        }
        try (var logs = Files.list(workDir.resolve("logs"))) {
            for (Path p : logs.toList()) {
                if (!p.getFileName().toString().equals(HARNESS_LOG)) {
                    deleteRecursively(p);
                }
            }
        }
    }

    /**
     * {@code env} plus the Kafka client variables ({@link KafkaSecurity#serviceEnvironment}) of the service's own
     * principal: {@code orchestrator}, {@code rollback-service}, {@code notifier}, or {@code probe-<region>} for every
     * worker of a region. In the environment like the tokens: never on a command line, where ps would show them.
     */
    private Map<String, String> withKafka(String module, Map<String, String> props, Map<String, String> env) {
        String principal = switch (module) {
            case "orchestrator-service" -> "orchestrator";
            case "rollback-service" -> "rollback-service";
            case "notifier-service" -> "notifier";
            case "probe-service" -> KafkaAcls.worker(com.maclogin.cutover.contracts.Region.parse(props.get("probe.region")));
            default -> throw new IllegalArgumentException("no Kafka principal for " + module);
        };
        Map<String, String> all = new LinkedHashMap<>(env);
        all.putAll(kafka.serviceEnvironment(principal));
        return all;
    }

    /** Properties of a harness Kafka client (admin, a super user) for this stack's broker: {@link StackConfig#kafkaClientProperties()}. */
    public java.util.Properties kafkaClientProperties() {
        return cfg.kafkaClientProperties();
    }

    /** {@code http://127.0.0.1:<orchestrator port>}: the API, and the dashboard's origin. */
    public String orchestratorUrl() {
        return "http://127.0.0.1:" + cfg.orchestratorPort();
    }

    /** The tokens file this stack wrote (see {@link TokensFile}). */
    public Path tokensFile() {
        return tokensFile;
    }

    private Void startService(String module, Map<String, String> props, Map<String, String> env, int port) throws IOException {
        return startService(module, module, props, env, port);
    }

    private Void startService(String module, String name, Map<String, String> props, Map<String, String> env, int port)
            throws IOException {
        Path jar = cfg.repoRoot().resolve(module).resolve("target/quarkus-app/quarkus-run.jar");
        if (!Files.isRegularFile(jar)) {
            throw new IOException(jar + " does not exist: build the services first (./mvnw -DskipTests package)");
        }
        List<String> cmd = new ArrayList<>();
        cmd.add(ManagedProcess.javaBinary());
        cmd.add("-Xmx256m");
        cmd.add("-XX:TieredStopAtLevel=1");
        cmd.add("-XX:+UseSerialGC");
        props.forEach((k, v) -> cmd.add("-D" + k + "=" + v));
        cmd.add("-jar");
        cmd.add(jar.toString());
        ManagedProcess p = add(ManagedProcess.start(name, cmd, withKafka(module, props, env), cfg.workDir(),
                cfg.workDir().resolve("logs")));
        readyUrls.put(name, "http://127.0.0.1:" + port + "/q/health/ready");
        p.awaitHttp200(readyUrls.get(name), START_TIMEOUT);
        progress.accept("    ready: " + name + " on :" + port + " (pid " + p.pid() + ")");
        return null;
    }

    private Path writeSimulatorConfig(List<String> publicKeys) throws IOException {
        List<Map<String, Object>> specs = new ArrayList<>();
        List<String> ids = cfg.leaseIds();
        for (int i = 0; i < ids.size(); i++) {
            String region = ids.get(i).substring(0, 2);
            Map<String, Object> spec = new LinkedHashMap<>();
            spec.put("id", ids.get(i));
            spec.put("region", region.toUpperCase());
            spec.put("sshPort", cfg.leaseSshPort(i));
            spec.put("gatewayPort", cfg.leaseGatewayPort(i));
            spec.put("initialVersion", cfg.fromVersion());
            specs.add(spec);
        }
        Map<String, Object> conf = new LinkedHashMap<>();
        conf.put("controlPort", cfg.simulatorControlPort());
        conf.put("gatewayStartupDelayMillis", cfg.gatewayStartup().toMillis());
        conf.put("throttleIntervalMillis", 2000);
        conf.put("authorizedKeys", publicKeys);
        conf.put("leases", specs);
        Path file = cfg.workDir().resolve("simulator.json");
        Files.writeString(file, Json.write(conf));
        return file;
    }

    private ManagedProcess add(ManagedProcess p) {
        processes.add(p);
        byName.put(p.name(), p);
        return p;
    }

    private void step(String what, long t0) {
        progress.accept(String.format("[%5.1fs] %s", (System.nanoTime() - t0) / 1e9, what));
    }

    public StackConfig config() {
        return cfg;
    }

    /**
     * The leases as the simulator described them: id, region, host, sshPort, sshUser, probeUser (+ probeUid,
     * probeAccount), hostKey, gatewayPort; registered as they are (probeUser included).
     */
    public JsonNode leases() {
        return leases;
    }

    /** The orchestrator's API as an operator (may start, abort, roll back). */
    public Api orchestrator() {
        return new Api(orchestratorUrl(), operatorToken);
    }

    /** The orchestrator's API as an admin (may also register and change leases). */
    public Api orchestratorAdmin() {
        return new Api(orchestratorUrl(), adminToken);
    }

    /**
     * Registers or changes a lease ({@code POST /api/v1/leases}, admin only): the one way the stack, the end-to-end
     * tests, the benchmarks and the demos register leases.
     */
    public Api.Reply registerLease(Object lease) throws IOException {
        return orchestratorAdmin().post("/api/v1/leases", lease);
    }

    /**
     * Adds to a cutover request an override (with {@code reason}) for each of its trigger actions milder than ROLLBACK:
     * loosening a trigger's action is an override, which a second operator approves ({@link #approveOverrides}).
     */
    @SuppressWarnings("unchecked")
    public static void overrideMilderTriggerActions(Map<String, Object> request, String reason) {
        Object actions = request.get("triggerActions");
        if (!(actions instanceof Map<?, ?> m)) {
            return;
        }
        List<Object> overrides = new ArrayList<>(request.get("overrides") instanceof List<?> l ? l : List.of());
        ((Map<String, String>) m).forEach((trigger, action) -> {
            if (!"ROLLBACK".equalsIgnoreCase(action)) {
                overrides.add(Map.of("field", "triggerActions." + trigger, "value", action, "reason", reason));
            }
        });
        request.put("overrides", overrides);
    }

    /** A second operator (the stack's admin identity, not the operator who started it) approves a cutover's overrides. */
    public Api.Reply approveOverrides(String cutoverId) throws IOException {
        return orchestratorAdmin().post("/api/v1/cutovers/" + cutoverId + "/overrides/approve", Map.of());
    }

    /** The orchestrator's API as a viewer (read only). */
    public Api orchestratorViewer() {
        return new Api("http://127.0.0.1:" + cfg.orchestratorPort(), viewerToken);
    }

    /** The orchestrator's API without credentials. */
    public Api orchestratorAnonymous() {
        return new Api("http://127.0.0.1:" + cfg.orchestratorPort());
    }

    /**
     * The process name of instance {@code i} of a service: {@code orchestrator-service} for 1,
     * {@code orchestrator-service-2} for 2 (likewise {@code rollback-service}, {@code notifier-service},
     * {@code probe-service-<region>}); for {@link #kill}, {@link #restart} and {@link #process}.
     */
    public static String instanceName(String service, int i) {
        return i == 1 ? service : service + "-" + i;
    }

    /** Instance {@code i} (1 or 2) of the orchestrator's API as an operator. */
    public Api orchestrator(int i) {
        return new Api("http://127.0.0.1:" + cfg.orchestratorPort(i), operatorToken);
    }

    /** Instance {@code i} of rollback-service's API as a viewer. */
    public Api rollbackService(int i) {
        return new Api("http://127.0.0.1:" + cfg.rollbackPort(i), viewerToken);
    }

    /** Instance {@code i} of notifier-service's API as a viewer. */
    public Api notifier(int i) {
        return new Api("http://127.0.0.1:" + cfg.notifierPort(i), viewerToken);
    }

    /** rollback-service's API as a viewer (it has only reads). */
    public Api rollbackService() {
        return new Api("http://127.0.0.1:" + cfg.rollbackPort(), viewerToken);
    }

    /** notifier-service's API as a viewer (it has only reads). */
    public Api notifier() {
        return new Api("http://127.0.0.1:" + cfg.notifierPort(), viewerToken);
    }

    /** The lease simulator's control API (fault switches, lease state). */
    public Api simulator() {
        return new Api("http://127.0.0.1:" + cfg.simulatorControlPort());
    }

    /** What the local Slack and Telegram servers received. */
    public JsonNode chatMessages() throws IOException {
        return new Api("http://127.0.0.1:" + cfg.slackPort()).get("/_recorded").body();
    }

    /** The gateway's own {@code /startupz} on a lease, straight over loopback (this machine is every lease). */
    public JsonNode gatewayStartupz(int leaseIndex) throws IOException {
        return new Api("http://127.0.0.1:" + cfg.leaseGatewayPort(leaseIndex)).get("/startupz").body();
    }

    public ManagedProcess process(String name) {
        return byName.get(name);
    }

    /** Names of the service processes (orchestrator-service, rollback-service, notifier-service, probe-service-hk, ...). */
    public List<String> serviceNames() {
        return List.copyOf(readyUrls.keySet());
    }

    /**
     * Starts a second worker for {@code region} ({@code probe-service-<region>-2}: the region's configuration, its own
     * HTTP port and worker id), which joins the region's consumer group, so the step topic's partitions are shared
     * between two workers (the chaos run's rebalances). Returns its service name.
     */
    public String startSecondWorker(String region) throws IOException {
        Map<String, String> props = new LinkedHashMap<>(probeProps.get(region));
        int port = cfg.probePort(region) + 20;
        props.put("quarkus.http.port", "" + port);
        props.put("probe.worker-id", "probe-" + region + "-2");
        String name = "probe-service-" + region + "-2";
        startService("probe-service", name, props, Map.of(), port);
        return name;
    }

    /** SIGKILLs a service instance, as a crash would. */
    public void kill(String name) {
        byName.get(name).kill();
    }

    /** Starts a killed or stopped service again and waits until it is ready. */
    public void restart(String name) throws IOException {
        ManagedProcess old = byName.get(name);
        old.stop(Duration.ofSeconds(5));
        ManagedProcess p = old.restart();
        processes.remove(old);
        add(p);
        String url = readyUrls.get(name);
        if (url != null) {
            p.awaitHttp200(url, START_TIMEOUT);
        } else {
            for (int i = 0; i < cfg.kafkaBrokers(); i++) {
                if (KafkaBroker.nodeName(cfg, i).equals(name)) {
                    p.awaitPort(cfg.kafkaPort(i), START_TIMEOUT);
                }
            }
        }
    }

    /** The process names of the stack's Kafka brokers: {@code kafka}, or {@code kafka-1}, {@code kafka-2}, {@code kafka-3}. */
    public List<String> kafkaBrokerNames() {
        List<String> names = new ArrayList<>();
        for (int i = 0; i < cfg.kafkaBrokers(); i++) {
            names.add(KafkaBroker.nodeName(cfg, i));
        }
        return names;
    }

    /** SIGKILLs Kafka node {@code nodeId} (1, 2, 3), as a crashed machine; {@link #restartKafkaBroker} brings it back. */
    public void killKafkaBroker(int nodeId) {
        kill(KafkaBroker.nodeName(cfg, nodeId - 1));
    }

    /** Starts Kafka node {@code nodeId} again on its own data dir and waits until its client port is open. */
    public void restartKafkaBroker(int nodeId) throws IOException {
        restart(KafkaBroker.nodeName(cfg, nodeId - 1));
    }

    /**
     * The API tokens (the same three for the orchestrator, rollback-service and notifier-service) and this service's
     * own database user and password, passed by environment (never on a command line, never logged).
     */
    private Map<String, String> serviceEnv(String dbUser, Map<String, String> more) {
        Map<String, String> env = new LinkedHashMap<>(more);
        env.put("API_AUTH_TOKENS", "operator:platform-demo:" + operatorToken + ",viewer:watcher:" + viewerToken
                + ",admin:platform-admin:" + adminToken);
        env.put("DB_USER", dbUser);
        env.put("DB_PASSWORD", dbPasswords.get(dbUser));
        return env;
    }

    /** One PostgreSQL user per service, owning only its own schema (the schema is the user's name). */
    private void createServiceDatabaseUsers() throws IOException {
        for (Map.Entry<String, String> u : dbPasswords.entrySet()) {
            postgres.createServiceUser(u.getKey(), u.getKey(), u.getValue());
        }
    }

    /** Stops PostgreSQL (with a standby: both) and starts it again on the same data directory. */
    public void restartPostgres(Duration down) throws IOException {
        if (cfg.postgresStandby() && !postgres.hasStandby()) {
            throw new IllegalStateException("after a failover the old primary is stale: no restart of the pair");
        }
        postgres.close();
        sleepQuietly(down);
        postgres = PostgresServer.start(cfg);
        createServiceDatabaseUsers();
    }

    /**
     * SIGKILLs the PostgreSQL primary (postmaster and every server process: a crashed machine) of a stack started with
     * {@link StackConfig#withPostgresStandby(boolean)}. Returns the postmaster's pid.
     */
    public long killPostgresPrimary() throws IOException {
        return postgres.killPrimary();
    }

    /**
     * Promotes the standby (after {@link #killPostgresPrimary()}); the services' multi-host URL finds it as the
     * primary at their next connection. Returns how long the promotion took.
     */
    public Duration promotePostgresStandby() throws IOException {
        return postgres.promoteStandby();
    }

    /** The running PostgreSQL (the harness's counts and checks connect to it as the superuser). */
    public PostgresServer postgres() {
        return postgres;
    }

    private static void sleepQuietly(Duration d) {
        try {
            Thread.sleep(d.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    public List<ManagedProcess> processes() {
        return List.copyOf(processes);
    }

    /** Secrets of this run, so a test can scan logs and responses for them. */
    public List<String> secrets() throws IOException {
        List<String> s = new ArrayList<>(List.of(slackToken, telegramToken, operatorToken, viewerToken, adminToken));
        s.addAll(dbPasswords.values());
        if (postgres != null && postgres.replicationPassword() != null) {
            s.add(postgres.replicationPassword());
        }
        try (var files = Files.list(cfg.workDir().resolve(KEYS_DIR))) {
            for (Path f : files.filter(f -> !f.toString().endsWith(".pub")).toList()) {
                for (String line : Files.readAllLines(f)) {
                    if (!line.startsWith("-----") && line.length() > 40) {
                        s.add(line.trim());
                    }
                }
            }
        }
        if (kafka != null) {
            s.addAll(kafka.passwords()); // the SCRAM passwords of every Kafka principal
        }
        return s;
    }

    @Override
    public void close() {
        progress.accept("[measure] CPU of " + cfg.workDir().getFileName() + ": " + cpuReport());
        List<ManagedProcess> reversed = new ArrayList<>(processes);
        Collections.reverse(reversed);
        for (ManagedProcess p : reversed) {
            p.stop(Duration.ofSeconds(10));
        }
        if (postgres != null) {
            postgres.close();
        }
        if (traces != null) {
            traces.close();
        }
    }

    /**
     * CPU seconds each running process of this stack used so far (with its child processes, e.g. the simulator's
     * gateways), PostgreSQL's server processes summed: where the stack's share of the machine went.
     */
    String cpuReport() {
        Map<String, Double> cpu = new LinkedHashMap<>();
        for (ManagedProcess p : new ArrayList<>(processes)) {
            cpu.merge(p.name(), ManagedProcess.cpuSeconds(p.pid()), Double::sum);
        }
        if (postgres != null) {
            String port = String.valueOf(postgres.port());
            double pg = ProcessHandle.allProcesses()
                    .filter(h -> h.info().command().orElse("").endsWith("postgres")
                            && String.join(" ", h.info().arguments().orElse(new String[0])).contains(port))
                    .mapToDouble(h -> ManagedProcess.cpuSeconds(h.pid())).sum();
            cpu.put("postgres", pg);
        }
        double total = cpu.values().stream().mapToDouble(Double::doubleValue).sum();
        return String.format("%.0f s in all; ", total) + cpu.entrySet().stream()
                .sorted(Map.Entry.<String, Double>comparingByValue().reversed())
                .map(e -> String.format("%s %.0f s", e.getKey(), e.getValue()))
                .collect(java.util.stream.Collectors.joining(", "));
    }

    /** The spans this stack's services exported so far. */
    public TraceCollector traces() {
        return traces;
    }

    private static String iso(Duration d) {
        return d.toString();
    }

    private static String randomHex(int bytes) {
        byte[] b = new byte[bytes];
        new SecureRandom().nextBytes(b);
        return HexFormat.of().formatHex(b);
    }

    /** This module's classpath (target/classes + dependencies), for the child JVMs. */
    public static String ownClasspath() throws IOException {
        Path moduleDir = locateModuleDir();
        String deps = Files.readString(moduleDir.resolve("target/runtime-classpath.txt")).trim();
        return moduleDir.resolve("target/classes") + java.io.File.pathSeparator + deps;
    }

    private static Path locateModuleDir() throws IOException {
        try {
            Path classes = Path.of(LocalStack.class.getProtectionDomain().getCodeSource().getLocation().toURI());
            return classes.getParent().getParent();
        } catch (java.net.URISyntaxException e) {
            throw new IOException(e);
        }
    }

    /** The checkout root, found from this module's location (deploy/local-stack/target/classes). */
    public static Path repoRoot() throws IOException {
        return locateModuleDir().getParent().getParent();
    }

    public static void deleteRecursively(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (var walk = Files.walk(dir)) {
            walk.sorted(java.util.Comparator.reverseOrder()).forEach(p -> {
                try {
                    Files.delete(p);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
        }
    }
}
