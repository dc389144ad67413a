package com.maclogin.cutover.cli;

import com.maclogin.cutover.contracts.TopicSpec;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * What differs between the topic specs and a cluster (pure: the cluster's state comes in as {@link Observed}), and
 * what {@code cutover topics apply} may change of it. Never lowering partitions and never switching
 * {@code cleanup.policy} are decided here.
 */
final class TopicDiff {

    /** What the cluster said about one topic. */
    sealed interface Observed permits Missing, NotAuthorized, Present {
    }

    /** The topic does not exist. */
    record Missing() implements Observed {
    }

    /** The client may not describe it (no DESCRIBE, READ or WRITE ACL on it). */
    record NotAuthorized() implements Observed {
    }

    /** The topic exists with these partitions and (effective) configs; {@code configs} null when they may not be read. */
    record Present(int partitions, Map<String, String> configs) implements Observed {
    }

    enum Kind {
        /** The topic does not exist: apply creates it. */
        MISSING,
        /** Fewer partitions than the spec: apply raises them on a delete topic. */
        PARTITIONS,
        /** A config differs: apply sets it (cleanup.policy excepted). */
        CONFIG,
        /** The client may not describe the topic. */
        NOT_AUTHORIZED
    }

    /**
     * One difference.
     *
     * @param fixable whether {@code apply} changes it; if not, {@code reason} says why and what to do by hand
     */
    record Problem(String topic, Kind kind, String key, String has, String wants, boolean fixable, String reason) {
    }

    private TopicDiff() {
    }

    /** Every difference between {@code specs} and what the cluster said ({@code observed}, by topic name). */
    static List<Problem> problems(List<TopicSpec> specs, Map<String, Observed> observed) {
        List<Problem> problems = new ArrayList<>();
        for (TopicSpec spec : specs) {
            Observed o = observed.get(spec.name());
            if (o == null || o instanceof Missing) {
                problems.add(new Problem(spec.name(), Kind.MISSING, "", "-", spec.partitions() + " partitions, "
                        + spec.cleanup().value(), true, ""));
            } else if (o instanceof NotAuthorized) {
                problems.add(new Problem(spec.name(), Kind.NOT_AUTHORIZED, "", "-", "-", false,
                        "the principal may not describe it: grant DESCRIBE (or READ/WRITE) on the topic"));
            } else if (o instanceof Present p) {
                if (p.partitions() < spec.partitions()) {
                    boolean fixable = !spec.compacted();
                    problems.add(new Problem(spec.name(), Kind.PARTITIONS, "partitions", String.valueOf(p.partitions()),
                            String.valueOf(spec.partitions()), fixable, fixable ? ""
                                    : "compacted: more partitions move keys and leave their old records behind; recreate it"));
                }
                if (p.configs() == null) {
                    problems.add(new Problem(spec.name(), Kind.NOT_AUTHORIZED, "configs", "-", "-", false,
                            "the principal may not read its configs: grant DESCRIBE_CONFIGS on the topic"));
                    continue;
                }
                spec.configs().forEach((key, wants) -> {
                    String has = p.configs().get(key);
                    if (!wants.equals(has)) {
                        boolean policy = key.equals("cleanup.policy");
                        problems.add(new Problem(spec.name(), Kind.CONFIG, key, has == null ? "-" : has, wants, !policy,
                                policy ? "a cleanup policy is never switched in place (compact to delete would drop records);"
                                        + " recreate the topic" : ""));
                    }
                });
            }
        }
        return problems;
    }

    /** The problems as a table: topic, problem, has, wants, and for those apply leaves alone, why. */
    static void printTable(List<Problem> problems, PrintWriter out) {
        List<String[]> rows = new ArrayList<>();
        rows.add(new String[] {"TOPIC", "PROBLEM", "HAS", "WANTS", "NOTE"});
        for (Problem p : problems) {
            String what = switch (p.kind()) {
                case MISSING -> "missing";
                case PARTITIONS -> "too few partitions";
                case CONFIG -> p.key();
                case NOT_AUTHORIZED -> p.key().isEmpty() ? "not authorized" : "not authorized (" + p.key() + ")";
            };
            rows.add(new String[] {p.topic(), what, p.has(), p.wants(), p.fixable() ? "apply fixes it" : p.reason()});
        }
        int[] width = new int[5];
        for (String[] r : rows) {
            for (int i = 0; i < 4; i++) {
                width[i] = Math.max(width[i], r[i].length());
            }
        }
        for (String[] r : rows) {
            StringBuilder line = new StringBuilder();
            for (int i = 0; i < 4; i++) {
                line.append(String.format("%-" + width[i] + "s  ", r[i]));
            }
            out.println(line.append(r[4]).toString().stripTrailing());
        }
    }
}
