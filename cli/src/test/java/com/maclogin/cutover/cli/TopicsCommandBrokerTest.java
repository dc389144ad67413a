package com.maclogin.cutover.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.maclogin.cutover.contracts.Topics;
import com.maclogin.cutover.testing.KafkaKraftResource;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.AlterConfigOp;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.config.ConfigResource;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code cutover topics check|apply} against a real Kafka broker (KRaft, in this JVM, from test-support): an empty
 * cluster is reported and created from {@link Topics#specs()}, drift is found and the safe part of it fixed.
 */
class TopicsCommandBrokerTest {

    static final KafkaKraftResource BROKER = new KafkaKraftResource();
    static String bootstrap;

    @TempDir
    Path dir;

    @BeforeAll
    static void startBroker() {
        bootstrap = BROKER.start().get("kafka.bootstrap.servers");
    }

    @AfterAll
    static void stopBroker() {
        BROKER.stop();
    }

    record Run(int code, String out, String err) {
    }

    private Run cli(String... args) {
        TestEnv t = new TestEnv(Map.of(), dir, false);
        int code = CutoverCli.run(t.env, args);
        return new Run(code, t.out.toString(), t.err.toString());
    }

    private static Admin admin() {
        Properties p = new Properties();
        p.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        return Admin.create(p);
    }

    @Test
    void checkListsEveryMissingTopicApplyCreatesThemFromTheSpecsThenDriftIsFoundAndTheSafePartFixed() throws Exception {
        // a cluster without the product's topics: check says which, exit 1
        Run empty = cli("topics", "check", "--bootstrap-servers", bootstrap);
        assertThat(empty.code()).as(empty.err()).isEqualTo(1);
        assertThat(empty.out()).contains("TOPIC", "PROBLEM", Topics.stepCommands(com.maclogin.cutover.contracts.Region.HK),
                Topics.DEAD_LETTERS, Topics.all().size() + " problem(s): " + Topics.all().size() + " missing");
        assertThat(empty.err()).contains("describing " + Topics.all().size() + " topics on " + bootstrap);

        // apply creates all of them with the spec's partitions and configs (the client properties from --command-config)
        Path config = dir.resolve("client.properties");
        Files.writeString(config, "bootstrap.servers=" + bootstrap + "\nclient.id=topics-test\n");
        Run applied = cli("topics", "apply", "--command-config", config.toString(), "--replication-factor", "1");
        assertThat(applied.code()).as(applied.out() + applied.err()).isZero();
        assertThat(applied.out()).contains("creating cutover.leases.hk (1 partitions, replication factor 1, cleanup.policy=compact",
                "creating cutover.steps.us (6 partitions", "created", "all " + Topics.all().size() + " topics match the specs");
        try (Admin admin = admin()) {
            var d = admin.describeTopics(List.of(Topics.stepCommands(com.maclogin.cutover.contracts.Region.JP)))
                    .allTopicNames().get(10, TimeUnit.SECONDS);
            assertThat(d.values().iterator().next().partitions()).hasSize(Topics.STEP_COMMAND_PARTITIONS);
        }
        assertThat(cli("topics", "check", "--bootstrap-servers", bootstrap).code()).isZero();

        // drift: one topic gone, one with too few partitions, one retention changed, a registry switched to delete
        try (Admin admin = admin()) {
            admin.deleteTopics(List.of(Topics.BREACHES, Topics.EVENTS)).all().get(10, TimeUnit.SECONDS);
            org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(20)).until(() -> {
                try {
                    admin.createTopics(List.of(new NewTopic(Topics.EVENTS, 2, (short) 1))).all().get(10, TimeUnit.SECONDS);
                    return true;
                } catch (java.util.concurrent.ExecutionException e) {
                    return false; // the deletion is still under way
                }
            });
            admin.incrementalAlterConfigs(Map.of(
                    new ConfigResource(ConfigResource.Type.TOPIC, Topics.PROBE_RESULTS),
                    List.of(new AlterConfigOp(new ConfigEntry("retention.ms", "1000"), AlterConfigOp.OpType.SET)),
                    new ConfigResource(ConfigResource.Type.TOPIC, Topics.LEASE_REGISTRY_PREFIX + "kr"),
                    List.of(new AlterConfigOp(new ConfigEntry("cleanup.policy", "delete"), AlterConfigOp.OpType.SET))))
                    .all().get(10, TimeUnit.SECONDS);
        }
        Run drift = cli("topics", "check", "--bootstrap-servers", bootstrap);
        assertThat(drift.code()).isEqualTo(1);
        assertThat(drift.out()).containsPattern("cutover.breaches +missing")
                .containsPattern("cutover.events +too few partitions +2 +6 +apply fixes it")
                .containsPattern("probe.results +retention.ms +1000 +604800000 +apply fixes it")
                .containsPattern("cutover.leases.kr +cleanup.policy +delete +compact +a cleanup policy is never switched in place");

        Run fixed = cli("topics", "apply", "--bootstrap-servers", bootstrap);
        assertThat(fixed.out()).contains("creating cutover.breaches (3 partitions, replication factor of the cluster",
                "raising the partitions of cutover.events from 2 to 6 ... done", "setting retention.ms=604800000 on probe.results");
        // the registry's policy is left for a human: apply says so and exits 1 with that row only
        assertThat(fixed.code()).isEqualTo(1);
        assertThat(fixed.out()).containsPattern("cutover.leases.kr +cleanup.policy").contains("1 problem(s): 1 config");
        try (Admin admin = admin()) {
            admin.incrementalAlterConfigs(Map.of(new ConfigResource(ConfigResource.Type.TOPIC, Topics.LEASE_REGISTRY_PREFIX + "kr"),
                    List.of(new AlterConfigOp(new ConfigEntry("cleanup.policy", "compact"), AlterConfigOp.OpType.SET))))
                    .all().get(10, TimeUnit.SECONDS);
        }
        assertThat(cli("topics", "check", "--bootstrap-servers", bootstrap).code()).isZero();
    }

    @Test
    void anUnreachableClusterIsExitCode13WithAClearMessageAndNoStackTrace() throws Exception {
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort(); // closed again: nothing listens there
        }
        long start = System.nanoTime();
        Run r = cli("topics", "check", "--bootstrap-servers", "127.0.0.1:" + port, "--timeout", "1s");
        assertThat(r.code()).isEqualTo(13);
        assertThat(r.err()).contains("the Kafka cluster at 127.0.0.1:" + port + " did not answer within 1 s",
                "--command-config").doesNotContain("Exception", "\tat ");
        assertThat(System.nanoTime() - start).isLessThan(TimeUnit.SECONDS.toNanos(15));
    }

    @Test
    void noClusterOrAnUnreadableCommandConfigIsAUsageError() {
        Run none = cli("topics", "check");
        assertThat(none.code()).isEqualTo(2);
        assertThat(none.err()).contains("give --bootstrap-servers");
        Run missing = cli("topics", "apply", "--bootstrap-servers", bootstrap, "--command-config", dir.resolve("nope").toString());
        assertThat(missing.code()).isEqualTo(2);
        assertThat(missing.err()).contains("cannot read --command-config");
        Run badRf = cli("topics", "apply", "--bootstrap-servers", bootstrap, "--replication-factor", "0");
        assertThat(badRf.code()).isEqualTo(2);
        assertThat(badRf.err()).contains("--replication-factor must be at least 1");
    }
}
