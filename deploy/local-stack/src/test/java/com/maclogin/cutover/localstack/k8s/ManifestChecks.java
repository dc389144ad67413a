package com.maclogin.cutover.localstack.k8s;

import static org.assertj.core.api.Assertions.assertThat;

import com.maclogin.cutover.contracts.Topics;
import com.maclogin.cutover.localstack.KafkaAcls;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.HTTPGetAction;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.Probe;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyPeer;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyPort;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;
import io.strimzi.api.kafka.model.topic.KafkaTopic;
import io.strimzi.api.kafka.model.user.KafkaUser;
import io.strimzi.api.kafka.model.user.KafkaUserAuthorizationSimple;
import io.strimzi.api.kafka.model.user.acl.AclResourcePatternType;
import io.strimzi.api.kafka.model.user.acl.AclRule;
import io.strimzi.api.kafka.model.user.acl.AclRuleGroupResource;
import io.strimzi.api.kafka.model.user.acl.AclRuleTopicResource;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * The checks of {@code deploy/k8s} against the code, on a manifest directory (the real one, or a broken copy in the
 * tests that prove each check can fail). Each method throws an {@link AssertionError} naming the manifest and the
 * difference.
 */
final class ManifestChecks {

    static final String IMAGE_GROUP = "openclaw-cutover/";
    private static final Pattern SENSITIVE = Pattern.compile("(?i).*(PASSWORD|TOKEN|SECRET|JAAS|KEY$).*");

    final Path repo;
    final K8sManifests m;
    private final Map<String, ServiceModule> modules = new HashMap<>();

    ManifestChecks(Path repo, Path manifests) throws IOException {
        this.repo = repo;
        this.m = K8sManifests.load(manifests);
    }

    ServiceModule module(String name) {
        return modules.computeIfAbsent(name, n -> {
            try {
                return new ServiceModule(repo, n);
            } catch (IOException e) {
                throw new AssertionError("no service module " + n + " for an image of deploy/k8s", e);
            }
        });
    }

    /** kustomization.yaml lists every YAML file of the directory, and nothing else. */
    void kustomizationListsEveryFile() throws IOException {
        assertThat(m.resources).as("resources of kustomization.yaml").containsExactlyInAnyOrderElementsOf(K8sManifests.yamlFiles(m.root));
    }

    /**
     * One KafkaTopic per contracts topic (Topics.all()), compacted exactly where Topics.isCompacted says, with the
     * partitions and configs of its Topics.specs() declaration.
     */
    void topicsAreTheContractsTopics() {
        List<KafkaTopic> topics = m.all(KafkaTopic.class);
        List<String> names = topics.stream().map(t -> t.getSpec().getTopicName()).toList();
        assertThat(names).as("KafkaTopic spec.topicName").doesNotHaveDuplicates().containsExactlyInAnyOrderElementsOf(Topics.all());
        for (KafkaTopic t : topics) {
            String name = t.getSpec().getTopicName();
            Object policy = t.getSpec().getConfig() == null ? null : t.getSpec().getConfig().get("cleanup.policy");
            assertThat("compact".equals(String.valueOf(policy)))
                    .as("KafkaTopic %s cleanup.policy=%s, Topics.isCompacted(%s)=%s", K8sManifests.name(t), policy, name,
                            Topics.isCompacted(name))
                    .isEqualTo(Topics.isCompacted(name));
            assertThat(t.getMetadata().getLabels()).as("KafkaTopic %s labels", name).containsKey("strimzi.io/cluster");
            // the declaration in contracts Topics.specs(): partitions and every config it sets, with the same values
            com.maclogin.cutover.contracts.TopicSpec spec = Topics.specs().stream().filter(x -> x.name().equals(name))
                    .findFirst().orElseThrow();
            assertThat(t.getSpec().getPartitions()).as("KafkaTopic %s partitions, Topics.specs() says %s", name,
                    spec.partitions()).isEqualTo(spec.partitions());
            Map<String, String> config = new java.util.TreeMap<>();
            if (t.getSpec().getConfig() != null) {
                t.getSpec().getConfig().forEach((k, v) -> config.put(k, String.valueOf(v)));
            }
            assertThat(config).as("KafkaTopic %s config, Topics.specs() sets %s", name, spec.configs())
                    .containsAllEntriesOf(spec.configs());
        }
    }

