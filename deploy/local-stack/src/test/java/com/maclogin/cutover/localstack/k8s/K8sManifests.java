package com.maclogin.cutover.localstack.k8s;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLParser;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;
import io.strimzi.api.kafka.model.topic.KafkaTopic;
import io.strimzi.api.kafka.model.user.KafkaUser;
import java.io.IOException;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * Every manifest of {@code deploy/k8s}, parsed with a model library: fabric8's Kubernetes model for the built-in
 * kinds, Strimzi's {@code io.strimzi:api} for {@code KafkaTopic}/{@code KafkaUser}, and {@link CnpgCluster} (a strict
 * model of our own: CloudNativePG publishes no Java model) for the PostgreSQL {@code Cluster}. A kind or apiVersion not
 * listed here fails, and so does a field a model does not know: fabric8 and Strimzi keep unknown fields in
 * {@code additionalProperties} instead of failing, so every {@code additionalProperties} of the parsed object graph
 * must be empty ({@link #unknownFields}); the records of {@link CnpgCluster} fail on unknown fields by themselves.
 */
final class K8sManifests {

    /** apiVersion/kind to the model class that parses it. */
    static final Map<String, Class<?>> MODELS = Map.of(
            "v1/Namespace", Namespace.class,
            "v1/ConfigMap", ConfigMap.class,
            "v1/Service", Service.class,
            "apps/v1/Deployment", Deployment.class,
            "policy/v1/PodDisruptionBudget", PodDisruptionBudget.class,
            "networking.k8s.io/v1/NetworkPolicy", NetworkPolicy.class,
            "kafka.strimzi.io/v1/KafkaTopic", KafkaTopic.class,
            "kafka.strimzi.io/v1/KafkaUser", KafkaUser.class,
            "postgresql.cnpg.io/v1/Cluster", CnpgCluster.class);

    static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory())
            .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
            .enable(DeserializationFeature.FAIL_ON_READING_DUP_TREE_KEY);

    /** One parsed document: where it came from and the model object. */
    record Doc(Path file, int index, String kind, Object model) {
        String where() {
            return file.getFileName() + "#" + index + " (" + kind + ")";
        }
    }

    final Path root;
    final List<Doc> docs;
    final List<String> resources;

    private K8sManifests(Path root, List<Doc> docs, List<String> resources) {
        this.root = root;
        this.docs = docs;
        this.resources = resources;
    }

    /** Parses every document of every file {@code kustomization.yaml} lists under {@code root}; throws on the first bad one. */
    static K8sManifests load(Path root) throws IOException {
        JsonNode kustomization = YAML.readTree(root.resolve("kustomization.yaml").toFile());
        List<String> resources = new ArrayList<>();
        kustomization.path("resources").forEach(n -> resources.add(n.asText()));
        List<Doc> docs = new ArrayList<>();
        for (String r : resources) {
            Path file = root.resolve(r);
            List<JsonNode> nodes = readAll(file);
            for (int i = 0; i < nodes.size(); i++) {
                JsonNode node = nodes.get(i);
                String key = node.path("apiVersion").asText() + "/" + node.path("kind").asText();
                Class<?> model = MODELS.get(key);
                if (model == null) {
                    throw new IllegalArgumentException(file.getFileName() + "#" + i + ": no model for " + key
                            + " (known: " + MODELS.keySet() + ")");
                }
                Object parsed;
                try {
                    parsed = YAML.treeToValue(node, model);
                } catch (IOException e) {
                    throw new IllegalArgumentException(file.getFileName() + "#" + i + " (" + key + "): " + e.getMessage(), e);
                }
                Doc doc = new Doc(file, i, node.path("kind").asText(), parsed);
                List<String> unknown = unknownFields(parsed);
                if (!unknown.isEmpty()) {
                    throw new IllegalArgumentException(doc.where() + ": fields the model does not know: " + unknown);
                }
                docs.add(doc);
            }
        }
        return new K8sManifests(root, docs, resources);
    }

    /** The non-empty documents of a multi-document YAML file (a file may open with a comment-only document). */
    static List<JsonNode> readAll(Path file) throws IOException {
        List<JsonNode> nodes = new ArrayList<>();
        try (YAMLParser parser = new YAMLFactory().createParser(file.toFile())) {
            parser.setCodec(YAML);
            while (parser.nextToken() != null) {
                JsonNode n = parser.readValueAsTree();
                if (n != null && !n.isNull() && !n.isMissingNode() && n.size() > 0) {
                    nodes.add(n);
                }
            }
        }
        return nodes;
    }

    /** Every YAML file under {@code root} (relative, with '/'), to compare with what the kustomization lists. */
    static List<String> yamlFiles(Path root) throws IOException {
        try (Stream<Path> s = Files.walk(root)) {
            return s.filter(p -> p.toString().endsWith(".yaml") || p.toString().endsWith(".yml"))
                    .filter(p -> !p.getFileName().toString().equals("kustomization.yaml"))
                    .map(p -> root.relativize(p).toString().replace('\\', '/'))
                    .sorted()
                    .toList();
        }
    }

    <T> List<T> all(Class<T> type) {
        return docs.stream().map(Doc::model).filter(type::isInstance).map(type::cast).toList();
    }

    static String name(Object model) {
        return model instanceof HasMetadata h ? h.getMetadata().getName() : String.valueOf(model);
    }

    /**
     * The paths of every non-empty {@code additionalProperties} map in the object graph of a fabric8 or Strimzi model
     * (where they keep fields they do not know), e.g. {@code spec.template.spec.containers[0].readinessProbe.httpGett}.
     */
    static List<String> unknownFields(Object model) {
        List<String> found = new ArrayList<>();
        walk(model, "", found, new IdentityHashMap<>());
        return found;
    }

    private static void walk(Object o, String path, List<String> found, IdentityHashMap<Object, Boolean> seen) {
        if (o == null || o instanceof String || o instanceof Number || o instanceof Boolean || o instanceof Enum<?>
                || o instanceof Character || o instanceof Class<?> || seen.put(o, Boolean.TRUE) != null) {
            return;
        }
        if (o instanceof Map<?, ?> m) {
            m.forEach((k, v) -> walk(v, path + "[" + k + "]", found, seen));
            return;
        }
        if (o instanceof Collection<?> c) {
            int i = 0;
            for (Object e : c) {
                walk(e, path + "[" + i++ + "]", found, seen);
            }
            return;
        }
        String pkg = o.getClass().getPackageName();
        if (!(pkg.startsWith("io.fabric8.") || pkg.startsWith("io.strimzi.") || o.getClass().isRecord())) {
            return;
        }
        for (Method m : o.getClass().getMethods()) {
            if (m.getParameterCount() != 0 || Modifier.isStatic(m.getModifiers()) || m.getDeclaringClass() == Object.class) {
                continue;
            }
            String n = m.getName();
            Object value;
            try {
                if (n.equals("getAdditionalProperties")) {
                    value = m.invoke(o);
                    if (value instanceof Map<?, ?> extra && !extra.isEmpty()) {
                        extra.keySet().forEach(k -> found.add((path.isEmpty() ? "" : path + ".") + k));
                    }
                    continue;
                }
                String prop;
                if (o.getClass().isRecord()) {
                    if (!isRecordComponent(o.getClass(), n)) {
                        continue;
                    }
                    prop = n;
                } else if (n.startsWith("get") && n.length() > 3) {
                    prop = Character.toLowerCase(n.charAt(3)) + n.substring(4);
                } else {
                    continue;
                }
                value = m.invoke(o);
                walk(value, path.isEmpty() ? prop : path + "." + prop, found, seen);
            } catch (ReflectiveOperationException | RuntimeException e) {
                // a computed getter that does not apply to this object (e.g. a CRD's plural): not a field
            }
        }
    }

    private static boolean isRecordComponent(Class<?> type, String name) {
        for (var c : type.getRecordComponents()) {
            if (c.getName().equals(name)) {
                return true;
            }
        }
        return false;
    }

    /** Map view for messages. */
    Map<String, Integer> countsByKind() {
        Map<String, Integer> counts = new LinkedHashMap<>();
        docs.forEach(d -> counts.merge(d.kind(), 1, Integer::sum));
        return counts;
    }
}
