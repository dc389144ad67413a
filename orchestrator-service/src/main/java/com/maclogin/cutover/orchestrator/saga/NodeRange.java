package com.maclogin.cutover.orchestrator.saga;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A small npm-semver range matcher for {@code engines.node}: alternatives joined by {@code ||}, each a set of
 * comparators joined by spaces ({@code >=20.19.0 <21}, {@code >=22.12.0}); operators {@code >= > <= < =}, caret
 * {@code ^}, tilde {@code ~}, hyphen ranges {@code a - b}, partial versions and {@code x}/{@code *} wildcards. Node
 * versions carry no pre-release tags, so pre-releases are not modelled. Pure; {@link #parse} rejects what it does not
 * understand rather than guessing.
 */
public final class NodeRange {

    private static final Pattern COMPARATOR = Pattern.compile("(>=|<=|>|<|=|\\^|~>?)?\\s*v?(\\d+|[xX*])(?:\\.(\\d+|[xX*]))?(?:\\.(\\d+|[xX*]))?");
    private static final Pattern VERSION = Pattern.compile("v?(\\d+)\\.(\\d+)\\.(\\d+)");

    private final List<List<Bound>> alternatives;

    private record Bound(String op, int[] v) {
        boolean test(int[] x) {
            int c = compare(x, v);
            return switch (op) {
                case ">=" -> c >= 0;
                case ">" -> c > 0;
                case "<=" -> c <= 0;
                case "<" -> c < 0;
                default -> c == 0;
            };
        }
    }

    private NodeRange(List<List<Bound>> alternatives) {
        this.alternatives = alternatives;
    }

    /** Parses a range; throws IllegalArgumentException with the reason when it is not one this matcher understands. */
    public static NodeRange parse(String range) {
        if (range == null) {
            throw new IllegalArgumentException("no range");
        }
        String r = range.trim();
        if (r.length() > 256) {
            throw new IllegalArgumentException("range is too long");
        }
        List<List<Bound>> alts = new ArrayList<>();
        for (String alt : r.split("\\|\\|", -1)) {
            alts.add(parseSet(alt.trim()));
        }
        return new NodeRange(alts);
    }

    /** True when the version ({@code v22.12.0} or {@code 22.12.0}) satisfies the range. */
    public boolean satisfiedBy(String version) {
        int[] v = version(version);
        for (List<Bound> set : alternatives) {
            if (set.stream().allMatch(b -> b.test(v))) {
                return true;
            }
        }
        return false;
    }

    /** {@code [major, minor, patch]} of a full version; throws IllegalArgumentException otherwise. */
    public static int[] version(String version) {
        Matcher m = version == null ? null : VERSION.matcher(version.trim());
        if (m == null || !m.matches()) {
            throw new IllegalArgumentException("'" + version + "' is not a full version such as v22.12.0");
        }
        return new int[] {Integer.parseInt(m.group(1)), Integer.parseInt(m.group(2)), Integer.parseInt(m.group(3))};
    }

    private static List<Bound> parseSet(String set) {
        List<Bound> bounds = new ArrayList<>();
        if (set.isEmpty() || set.equals("*") || set.equalsIgnoreCase("x")) {
            bounds.add(new Bound(">=", new int[] {0, 0, 0}));
            return bounds;
        }
        String[] hyphen = set.split("\\s+-\\s+");
        if (hyphen.length == 2) {
            Partial lo = partial(hyphen[0].trim(), null);
            Partial hi = partial(hyphen[1].trim(), null);
            bounds.add(new Bound(">=", lo.floor()));
            bounds.add(hi.parts == 3 ? new Bound("<=", hi.floor()) : new Bound("<", hi.nextUp()));
            return bounds;
        }
        // operators may be separated from their version by spaces (">= 22.12.0"): glue them first
        String glued = set.replaceAll("(>=|<=|>|<|=|\\^|~>?)\\s+", "$1");
        for (String token : glued.split("\\s+")) {
            Matcher m = COMPARATOR.matcher(token);
            if (!m.matches()) {
                throw new IllegalArgumentException("'" + token + "' is not a version comparator");
            }
            String op = m.group(1) == null ? "" : m.group(1);
            Partial p = partial(token.substring(op.length()).trim(), m);
            switch (op) {
                case "^" -> {
                    bounds.add(new Bound(">=", p.floor()));
                    int[] f = p.floor();
                    int[] upper;
                    if (f[0] > 0 || p.parts == 1) {
                        upper = new int[] {f[0] + 1, 0, 0};
                    } else if (f[1] > 0 || p.parts == 2) {
                        upper = new int[] {0, f[1] + 1, 0};
                    } else {
                        upper = new int[] {0, 0, f[2] + 1};
                    }
                    bounds.add(new Bound("<", upper));
                }
                case "~", "~>" -> {
                    bounds.add(new Bound(">=", p.floor()));
                    int[] f = p.floor();
                    bounds.add(new Bound("<", p.parts == 1 ? new int[] {f[0] + 1, 0, 0} : new int[] {f[0], f[1] + 1, 0}));
                }
                case "", "=" -> {
                    if (p.parts == 0) {
                        bounds.add(new Bound(">=", new int[] {0, 0, 0}));
                    } else if (p.parts == 3) {
                        bounds.add(new Bound("=", p.floor()));
                    } else {
                        bounds.add(new Bound(">=", p.floor()));
                        bounds.add(new Bound("<", p.nextUp()));
                    }
                }
                case ">=" -> bounds.add(new Bound(">=", p.floor()));
                case "<" -> bounds.add(new Bound("<", p.floor()));
                case ">" -> bounds.add(p.parts == 3 ? new Bound(">", p.floor()) : new Bound(">=", p.nextUp()));
                case "<=" -> bounds.add(p.parts == 3 ? new Bound("<=", p.floor()) : new Bound("<", p.nextUp()));
                default -> throw new IllegalArgumentException("unknown operator " + op);
            }
        }
        return bounds;
    }

    /** A version with 0-3 given parts (wildcards end it). */
    private record Partial(int[] given, int parts) {
        int[] floor() {
            return new int[] {parts > 0 ? given[0] : 0, parts > 1 ? given[1] : 0, parts > 2 ? given[2] : 0};
        }

        /** The smallest version above every version this partial stands for ({@code 22} → {@code 23.0.0}). */
        int[] nextUp() {
            return switch (parts) {
                case 0 -> new int[] {Integer.MAX_VALUE, 0, 0};
                case 1 -> new int[] {given[0] + 1, 0, 0};
                case 2 -> new int[] {given[0], given[1] + 1, 0};
                default -> new int[] {given[0], given[1], given[2] + 1};
            };
        }
    }

    private static Partial partial(String s, Matcher already) {
        Matcher m = already != null ? already : COMPARATOR.matcher(s);
        if (already == null && (!m.matches() || m.group(1) != null)) {
            throw new IllegalArgumentException("'" + s + "' is not a version");
        }
        int[] given = new int[3];
        int parts = 0;
        for (int g = 2; g <= 4; g++) {
            String part = m.group(g);
            if (part == null || part.equalsIgnoreCase("x") || part.equals("*")) {
                break;
            }
            given[parts++] = Integer.parseInt(part);
        }
        return new Partial(given, parts);
    }

    static int compare(int[] a, int[] b) {
        for (int i = 0; i < 3; i++) {
            if (a[i] != b[i]) {
                return Integer.compare(a[i], b[i]);
            }
        }
        return 0;
    }
}
