package com.maclogin.cutover.localstack.k8s;

import java.io.IOException;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Deque;
import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.config.SaslConfigs;
import org.apache.kafka.common.config.SslConfigs;

/**
 * What a service module reads, taken from its own files: {@code application.properties} (HTTP port, health paths,
 * consumer groups and topics, {@code ${ENV}} references) and the {@code @ConfigMapping} interfaces of the module and
 * of the support modules its pom uses (their keys, e.g. {@code notifier.slack.token}).
 */
final class ServiceModule {

    final String name;
    final Path dir;
    final Properties props = new Properties();
    final String propsText;
    final String pom;
    final Set<String> mappingKeys = new TreeSet<>();

    ServiceModule(Path repoRoot, String name) throws IOException {
        this.name = name;
        this.dir = repoRoot.resolve(name);
        Path file = dir.resolve("src/main/resources/application.properties");
        this.propsText = Files.readString(file);
        try (Reader r = Files.newBufferedReader(file)) {
            props.load(r);
        }
        this.pom = Files.readString(dir.resolve("pom.xml"));
        List<Path> sources = new ArrayList<>(List.of(dir.resolve("src/main/java")));
        for (String support : List.of("messaging-support", "api-security")) {
            if (pom.contains("<artifactId>" + support + "</artifactId>")) {
                sources.add(repoRoot.resolve(support).resolve("src/main/java"));
            }
        }
        for (Path src : sources) {
            try (Stream<Path> s = Files.walk(src)) {
                for (Path java : s.filter(p -> p.toString().endsWith(".java")).toList()) {
                    String text = Files.readString(java);
                    if (text.contains("@ConfigMapping(")) {
                        mappingKeys.addAll(configMappingKeys(text));
                    }
                }
            }
        }
    }

    String prop(String key, String dflt) {
        return props.getProperty(key, dflt);
    }

    /** {@code quarkus.http.port}, or the management port when the management interface serves health. */
    int healthPort() {
        if (Boolean.parseBoolean(prop("quarkus.management.enabled", "false"))) {
            return Integer.parseInt(prop("quarkus.management.port", "9000"));
        }
        return httpPort();
    }

    int httpPort() {
        return Integer.parseInt(props.getProperty("quarkus.http.port", "8080"));
    }

    /** The health path of {@code kind} (ready, live, started) as SmallRye Health serves it with this configuration. */
    String healthPath(String kind) {
        String root = prop("quarkus.http.non-application-root-path", "q");
        String health = prop("quarkus.smallrye-health.root-path", "health");
        String leaf = switch (kind) {
            case "ready" -> prop("quarkus.smallrye-health.readiness-path", "ready");
            case "live" -> prop("quarkus.smallrye-health.liveness-path", "live");
            case "started" -> prop("quarkus.smallrye-health.startup-path", "started");
            default -> throw new IllegalArgumentException(kind);
        };
        return join(join("/" + strip(root), strip(health)), strip(leaf));
    }

    private static String strip(String s) {
        return s.replaceAll("^/+|/+$", "");
    }

    private static String join(String a, String b) {
        return a + "/" + b;
    }

    boolean hasHealthExtension() {
        return pom.contains("<artifactId>quarkus-smallrye-health</artifactId>");
    }

    /** The consumer groups and topics of every {@code mp.messaging.incoming.*} channel, with {@code ${x}} replaced from {@code vars}. */
    Map<String, Set<String>> incomingTopicsByGroup(Map<String, String> vars) {
        Map<String, String> topic = new HashMap<>();
        Map<String, String> group = new HashMap<>();
        for (String key : props.stringPropertyNames()) {
            Matcher m = Pattern.compile("^mp\\.messaging\\.incoming\\.([^.]+)\\.(topic|group\\.id)$").matcher(key);
            if (m.matches()) {
                (m.group(2).equals("topic") ? topic : group).put(m.group(1), expand(props.getProperty(key), vars));
            }
        }
        Map<String, Set<String>> byGroup = new LinkedHashMap<>();
        topic.forEach((channel, t) -> byGroup.computeIfAbsent(group.getOrDefault(channel, "<no group>"), g -> new TreeSet<>()).add(t));
        return byGroup;
    }

    /** The topics of every {@code mp.messaging.outgoing.*} channel. */
    Set<String> outgoingTopics(Map<String, String> vars) {
        Set<String> topics = new TreeSet<>();
        for (String key : props.stringPropertyNames()) {
            if (key.matches("^mp\\.messaging\\.outgoing\\.[^.]+\\.topic$")) {
                topics.add(expand(props.getProperty(key), vars));
            }
        }
        return topics;
    }