    /** One KafkaUser per KafkaAcls principal, with exactly that principal's rules: READ topics and group, WRITE topics. */
    void usersAreTheAclTable() {
        Map<String, KafkaUser> users = m.all(KafkaUser.class).stream()
                .collect(Collectors.toMap(K8sManifests::name, u -> u));
        List<String> principals = KafkaAcls.table().stream().map(KafkaAcls.Access::principal).toList();
        assertThat(users.keySet()).as("KafkaUser names").containsExactlyInAnyOrderElementsOf(principals);
        for (KafkaAcls.Access a : KafkaAcls.table()) {
            KafkaUser u = users.get(a.principal());
            assertThat(u.getSpec().getAuthentication().getType()).as("authentication of %s", a.principal())
                    .isIn("scram-sha-512", "tls");
            assertThat(u.getSpec().getAuthorization()).as("authorization of %s", a.principal())
                    .isInstanceOf(KafkaUserAuthorizationSimple.class);
            Set<String> expected = new TreeSet<>();
            a.reads().forEach(t -> expected.add("topic " + t + " Read"));
            expected.add("group " + a.group() + " Read");
            a.writes().forEach(t -> expected.add("topic " + t + " Write"));
            Set<String> actual = new TreeSet<>();
            for (AclRule r : ((KafkaUserAuthorizationSimple) u.getSpec().getAuthorization()).getAcls()) {
                String name;
                AclResourcePatternType pattern;
                if (r.getResource() instanceof AclRuleTopicResource t) {
                    name = "topic " + t.getName();
                    pattern = t.getPatternType();
                } else if (r.getResource() instanceof AclRuleGroupResource g) {
                    name = "group " + g.getName();
                    pattern = g.getPatternType();
                } else {
                    throw new AssertionError("KafkaUser " + a.principal() + ": a rule on " + r.getResource()
                            + ", which KafkaAcls never grants");
                }
                assertThat(pattern).as("patternType of %s for %s", name, a.principal()).isEqualTo(AclResourcePatternType.LITERAL);
                assertThat(r.getType() == null || "allow".equalsIgnoreCase(r.getType().toValue()))
                        .as("rule type of %s for %s", name, a.principal()).isTrue();
                r.getOperations().forEach(op -> actual.add(name + " " + op.toValue()));
            }
            assertThat(actual).as("ACLs of KafkaUser %s (KafkaAcls.table())", a.principal())
                    .containsExactlyInAnyOrderElementsOf(expected);
        }
    }

