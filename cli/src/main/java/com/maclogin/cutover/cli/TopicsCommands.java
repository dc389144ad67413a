package com.maclogin.cutover.cli;

import com.maclogin.cutover.contracts.TopicSpec;
import com.maclogin.cutover.contracts.Topics;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.AdminClientConfig;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code cutover topics check|apply}: the topics of {@link Topics#specs()} on any Kafka cluster. Talks to Kafka, not to
 * the orchestrator, so the global {@code --url}/{@code --token} options do not apply.
 */
@Command(name = "topics", mixinStandardHelpOptions = true,
        description = "Check or create the product's Kafka topics (contracts Topics.specs()) on any cluster.",
        subcommands = {TopicsCommands.Check.class, TopicsCommands.Apply.class})
final class TopicsCommands implements Runnable {

    @Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(), "missing topics command: check or apply");
    }

    /** Where the cluster is and how to log in. */
    static final class ClusterOptions {
        @Option(names = "--bootstrap-servers", paramLabel = "HOST:PORT[,...]",
                description = "Kafka bootstrap servers (default: $KAFKA_BOOTSTRAP_SERVERS, else bootstrap.servers of --command-config)")
        String bootstrapServers;

        @Option(names = "--command-config", paramLabel = "FILE",
                description = "Kafka client properties: security.protocol, sasl.*, ssl.* (SASL_SSL or mTLS logins), as for kafka-topics.sh")
        Path commandConfig;

        @Option(names = "--timeout", paramLabel = "DURATION", defaultValue = "30s", converter = WatchOptions.DurationConverter.class,
                description = "Longest wait for any answer of the cluster (default: ${DEFAULT-VALUE})")
        Duration timeout;
    }

    abstract static class TopicsCommand implements Callable<Integer> {
        @Mixin
        ClusterOptions cluster;

        @Spec
        CommandLine.Model.CommandSpec spec;

        PrintWriter out() {
            return ((CutoverCli) spec.root().userObject()).env.out();
        }

        PrintWriter err() {
            return ((CutoverCli) spec.root().userObject()).env.err();
        }

        Properties clientProperties() {
            Properties p = new Properties();
            if (cluster.commandConfig != null) {
                try (InputStream in = Files.newInputStream(cluster.commandConfig)) {
                    p.load(in);
                } catch (IOException e) {
                    throw new CutoverCli.UsageError("cannot read --command-config " + cluster.commandConfig + ": " + e);
                }
            }
            String bootstrap = cluster.bootstrapServers != null ? cluster.bootstrapServers
                    : ((CutoverCli) spec.root().userObject()).env.variables().get("KAFKA_BOOTSTRAP_SERVERS");
            if (bootstrap != null && !bootstrap.isBlank()) {
                p.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
            }
            if (p.getProperty(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, "").isBlank()) {
                throw new CutoverCli.UsageError("no Kafka cluster: give --bootstrap-servers (or $KAFKA_BOOTSTRAP_SERVERS, or bootstrap.servers in --command-config)");
            }
            return p;
        }

        /** Checks the command's own options before anything connects. */
        void validate() {
        }

        @Override
        public Integer call() {
            validate();
            Properties p = clientProperties();
            List<TopicSpec> specs = Topics.specs();
            String where = p.getProperty(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG);
            try (KafkaTopics kafka = new KafkaTopics(p, cluster.timeout)) {
                err().println("cutover: describing " + specs.size() + " topics on " + where + " ...");
                err().flush();
                return run(kafka, specs);
            } catch (KafkaTopics.Failure f) {
                err().println("cutover: " + f.getMessage());
                return f.exitCode;
            } catch (org.apache.kafka.common.KafkaException e) {
                // e.g. a bad --command-config value: the admin client refuses to start
                err().println("cutover: cannot create a Kafka client: " + e.getMessage()
                        + (e.getCause() != null ? " (" + e.getCause().getMessage() + ")" : ""));
                return ExitCodes.USAGE;
            }
        }

        abstract int run(KafkaTopics kafka, List<TopicSpec> specs) throws KafkaTopics.Failure;

        /** Checks and prints the outcome: 0 when everything matches, 1 with the table otherwise. */
        int report(KafkaTopics kafka, List<TopicSpec> specs) throws KafkaTopics.Failure {
            List<TopicDiff.Problem> problems = TopicDiff.problems(specs,
                    kafka.observe(specs.stream().map(TopicSpec::name).toList()));
            if (problems.isEmpty()) {
                out().println("all " + specs.size() + " topics match the specs");
                return ExitCodes.OK;
            }
            TopicDiff.printTable(problems, out());
            Map<TopicDiff.Kind, Long> counts = problems.stream()
                    .collect(Collectors.groupingBy(TopicDiff.Problem::kind, Collectors.counting()));
            out().println(problems.size() + " problem(s): " + counts.entrySet().stream()
                    .map(e -> e.getValue() + " " + e.getKey().name().toLowerCase(java.util.Locale.ROOT).replace('_', ' '))
                    .collect(Collectors.joining(", ")));
            return problems.stream().anyMatch(x -> x.kind() == TopicDiff.Kind.NOT_AUTHORIZED) ? ExitCodes.AUTH
                    : ExitCodes.TOPICS_DIFFER;
        }
    }

    @Command(name = "check", mixinStandardHelpOptions = true,
            description = "List missing topics, topics with too few partitions and topic configs that differ from the specs.",
            exitCodeListHeading = "%nExit codes:%n", exitCodeList = {
                " 0:every topic exists as specified (more partitions than specified are fine)",
                " 1:something differs: the table says what, and whether 'apply' fixes it",
                " 2:usage error", "10:not authorized (to describe a topic) or authentication failed",
                "13:cluster unreachable"})
    static final class Check extends TopicsCommand {
        @Override
        int run(KafkaTopics kafka, List<TopicSpec> specs) throws KafkaTopics.Failure {
            return report(kafka, specs);
        }
    }

    @Command(name = "apply", mixinStandardHelpOptions = true,
            description = {"Create missing topics, raise too few partitions of delete topics, set configs that differ; then check again.",
                "Never lowers partitions (Kafka cannot) and never raises those of a compacted topic (keys would move away from",
                "their last record), never switches cleanup.policy (compact to delete would drop records): those are reported",
                "for a human. Raising partitions moves keys: per-key order holds only for records written afterwards, so raise",
                "them while no cutover runs."},
            exitCodeListHeading = "%nExit codes:%n", exitCodeList = {
                " 0:every topic now exists as specified",
                " 1:something is left that apply does not change (see the table)",
                " 2:usage error", "10:not authorized (CREATE, ALTER, ALTER_CONFIGS) or authentication failed",
                "13:cluster unreachable"})
    static final class Apply extends TopicsCommand {
        @Option(names = "--replication-factor", paramLabel = "N",
                description = "Replicas of each created topic (default: the spec's, else the cluster's default.replication.factor)")
        Short replicationFactor;

        @Override
        void validate() {
            if (replicationFactor != null && replicationFactor < 1) {
                throw new CutoverCli.UsageError("--replication-factor must be at least 1");
            }
        }

        @Override
        int run(KafkaTopics kafka, List<TopicSpec> specs) throws KafkaTopics.Failure {
            Map<String, TopicSpec> byName = specs.stream().collect(Collectors.toMap(TopicSpec::name, s -> s));
            List<TopicDiff.Problem> problems = TopicDiff.problems(specs,
                    kafka.observe(specs.stream().map(TopicSpec::name).toList()));
            PrintWriter out = out();
            int changed = 0;
            for (TopicDiff.Problem p : problems) {
                if (!p.fixable()) {
                    continue;
                }
                TopicSpec s = byName.get(p.topic());
                switch (p.kind()) {
                    case MISSING -> {
                        Optional<Short> rf = replicationFactor != null ? Optional.of(replicationFactor) : s.replicationFactor();
                        out.print("creating " + s.name() + " (" + s.partitions() + " partitions, replication factor "
                                + rf.map(String::valueOf).orElse("of the cluster") + ", " + s.configs().entrySet().stream()
                                        .map(e -> e.getKey() + "=" + e.getValue()).collect(Collectors.joining(" ")) + ") ... ");
                        out.flush();
                        out.println(kafka.create(s, rf) ? "created" : "already created by someone else");
                    }
                    case PARTITIONS -> {
                        out.print("raising the partitions of " + s.name() + " from " + p.has() + " to " + p.wants() + " ... ");
                        out.flush();
                        kafka.raisePartitions(s.name(), s.partitions());
                        out.println("done (keys written from now on may land on other partitions)");
                    }
                    case CONFIG -> {
                        out.print("setting " + p.key() + "=" + p.wants() + " on " + s.name() + " (was " + p.has() + ") ... ");
                        out.flush();
                        kafka.setConfig(s.name(), p.key(), p.wants());
                        out.println("done");
                    }
                    default -> {
                    }
                }
                out.flush();
                changed++;
            }
            out.println(changed == 0 ? "nothing to change; checking ..." : changed + " change(s) made; checking again ...");
            out.flush();
            kafka.awaitApplied(specs, changed > 0);
            return report(kafka, specs);
        }
    }
}
