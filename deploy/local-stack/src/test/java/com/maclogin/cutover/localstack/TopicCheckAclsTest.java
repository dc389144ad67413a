package com.maclogin.cutover.localstack;

import static org.assertj.core.api.Assertions.assertThat;

import com.maclogin.cutover.contracts.Region;
import com.maclogin.cutover.contracts.Topics;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The topics each service checks at start-up (its channels' topics, the dead letters and
 * {@code messaging.topic-check.topics} in its application.properties) are exactly the topics its principal may read or
 * write in {@link KafkaAcls}: so the check can describe each one with the service's own login (READ and WRITE imply
 * DESCRIBE), and a topic a service uses but forgot to declare (or an ACL nobody needs) shows up here. Every one is a
 * topic of {@code Topics.specs()}. Reads files only; no broker.
 */
class TopicCheckAclsTest {

    private static final Pattern CHANNEL_TOPIC = Pattern.compile("mp\\.messaging\\.(incoming|outgoing)\\.[^.]+\\.topic");

    private static Set<String> checkedTopics(String module, String region) throws Exception {
        Properties p = new Properties();
        try (Reader r = Files.newBufferedReader(LocalStack.repoRoot().resolve(module).resolve("src/main/resources/application.properties"))) {
            p.load(r);
        }
        List<String> raw = new ArrayList<>();
        for (String key : p.stringPropertyNames()) {
            if (CHANNEL_TOPIC.matcher(key).matches()) {
                raw.add(p.getProperty(key));
            }
        }
        raw.addAll(List.of(p.getProperty("messaging.topic-check.topics", "").split(",")));
        Set<String> topics = new TreeSet<>();
        topics.add(Topics.DEAD_LETTERS);
        for (String t : raw) {
            String topic = t.trim().replace("${probe.region}", region == null ? "?" : region);
            if (topic.isEmpty()) {
                continue;
            }
            if (topic.contains("{region}")) {
                for (Region r : Region.values()) {
                    topics.add(topic.replace("{region}", r.suffix()));
                }
            } else {
                topics.add(topic);
            }
        }
        return topics;
    }

    @Test
    void everyServiceChecksExactlyTheTopicsItsPrincipalMayReadOrWrite() throws Exception {
        Map<String, String> moduleOf = Map.of("orchestrator", "orchestrator-service", "rollback-service", "rollback-service",
                "notifier", "notifier-service");
        for (KafkaAcls.Access a : KafkaAcls.table()) {
            String region = a.principal().startsWith("probe-") ? a.principal().substring("probe-".length()) : null;
            String module = region != null ? "probe-service" : moduleOf.get(a.principal());
            Set<String> granted = new TreeSet<>(a.reads());
            granted.addAll(a.writes());
            assertThat(checkedTopics(module, region)).as("topics %s checks at start-up vs the ACLs of %s", module, a.principal())
                    .isEqualTo(granted);
            assertThat(Topics.all()).containsAll(granted);
        }
    }
}