    /**
     * Every Deployment against its service module (by image name): container port = {@code quarkus.http.port}, startup,
     * readiness and liveness on the module's health paths at that port, resources, a non-root security context, every
     * env var one the service reads and sensitive ones only from Secrets, its Kafka principal the one whose consumer
     * group and topics the service uses, its database user, password Secret and database those of the CNPG cluster.
     */
    void deploymentsMatchTheirServices() {
        List<Deployment> deployments = m.all(Deployment.class);
        assertThat(deployments).as("Deployments").isNotEmpty();
        for (Deployment d : deployments) {
            String dn = K8sManifests.name(d);
            PodSpec pod = d.getSpec().getTemplate().getSpec();
            assertThat(pod.getContainers()).as("containers of %s", dn).hasSize(1);
            Container c = pod.getContainers().get(0);
            String image = c.getImage();
            assertThat(image).as("image of %s", dn).startsWith(IMAGE_GROUP);
            ServiceModule svc = module(image.substring(IMAGE_GROUP.length()).replaceAll(":.*$", ""));
            String where = "Deployment " + dn + " (" + svc.name + ")";

            // ports and probes
            assertThat(c.getPorts()).as("ports of %s", where).hasSize(1);
            assertThat(c.getPorts().get(0).getContainerPort()).as("containerPort of %s = quarkus.http.port", where)
                    .isEqualTo(svc.httpPort());
            assertThat(svc.hasHealthExtension()).as("%s has quarkus-smallrye-health", svc.name).isTrue();
            checkProbe(where + " readinessProbe", c.getReadinessProbe(), c, svc.healthPath("ready"), svc.healthPort());
            checkProbe(where + " livenessProbe", c.getLivenessProbe(), c, svc.healthPath("live"), svc.healthPort());
            checkProbe(where + " startupProbe", c.getStartupProbe(), c, svc.healthPath("started"), svc.healthPort());

            // resources and security
            assertThat(c.getResources().getRequests()).as("resource requests of %s", where).containsKeys("cpu", "memory");
            assertThat(c.getResources().getLimits()).as("resource limits of %s", where).containsKey("memory");
            assertThat(pod.getSecurityContext().getRunAsNonRoot()).as("runAsNonRoot of %s", where).isTrue();
            // service links would put e.g. KAFKA_PORT=tcp://... (of a Service named kafka) into the environment, and
            // every KAFKA_* variable becomes a Kafka client property (KafkaClientProperties)
            assertThat(pod.getEnableServiceLinks()).as("enableServiceLinks of %s", where).isFalse();
            assertThat(pod.getAutomountServiceAccountToken()).as("automountServiceAccountToken of %s", where).isFalse();
            assertThat(pod.getSecurityContext().getRunAsUser()).as("runAsUser of %s", where).isNotNull().isNotZero();
            assertThat(c.getSecurityContext().getAllowPrivilegeEscalation()).as("allowPrivilegeEscalation of %s", where).isFalse();
            assertThat(c.getSecurityContext().getCapabilities().getDrop()).as("dropped capabilities of %s", where).contains("ALL");

            // env: read by the service, secrets by reference
            Map<String, String> literal = new HashMap<>();
            for (EnvVar e : c.getEnv()) {
                assertThat(svc.readsEnv(e.getName())).as("%s sets %s, which %s does not read", where, e.getName(), svc.name).isNotNull();
                if (SENSITIVE.matcher(e.getName()).matches()) {
                    assertThat(e.getValueFrom() == null ? null : e.getValueFrom().getSecretKeyRef())
                            .as("%s: %s must come from a Secret (secretKeyRef), not a value", where, e.getName()).isNotNull();
                }
                if (e.getValue() != null) {
                    literal.put(e.getName(), e.getValue());
                }
            }
            checkKafkaPrincipal(where, svc, c, literal);
            if (literal.containsKey("DB_USER") || svc.propsText.contains("quarkus.datasource.db-kind")) {
                checkDatabase(where, svc, c, literal);
            }
        }
    }

    private void checkProbe(String what, Probe p, Container c, String path, int port) {
        assertThat(p).as(what).isNotNull();
        HTTPGetAction get = p.getHttpGet();
        assertThat(get).as("%s httpGet", what).isNotNull();
        assertThat(get.getPath()).as("%s path", what).isEqualTo(path);
        assertThat(portNumber(get.getPort(), c)).as("%s port", what).isEqualTo(port);
    }

    private static Integer portNumber(IntOrString port, Container c) {
        if (port.getIntVal() != null) {
            return port.getIntVal();
        }
        return c.getPorts().stream().filter(p -> port.getStrVal().equals(p.getName())).map(p -> p.getContainerPort())
                .findFirst().orElse(null);
    }