    /** Replaces {@code ${a}} and {@code ${a:default}} with {@code vars} (property names), else the default. */
    static String expand(String value, Map<String, String> vars) {
        Matcher m = Pattern.compile("\\$\\{([^}:]+)(?::([^}]*))?}").matcher(value);
        StringBuilder sb = new StringBuilder();
        while (m.find()) {
            String v = vars.getOrDefault(m.group(1), m.group(2) == null ? m.group(0) : m.group(2));
            m.appendReplacement(sb, Matcher.quoteReplacement(v));
        }
        m.appendTail(sb);
        return sb.toString();
    }

    /**
     * Why the service reads environment variable {@code env}, or null if it does not: an {@code ${ENV}} reference in
     * its {@code application.properties}; the environment form (MicroProfile Config: upper case, every other
     * character '_') of a key its properties set in any profile or of a {@code @ConfigMapping} key; or a Kafka client
     * setting: every {@code KAFKA_*} variable whose rest is a Kafka client property becomes a {@code kafka.*} key, which
     * the SmallRye connector and messaging-support's {@code KafkaClientProperties} give every client.
     */
    String readsEnv(String env) {
        if (Pattern.compile("\\$\\{" + Pattern.quote(env) + "[:}]").matcher(propsText).find()) {
            return "${" + env + "} in application.properties";
        }
        for (String key : props.stringPropertyNames()) {
            String k = key.startsWith("%") ? key.substring(key.indexOf('.') + 1) : key;
            if (envForm(k).equals(env)) {
                return "property " + k;
            }
        }
        for (String key : mappingKeys) {
            if (envForm(key).equals(env)) {
                return "@ConfigMapping key " + key;
            }
        }
        if (env.startsWith("KAFKA_")) {
            String clientKey = env.substring("KAFKA_".length()).toLowerCase(Locale.ROOT).replace('_', '.');
            Set<String> known = new HashSet<>();
            known.addAll(ProducerConfig.configNames());
            known.addAll(ConsumerConfig.configNames());
            known.addAll(SslConfigs.RECONFIGURABLE_CONFIGS);
            known.add(SaslConfigs.SASL_JAAS_CONFIG);
            known.add(SaslConfigs.SASL_MECHANISM);
            if (known.contains(clientKey)) {
                return "Kafka client property " + clientKey;
            }
        }
        return null;
    }

    static String envForm(String key) {
        return key.replaceAll("[^A-Za-z0-9]", "_").toUpperCase(Locale.ROOT);
    }

    private static final Pattern TOKENS = Pattern.compile(
            "interface\\s+(\\w+)[^{;]*\\{|\\{|}|([\\w.]+(?:<[\\w.<>?, ]+>)?(?:\\[])?)\\s+(\\w+)\\(\\)\\s*;");

    /** The keys of the {@code @ConfigMapping} interface in {@code source}: prefix + kebab-case method names, nested. */
    static Set<String> configMappingKeys(String source) {
        Matcher pm = Pattern.compile("@ConfigMapping\\(\\s*prefix\\s*=\\s*\"([^\"]+)\"").matcher(source);
        if (!pm.find()) {
            return Set.of();
        }
        String prefix = pm.group(1);
        // block comments first (javadoc may quote), then string literals (a default may hold "//"), then line comments
        String code = source.replaceAll("(?s)/\\*.*?\\*/", "").replaceAll("\"(?:\\\\.|[^\"\\\\])*\"", "\"\"")
                .replaceAll("//[^\n]*", "");
        Map<String, List<String[]>> methods = new LinkedHashMap<>();
        Deque<String> stack = new ArrayDeque<>();
        String root = null;
        Matcher m = TOKENS.matcher(code);
        while (m.find()) {
            if (m.group(1) != null) {
                stack.push(m.group(1));
                methods.putIfAbsent(m.group(1), new ArrayList<>());
                if (root == null) {
                    root = m.group(1);
                }
            } else if (m.group(0).equals("{")) {
                stack.push("");
            } else if (m.group(0).equals("}")) {
                if (!stack.isEmpty()) {
                    stack.pop();
                }
            } else if (!stack.isEmpty() && !stack.peek().isEmpty()) {
                methods.get(stack.peek()).add(new String[] {m.group(2), m.group(3)});
            }
        }
        Set<String> keys = new TreeSet<>();
        if (root != null) {
            expandKeys(root, prefix, methods, keys, 0);
        }
        return keys;
    }

    private static void expandKeys(String iface, String prefix, Map<String, List<String[]>> methods, Set<String> keys, int depth) {
        if (depth > 8) {
            return;
        }
        for (String[] method : methods.getOrDefault(iface, List.of())) {
            String key = prefix + "." + method[1].replaceAll("([a-z0-9])([A-Z])", "$1-$2").toLowerCase(Locale.ROOT);
            keys.add(key);
            String type = method[0].replaceAll("^Optional<(.+)>$", "$1");
            if (methods.containsKey(type)) {
                expandKeys(type, key, methods, keys, depth + 1);
            }
        }
    }
}
