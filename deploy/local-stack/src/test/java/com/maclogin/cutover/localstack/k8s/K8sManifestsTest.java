package com.maclogin.cutover.localstack.k8s;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code deploy/k8s} parsed with the Kubernetes (fabric8), Strimzi and a strict CloudNativePG model, unknown fields
 * failing, and checked against the code: topics = contracts {@code Topics}, KafkaUser ACLs = {@code KafkaAcls}, ports,
 * probe paths and env vars = each service's own configuration, Secrets documented. No cluster: files only (about 9 s in one JVM, most of it loading the model classes).
 * The second half breaks a copy of the manifests one way at a time and shows that each check notices.
 */
class K8sManifestsTest {

    static Path repo;
    static Path manifests;
    static ManifestChecks checks;

    @TempDir
    Path tmp;

    @BeforeAll
    static void load() throws IOException {
        Path dir = Path.of("").toAbsolutePath();
        while (dir != null && !Files.exists(dir.resolve("deploy/k8s/kustomization.yaml"))) {
            dir = dir.getParent();
        }
        assertThat(dir).as("the repository root above " + Path.of("").toAbsolutePath()).isNotNull();
        repo = dir;
        manifests = repo.resolve("deploy/k8s");
        checks = new ManifestChecks(repo, manifests);
    }

    @Test
    void everyManifestParsesWithItsModelWithoutUnknownFieldsAndTheKustomizationListsEveryFile() throws IOException {
        assertThat(checks.m.countsByKind()).containsEntry("Deployment", 8).containsEntry("KafkaUser", 8)
                .containsEntry("Cluster", 1).containsKeys("KafkaTopic", "PodDisruptionBudget", "NetworkPolicy", "Service");
        checks.kustomizationListsEveryFile();
    }

    @Test
    void theKafkaTopicsAreExactlyTheContractsTopicsWithTheirCompactionPartitionsAndConfigs() {
        checks.topicsAreTheContractsTopics();
    }

    @Test
    void eachKafkaUserHasExactlyTheAclsOfItsKafkaAclsRow() {
        checks.usersAreTheAclTable();
    }

    @Test
    void eachDeploymentUsesItsServicesPortHealthPathsConfigKeysKafkaPrincipalAndDatabaseUser() {
        checks.deploymentsMatchTheirServices();
        checks.postgresIsThreeInstances();
        checks.disruptionBudgetsAndServices();
    }

    @Test
    void networkPoliciesDenyByDefaultAndOpenWhatEachServiceNeeds() {
        checks.networkPolicies();
    }

    @Test
    void everyReferencedSecretAndExternalConfigMapIsDocumented() throws IOException {
        checks.referencesAreDocumented(manifests.resolve("README.md"));
    }

    // ---- each check fails on a manifest broken in one place

    @Test
    void aTopicNameThatIsNotAContractsTopicFails() throws IOException {
        ManifestChecks broken = broken("kafka/topics.yaml", "topicName: cutover.breaches", "topicName: cutover.breach");
        assertThatThrownBy(broken::topicsAreTheContractsTopics).isInstanceOf(AssertionError.class)
                .hasMessageContaining("cutover.breach");
    }

    @Test
    void aLeaseRegistryThatIsNotCompactedFails() throws IOException {
        ManifestChecks broken = broken("kafka/topics.yaml", "    cleanup.policy: compact\n", "    cleanup.policy: delete\n");
        assertThatThrownBy(broken::topicsAreTheContractsTopics).isInstanceOf(AssertionError.class)
                .hasMessageContaining("isCompacted(cutover.leases.");
    }

    @Test
    void aPartitionCountOtherThanTheTopicsDeclarationFails() throws IOException {
        ManifestChecks broken = broken("kafka/topics.yaml", "  topicName: cutover.events\n  partitions: 6\n",
                "  topicName: cutover.events\n  partitions: 3\n");
        assertThatThrownBy(broken::topicsAreTheContractsTopics).isInstanceOf(AssertionError.class)
                .hasMessageContaining("cutover.events partitions");
    }

    @Test
    void aRetentionOtherThanTheTopicsDeclarationFails() throws IOException {
        ManifestChecks broken = broken("kafka/topics.yaml", "    retention.ms: 2592000000\n", "    retention.ms: 604800000\n");
        assertThatThrownBy(broken::topicsAreTheContractsTopics).isInstanceOf(AssertionError.class)
                .hasMessageContaining("cutover.dead-letters config");
    }

    @Test
    void anUnknownFieldInADeploymentFailsTheParse() {
        assertThatThrownBy(() -> broken("apps/rollback-service.yaml", "            httpGet: {path: /q/health/ready, port: http}",
                "            httpGett: {path: /q/health/ready, port: http}"))
                .hasMessageContaining("fields the model does not know")
                .hasMessageContaining("readinessProbe.httpGett");
    }

    @Test
    void anUnknownFieldInAStrimziResourceFailsTheParse() {
        assertThatThrownBy(() -> broken("kafka/users.yaml", "    type: scram-sha-512\n", "    type: scram-sha-512\n    tipe: tls\n"))
                .hasMessageContaining("fields the model does not know")
                .hasMessageContaining("authentication.tipe");
    }