    private static String secretRef(Container c, String env) {
        return c.getEnv().stream().filter(e -> e.getName().equals(env) && e.getValueFrom() != null
                        && e.getValueFrom().getSecretKeyRef() != null)
                .map(e -> e.getValueFrom().getSecretKeyRef().getName()).findFirst().orElse(null);
    }

    private void checkKafkaPrincipal(String where, ServiceModule svc, Container c, Map<String, String> literal) {
        String principal = secretRef(c, "KAFKA_SASL_JAAS_CONFIG");
        assertThat(principal).as("%s: KAFKA_SASL_JAAS_CONFIG from its KafkaUser's Secret", where).isNotNull();
        KafkaAcls.Access a = KafkaAcls.table().stream().filter(x -> x.principal().equals(principal)).findFirst()
                .orElseThrow(() -> new AssertionError(where + ": Kafka principal " + principal + " is not in KafkaAcls"));
        Map<String, String> vars = new HashMap<>();
        if (literal.containsKey("PROBE_REGION")) {
            vars.put("probe.region", literal.get("PROBE_REGION"));
        }
        Map<String, Set<String>> byGroup = svc.incomingTopicsByGroup(vars);
        assertThat(byGroup.keySet()).as("%s: consumer groups of %s vs principal %s", where, svc.name, principal)
                .containsExactly(a.group());
        assertThat(a.reads()).as("%s: topics %s consumes, READ of %s", where, svc.name, principal)
                .containsAll(byGroup.get(a.group()));
        assertThat(a.writes()).as("%s: topics %s produces to, WRITE of %s", where, svc.name, principal)
                .containsAll(svc.outgoingTopics(vars));
        assertThat(literal.get("KAFKA_SECURITY_PROTOCOL")).as("%s KAFKA_SECURITY_PROTOCOL", where).isIn("SASL_SSL", "SSL");
    }

    private void checkDatabase(String where, ServiceModule svc, Container c, Map<String, String> literal) {
        List<CnpgCluster> clusters = m.all(CnpgCluster.class);
        assertThat(clusters).as("CloudNativePG clusters").hasSize(1);
        CnpgCluster pg = clusters.get(0);
        String user = literal.get("DB_USER");
        assertThat(user).as("%s DB_USER", where).isNotNull();
        Optional<CnpgCluster.Role> role = pg.spec().managed().roles().stream().filter(r -> r.name().equals(user)).findFirst();
        assertThat(role).as("%s: role %s in the CNPG cluster's managed roles", where, user).isPresent();
        assertThat(secretRef(c, "DB_PASSWORD")).as("%s: DB_PASSWORD from the role's passwordSecret", where)
                .isEqualTo(role.get().passwordSecret().name());
        assertThat(literal.get("DB_NAME")).as("%s DB_NAME", where).isEqualTo(pg.spec().bootstrap().initdb().database());
        assertThat(literal.get("DB_HOST")).as("%s DB_HOST: the read-write service of the cluster", where)
                .isEqualTo(pg.metadata().getName() + "-rw");
        String schema = svc.prop("quarkus.flyway.schemas", null);
        assertThat(pg.spec().bootstrap().initdb().postInitApplicationSQL())
                .as("%s: schema %s owned by %s", where, schema, user)
                .contains("create schema " + schema + " authorization " + user);
    }

    /** The CNPG cluster has three instances and a synchronous standby. */
    void postgresIsThreeInstances() {
        List<CnpgCluster> clusters = m.all(CnpgCluster.class);
        assertThat(clusters).hasSize(1);
        assertThat(clusters.get(0).spec().instances()).as("CNPG instances").isEqualTo(3);
        assertThat(clusters.get(0).spec().postgresql().synchronous().number()).as("synchronous standbys").isGreaterThanOrEqualTo(1);
    }

