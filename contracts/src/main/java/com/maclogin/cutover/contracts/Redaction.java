package com.maclogin.cutover.contracts;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The one redaction component of every service: masks secrets in any text before it becomes evidence, a recorded
 * command, a reason, a log line or a chat message. It knows
 * <ul>
 *   <li>private key blocks ({@code -----BEGIN ... PRIVATE KEY-----});</li>
 *   <li>plist XML: {@code <key>…TOKEN|SECRET|PASSWORD|…_KEY…</key> <string>value</string>} (also in {@code diff -u});</li>
 *   <li>launchd's {@code KEY => value} lines ({@code launchctl print}'s environment blocks);</li>
 *   <li>JSON {@code "token": "value"};</li>
 *   <li>{@code Authorization:} headers ({@code Bearer}, {@code Basic}, {@code token}, ...) and any {@code Bearer x};</li>
 *   <li>command-line flags {@code --token x}, {@code --token=x}, {@code --api-key x}, ...;</li>
 *   <li>{@code name=value}, {@code name: value}, {@code export NAME='value'};</li>
 *   <li>bare provider token shapes: Slack {@code xox?-…}/{@code xapp-…}, OpenAI/Anthropic {@code sk-…}/{@code sk-ant-…},
 *       GitHub {@code ghp_…}/{@code github_pat_…}, GitLab {@code glpat-…}, npm {@code npm_…}, Telegram bot tokens
 *       {@code 123456789:AA…}, AWS access key ids {@code AKIA…}/{@code ASIA…}, Google {@code AIza…}, Stripe
 *       {@code sk_live_…}, JSON web tokens {@code eyJ….eyJ….…};</li>
 *   <li>any exact secret value it was told or learned: an instance made by {@link #remembering} remembers every value
 *       (8 characters or more) that a named pattern above masked, so the same value is masked later wherever it
 *       appears bare (a gateway token read from the plist is masked in a log line that prints it alone).</li>
 * </ul>
 * A name is secret when it contains {@code token}, {@code secret}, {@code passw}, {@code passphrase},
 * {@code credential}, {@code apikey}/{@code api_key}, {@code access_key}, {@code private_key}, {@code signing_key},
 * {@code session_key}, ends in {@code _key}/{@code -key}/{@code .key} or {@code _auth}, unless it names a file, path,
 * directory, URL, hash or a public/host key ({@code tokenFile}, {@code hostKey}, {@code plistSha256} survive).
 * Everything else survives unchanged: versions, hashes, paths, ports, other flags. Redaction is idempotent.
 */
public final class Redaction {

    /** What a secret is replaced with. */
    public static final String MARK = "[redacted]";
    /** Longest reason that travels (to the database, the API, chat); longer ones are cut with a marker. */
    public static final int MAX_REASON = 500;
    /** Shortest value remembered as an exact secret (shorter ones would mask ordinary words). */
    public static final int MIN_REMEMBERED = 8;
    /** At most this many exact values are remembered by one instance. */
    public static final int MAX_REMEMBERED = 256;

    private static final Redaction PATTERNS = new Redaction(false, List.of());

    private static final Pattern PRIVATE_KEY = Pattern.compile(
            "-----BEGIN [A-Z0-9 ]*PRIVATE KEY-----.*?(-----END [A-Z0-9 ]*PRIVATE KEY-----|\\z)", Pattern.DOTALL);
    /** plist XML; between key and string only whitespace and diff's +/- prefixes. */
    private static final Pattern PLIST = Pattern.compile(
            "(<key>\\s*)([^<]{1,200}?)(\\s*</key>[\\s+-]*<string>)([^<]*)(</string>)");
    /** launchd's {@code KEY => value} (environment blocks of {@code launchctl print}). */
    private static final Pattern ARROW = Pattern.compile(
            "(?m)^([ \\t+-]*\"?)([A-Za-z_][A-Za-z0-9_.-]{0,200})(\"?[ \\t]*=>[ \\t]*)(\\S(?:.*\\S)?)[ \\t]*$");
    /**
     * JSON {@code "name": "value"}. The strings are unrolled loops ({@code [^"\\]*+(?:\\.[^"\\]*+)*+}), not
     * {@code (?:[^"\\]|\\.)*}: Java's regex engine recurses once per repetition of a group with alternatives, and a
     * real gateway's few-kilobyte JSON string overflowed the stack of a probe worker's step thread.
     */
    private static final Pattern JSON = Pattern.compile(
            "(\"([^\"\\\\\\n]{0,200}+(?:\\\\.[^\"\\\\\\n]{0,200}+){0,100}+)\"\\s*:\\s*)"
                    + "\"([^\"\\\\\\n]*+(?:\\\\.[^\"\\\\\\n]*+)*+)\"");
    private static final Pattern AUTHORIZATION = Pattern.compile(
            "(?i)(\\b(?:proxy-)?authorization[\"']?\\s*[:=]\\s*[\"']?(?:(?:bearer|basic|token|digest|bot|apikey)\\s+)?)"
                    + "([^\\s'\",;]+)");
    private static final Pattern BEARER = Pattern.compile("(?i)(\\bbearer\\s+)([A-Za-z0-9._~+/=-]+)");
    private static final Pattern FLAG = Pattern.compile(
            "(?<![A-Za-z0-9_.-])(--?[A-Za-z][A-Za-z0-9_-]{0,100})(=|[ \\t]+)(\"[^\"\\n]*\"|'[^'\\n]*'|[^\\s'\"<>|&;]+)");
    private static final Pattern ASSIGNMENT = Pattern.compile(
            "(?<![A-Za-z0-9_.-])(\"?)([A-Za-z_][A-Za-z0-9_.-]{0,200})(\"?[ \\t]*(?:=(?![=>])|:(?!//|:))[ \\t]*)"
                    + "(\"[^\"\\n]*\"|'[^'\\n]*'|[^\\s,;&|<>\"'{\\[(][^\\s,;&|<>\"']*)");
    private static final List<Pattern> SHAPES = List.of(
            Pattern.compile("(?<![A-Za-z0-9])xox[abposre]-[A-Za-z0-9-]{10,}"),
            Pattern.compile("(?<![A-Za-z0-9])xapp-\\d-[A-Za-z0-9-]{10,}"),
            Pattern.compile("(?<![A-Za-z0-9_-])sk-(?:ant-|proj-|svcacct-)?[A-Za-z0-9_-]{20,}"),
            Pattern.compile("(?<![A-Za-z0-9_])(?:sk|rk)_(?:live|test)_[A-Za-z0-9]{16,}"),
            Pattern.compile("(?<![A-Za-z0-9_])gh[pousr]_[A-Za-z0-9]{30,}"),
            Pattern.compile("(?<![A-Za-z0-9_])github_pat_[A-Za-z0-9_]{30,}"),
            Pattern.compile("(?<![A-Za-z0-9_-])glpat-[A-Za-z0-9_-]{20,}"),
            Pattern.compile("(?<![A-Za-z0-9_])npm_[A-Za-z0-9]{36,}"),
            Pattern.compile("(?<![A-Za-z0-9])\\d{6,12}:AA[A-Za-z0-9_-]{30,}"),
            Pattern.compile("(?<![A-Za-z0-9])(?:AKIA|ASIA)[0-9A-Z]{16}(?![A-Za-z0-9])"),
            Pattern.compile("(?<![A-Za-z0-9_-])AIza[0-9A-Za-z_-]{35}"),
            Pattern.compile("(?<![A-Za-z0-9_-])eyJ[A-Za-z0-9_-]{8,}\\.eyJ[A-Za-z0-9_-]{8,}\\.[A-Za-z0-9_-]*"));
    private static final Pattern SECRET_NAME = Pattern.compile(
            "token|secret|passw|passphrase|credential|api[_-]?key|access[_-]?key|private[_-]?key|signing[_-]?key"
                    + "|session[_-]?key|[_.-]key$|^key$|[_.-]auth$|^auth$");
    private static final Pattern NOT_SECRET_NAME = Pattern.compile(
            "(file|path|dir|directory|url|uri|sha\\d*|hash|digest|fingerprint|len|length|count|expires|expiry|type"
                    + "|mode|present)$|public|host[_-]?key|pub[_-]?key|nopasswd");

    private final boolean remembers;
    private final Set<String> known = ConcurrentHashMap.newKeySet();

    private Redaction(boolean remembers, Collection<String> secrets) {
        this.remembers = remembers;
        secrets.forEach(this::remember);
    }

    /** Masks by patterns only (nothing remembered). */
    public static String redact(String s) {
        return PATTERNS.apply(s);
    }

    /** {@link #redact(String)}, then cut to {@link #MAX_REASON} characters with a marker. */
    public static String reason(String s) {
        return truncate(redact(s), MAX_REASON);
    }

    /** Every evidence of a result with its command and output masked by patterns (null stays null). */
    public static List<Evidence> evidence(List<Evidence> evidence) {
        if (evidence == null) {
            return null;
        }
        List<Evidence> out = new ArrayList<>(evidence.size());
        evidence.forEach(e -> out.add(PATTERNS.apply(e)));
        return out;
    }

    /** The facts of a result with every value masked by patterns, in the same order (null stays null). */
    public static java.util.Map<String, String> facts(java.util.Map<String, String> facts) {
        if (facts == null) {
            return null;
        }
        java.util.Map<String, String> out = new java.util.LinkedHashMap<>();
        facts.forEach((k, v) -> out.put(k, PATTERNS.apply(v)));
        return out;
    }

    /**
     * An instance that masks {@code secrets} wherever they appear and remembers every value its named patterns mask
     * (for the rest of its life: one step, one lease).
     */
    public static Redaction remembering(Collection<String> secrets) {
        return new Redaction(true, secrets == null ? List.of() : secrets);
    }

    /** Masks {@code s}; remembers what a named pattern masked when made by {@link #remembering}. */
    public String apply(String s) {
        if (s == null || s.isEmpty()) {
            return s;
        }
        try {
            return applyPatterns(s);
        } catch (StackOverflowError e) {
            // fail closed: an input a pattern cannot take is withheld whole, never passed on unmasked, never a crash
            return "[redacted: " + s.length() + " characters withheld, the redaction could not read them]";
        }
    }

    private String applyPatterns(String s) {
        String out = PRIVATE_KEY.matcher(s).replaceAll("[redacted private key]");
        out = keyed(PLIST, out, m -> m.group(2), 4);
        out = keyed(ARROW, out, m -> m.group(2), 4);
        out = keyed(JSON, out, m -> m.group(2), 3);
        out = replace(AUTHORIZATION, out, 2, true);
        out = replace(BEARER, out, 2, true);
        out = keyed(FLAG, out, m -> m.group(1), 3);
        out = keyed(ASSIGNMENT, out, m -> m.group(2), 4);
        for (Pattern p : SHAPES) {
            out = p.matcher(out).replaceAll(MARK);
        }
        if (!known.isEmpty()) {
            List<String> values = new ArrayList<>(known);
            values.sort(Comparator.comparingInt(String::length).reversed());
            for (String v : values) {
                if (out.contains(v)) {
                    out = out.replace(v, MARK);
                }
            }
        }
        return out;
    }

    /** Masks reason text and cuts it to {@link #MAX_REASON} characters. */
    public String applyToReason(String s) {
        return truncate(apply(s), MAX_REASON);
    }

    /** The same evidence with its command and output masked. */
    public Evidence apply(Evidence e) {
        if (e == null) {
            return null;
        }
        String command = apply(e.command());
        String output = apply(e.output());
        if (java.util.Objects.equals(command, e.command()) && java.util.Objects.equals(output, e.output())) {
            return e;
        }
        return new Evidence(e.name(), command, e.exitCode(), output, e.sha256());
    }

    /** Remembers an exact secret value (ignored when shorter than {@link #MIN_REMEMBERED} or already enough known). */
    public void remember(String secret) {
        if (secret == null) {
            return;
        }
        String v = secret.strip();
        if (v.length() >= 2 && (v.charAt(0) == '"' || v.charAt(0) == '\'') && v.charAt(v.length() - 1) == v.charAt(0)) {
            v = v.substring(1, v.length() - 1);
        }
        if (v.length() >= MIN_REMEMBERED && !v.contains(MARK) && known.size() < MAX_REMEMBERED) {
            known.add(v);
            String unescaped = v.replace("&amp;", "&").replace("&lt;", "<").replace("&gt;", ">")
                    .replace("\\\"", "\"").replace("\\\\", "\\");
            if (!unescaped.equals(v) && unescaped.length() >= MIN_REMEMBERED) {
                known.add(unescaped);
            }
        }
    }

    /** The exact values this instance masks (told and remembered). */
    public Set<String> known() {
        return Set.copyOf(known);
    }

    /** Whether {@code name} (a variable, key, header or flag name) names a secret. */
    public static boolean secretName(String name) {
        if (name == null) {
            return false;
        }
        String n = name.replaceAll("^[-\"']+|[\"']+$", "").toLowerCase(Locale.ROOT);
        return SECRET_NAME.matcher(n).find() && !NOT_SECRET_NAME.matcher(n).find();
    }

    /** Cuts {@code s} to {@code max} characters, saying how many were cut. */
    public static String truncate(String s, int max) {
        if (s == null || s.length() <= max) {
            return s;
        }
        return s.substring(0, max) + "… [truncated " + (s.length() - max) + " chars]";
    }

    private String keyed(Pattern p, String s, Function<Matcher, String> name, int valueGroup) {
        Matcher m = p.matcher(s);
        StringBuilder b = null;
        int last = 0;
        while (m.find()) {
            String value = m.group(valueGroup);
            if (!secretName(name.apply(m)) || value.isEmpty() || value.contains(MARK)
                    || (p == FLAG && value.startsWith("-"))) {
                continue;
            }
            if (b == null) {
                b = new StringBuilder(s.length());
            }
            b.append(s, last, m.start(valueGroup)).append(quoted(value) ? value.charAt(0) + MARK + value.charAt(0)
                    : MARK);
            last = m.end(valueGroup);
            if (remembers) {
                remember(value);
            }
        }
        return b == null ? s : b.append(s, last, s.length()).toString();
    }

    private String replace(Pattern p, String s, int valueGroup, boolean remember) {
        Matcher m = p.matcher(s);
        StringBuilder b = null;
        int last = 0;
        while (m.find()) {
            String value = m.group(valueGroup);
            if (value.isEmpty() || value.startsWith("[")) {
                continue;
            }
            if (b == null) {
                b = new StringBuilder(s.length());
            }
            b.append(s, last, m.start(valueGroup)).append(MARK);
            last = m.end(valueGroup);
            if (remember && remembers) {
                remember(value);
            }
        }
        return b == null ? s : b.append(s, last, s.length()).toString();
    }

    private static boolean quoted(String v) {
        return v.length() >= 2 && (v.charAt(0) == '"' || v.charAt(0) == '\'') && v.charAt(v.length() - 1) == v.charAt(0);
    }
}