    @Test
    void anUnknownFieldInTheCloudNativePgClusterFailsTheParse() {
        assertThatThrownBy(() -> broken("postgres/cluster.yaml", "  instances: 3\n", "  instances: 3\n  instancez: 3\n"))
                .hasMessageContaining("instancez");
    }

    @Test
    void aWrongReadinessPathFails() throws IOException {
        ManifestChecks broken = broken("apps/rollback-service.yaml", "httpGet: {path: /q/health/ready, port: http}",
                "httpGet: {path: /health/ready, port: http}");
        assertThatThrownBy(broken::deploymentsMatchTheirServices).isInstanceOf(AssertionError.class)
                .hasMessageContaining("readinessProbe path").hasMessageContaining("/q/health/ready");
    }

    @Test
    void aContainerPortThatIsNotTheServicesHttpPortFails() throws IOException {
        ManifestChecks broken = broken("apps/notifier-service.yaml", "containerPort: 8083", "containerPort: 8080");
        assertThatThrownBy(broken::deploymentsMatchTheirServices).isInstanceOf(AssertionError.class)
                .hasMessageContaining("quarkus.http.port");
    }

    @Test
    void aMissingWriteAclFails() throws IOException {
        ManifestChecks broken = broken("kafka/users.yaml",
                "      - resource: {type: topic, name: chat.deliveries, patternType: literal}\n        operations: [Write]\n        host: \"*\"\n",
                "");
        assertThatThrownBy(broken::usersAreTheAclTable).isInstanceOf(AssertionError.class)
                .hasMessageContaining("KafkaUser notifier").hasMessageContaining("chat.deliveries Write");
    }

    @Test
    void anEnvVarTheServiceDoesNotReadFails() throws IOException {
        ManifestChecks broken = broken("apps/orchestrator-service.yaml", "            - name: DB_NAME\n",
                "            - name: DB_DATABASE\n");
        assertThatThrownBy(broken::deploymentsMatchTheirServices).isInstanceOf(AssertionError.class)
                .hasMessageContaining("DB_DATABASE, which orchestrator-service does not read");
    }

    @Test
    void aWorkerWithAnotherRegionsKafkaUserFails() throws IOException {
        ManifestChecks broken = broken("apps/probe-workers.yaml", "secretKeyRef: {name: probe-jp, key: sasl.jaas.config}",
                "secretKeyRef: {name: probe-kr, key: sasl.jaas.config}");
        assertThatThrownBy(broken::deploymentsMatchTheirServices).isInstanceOf(AssertionError.class)
                .hasMessageContaining("probe-jp").hasMessageContaining("probe-service-jp");
    }

    @Test
    void aPasswordGivenAsAValueFails() throws IOException {
        ManifestChecks broken = broken("apps/rollback-service.yaml",
                "              valueFrom:\n                secretKeyRef: {name: cutover-db-rollback, key: password}\n",
                "              value: hunter2hunter2\n");
        assertThatThrownBy(broken::deploymentsMatchTheirServices).isInstanceOf(AssertionError.class)
                .hasMessageContaining("DB_PASSWORD must come from a Secret");
    }

    @Test
    void anUndocumentedSecretFails() throws IOException {
        ManifestChecks broken = broken("apps/notifier-service.yaml", "{name: cutover-chat, key: slack-token}",
                "{name: slack-bot, key: slack-token}");
        assertThatThrownBy(() -> broken.referencesAreDocumented(manifests.resolve("README.md")))
                .isInstanceOf(AssertionError.class).hasMessageContaining("Secret slack-bot");
    }

    @Test
    void aDeploymentWithoutKafkaEgressFails() throws IOException {
        ManifestChecks broken = broken("network-policies.yaml", "        - {protocol: TCP, port: 9093}", "        - {protocol: TCP, port: 9092}");
        assertThatThrownBy(broken::networkPolicies).isInstanceOf(AssertionError.class)
                .hasMessageContaining("Kafka");
    }

    /** A copy of deploy/k8s with {@code from} replaced by {@code to} in {@code file} (which must contain it). */
    private ManifestChecks broken(String file, String from, String to) throws IOException {
        Path copy = tmp.resolve("k8s");
        try (Stream<Path> s = Files.walk(manifests)) {
            for (Path p : s.toList()) {
                Path target = copy.resolve(manifests.relativize(p).toString());
                if (Files.isDirectory(p)) {
                    Files.createDirectories(target);
                } else {
                    Files.copy(p, target, StandardCopyOption.REPLACE_EXISTING);
                }
            }
        }
        Path f = copy.resolve(file);
        String text = Files.readString(f);
        assertThat(text).as("the fixture's text to break in " + file).contains(from);
        Files.writeString(f, text.replaceFirst(java.util.regex.Pattern.quote(from), java.util.regex.Matcher.quoteReplacement(to)));
        return new ManifestChecks(repo, copy);
    }
}