    /** Each Deployment has a PodDisruptionBudget selecting its pods, each API a Service on its port. */
    void disruptionBudgetsAndServices() {
        for (Deployment d : m.all(Deployment.class)) {
            Map<String, String> labels = d.getSpec().getTemplate().getMetadata().getLabels();
            List<PodDisruptionBudget> pdbs = m.all(PodDisruptionBudget.class).stream()
                    .filter(p -> labels.entrySet().containsAll(p.getSpec().getSelector().getMatchLabels().entrySet())).toList();
            assertThat(pdbs).as("PodDisruptionBudget of %s", K8sManifests.name(d)).hasSize(1);
            assertThat(d.getSpec().getReplicas()).as("replicas of %s (a PDB needs two to let a node drain)", K8sManifests.name(d))
                    .isGreaterThanOrEqualTo(2);
            if ("api".equals(labels.get("app.kubernetes.io/component"))) {
                List<Service> services = m.all(Service.class).stream()
                        .filter(s -> labels.entrySet().containsAll(s.getSpec().getSelector().entrySet())).toList();
                assertThat(services).as("Service of %s", K8sManifests.name(d)).hasSize(1);
                int port = d.getSpec().getTemplate().getSpec().getContainers().get(0).getPorts().get(0).getContainerPort();
                assertThat(services.get(0).getSpec().getPorts().get(0).getPort()).as("Service port of %s", K8sManifests.name(d))
                        .isEqualTo(port);
            }
        }
    }

    /**
     * Default deny for every pod of the product, then for each Deployment the egress it needs: DNS, the Kafka port of
     * its bootstrap servers, PostgreSQL for those with a database, HTTPS for the notifier, SSH for the workers; and
     * ingress on the HTTP port for the APIs.
     */
    void networkPolicies() {
        List<NetworkPolicy> policies = m.all(NetworkPolicy.class);
        assertThat(policies).as("a default-deny NetworkPolicy (no rules, Ingress and Egress)").anySatisfy(p -> {
            assertThat(p.getSpec().getPolicyTypes()).containsExactlyInAnyOrder("Ingress", "Egress");
            assertThat(p.getSpec().getIngress()).isNullOrEmpty();
            assertThat(p.getSpec().getEgress()).isNullOrEmpty();
            assertThat(p.getSpec().getPodSelector().getMatchLabels()).containsEntry("app.kubernetes.io/part-of", "openclaw-cutover");
        });
        for (NetworkPolicy p : policies) {
            assertThat(p.getSpec().getPodSelector().getMatchExpressions()).as("%s uses matchLabels only", K8sManifests.name(p)).isNullOrEmpty();
        }
        for (Deployment d : m.all(Deployment.class)) {
            String dn = K8sManifests.name(d);
            Map<String, String> labels = d.getSpec().getTemplate().getMetadata().getLabels();
            Container c = d.getSpec().getTemplate().getSpec().getContainers().get(0);
            Map<String, String> env = new HashMap<>();
            c.getEnv().stream().filter(e -> e.getValue() != null).forEach(e -> env.put(e.getName(), e.getValue()));
            List<NetworkPolicy> mine = policies.stream()
                    .filter(p -> labels.entrySet().containsAll(p.getSpec().getPodSelector().getMatchLabels().entrySet())).toList();
            assertThat(mine).as("NetworkPolicies of %s include the default deny", dn).anySatisfy(p ->
                    assertThat(p.getSpec().getEgress()).isNullOrEmpty());
            List<String> egressPorts = new ArrayList<>();
            mine.forEach(p -> {
                if (p.getSpec().getEgress() != null) {
                    p.getSpec().getEgress().forEach(r -> r.getPorts().forEach(port -> egressPorts.add(portText(port))));
                }
            });
            assertThat(egressPorts).as("egress of %s: DNS", dn).contains("UDP/53");
            String kafkaPort = env.get("KAFKA_BOOTSTRAP_SERVERS").replaceAll("^.*:", "");
            assertThat(egressPorts).as("egress of %s: Kafka (%s)", dn, env.get("KAFKA_BOOTSTRAP_SERVERS")).contains("TCP/" + kafkaPort);
            if (env.containsKey("DB_HOST")) {
                assertThat(egressPorts).as("egress of %s: PostgreSQL", dn).contains("TCP/" + env.get("DB_PORT"));
            }
            if (env.containsKey("PROBE_REGION")) {
                assertThat(egressPorts).as("egress of %s: SSH to the leases", dn).contains("TCP/22");
            }
            if (c.getEnv().stream().anyMatch(e -> e.getName().equals("NOTIFIER_SLACK_TOKEN"))) {
                assertThat(egressPorts).as("egress of %s: HTTPS to Slack and Telegram", dn).contains("TCP/443");
            }
            if ("api".equals(labels.get("app.kubernetes.io/component"))) {
                List<String> ingressPorts = new ArrayList<>();
                mine.forEach(p -> {
                    if (p.getSpec().getIngress() != null) {
                        p.getSpec().getIngress().forEach(r -> r.getPorts().forEach(port -> ingressPorts.add(portText(port))));
                    }
                });
                assertThat(ingressPorts).as("ingress of %s: its HTTP port", dn).contains("TCP/http");
            }
        }
        for (NetworkPolicy p : policies) {
            if (p.getSpec().getEgress() == null) {
                continue;
            }
            p.getSpec().getEgress().forEach(r -> {
                for (NetworkPolicyPeer peer : r.getTo()) {
                    assertThat(peer.getPodSelector() != null || peer.getIpBlock() != null || peer.getNamespaceSelector() != null)
                            .as("%s: an egress peer that selects something", K8sManifests.name(p)).isTrue();
                }
            });
        }
    }

    private static String portText(NetworkPolicyPort p) {
        IntOrString v = p.getPort();
        return p.getProtocol() + "/" + (v.getIntVal() != null ? v.getIntVal() : v.getStrVal());
    }

    /**
     * Every Secret a manifest refers to (secretKeyRef, secret volume) and every ConfigMap it refers to that the
     * manifests do not define is named in deploy/k8s/README.md (where it says who makes it and which keys it has).
     */
    void referencesAreDocumented(Path readme) throws IOException {
        String doc = Files.readString(readme);
        Set<String> secrets = new TreeSet<>();
        Set<String> configMaps = new TreeSet<>();
        for (Deployment d : m.all(Deployment.class)) {
            PodSpec pod = d.getSpec().getTemplate().getSpec();
            for (Container c : pod.getContainers()) {
                for (EnvVar e : c.getEnv()) {
                    if (e.getValueFrom() != null && e.getValueFrom().getSecretKeyRef() != null) {
                        secrets.add(e.getValueFrom().getSecretKeyRef().getName());
                    }
                    if (e.getValueFrom() != null && e.getValueFrom().getConfigMapKeyRef() != null) {
                        configMaps.add(e.getValueFrom().getConfigMapKeyRef().getName());
                    }
                }
            }
            for (Volume v : pod.getVolumes()) {
                if (v.getSecret() != null) {
                    secrets.add(v.getSecret().getSecretName());
                }
                if (v.getConfigMap() != null) {
                    configMaps.add(v.getConfigMap().getName());
                }
            }
        }
        for (CnpgCluster pg : m.all(CnpgCluster.class)) {
            pg.spec().managed().roles().forEach(r -> secrets.add(r.passwordSecret().name()));
        }
        Set<String> defined = m.all(ConfigMap.class).stream().map(K8sManifests::name).collect(Collectors.toSet());
        configMaps.removeAll(defined);
        for (String s : secrets) {
            assertThat(doc).as("Secret %s documented in deploy/k8s/README.md", s).contains("`" + s + "`");
        }
        for (String cm : configMaps) {
            assertThat(doc).as("ConfigMap %s documented in deploy/k8s/README.md", cm).contains("`" + cm + "`");
        }
    }
}
