package com.maclogin.cutover.notifier.format;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.maclogin.cutover.contracts.Json;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Slack's form of a message: the mrkdwn {@code text} fallback (what notifications and old clients show) and Block Kit
 * {@code blocks} (what the channel shows): the headline, the facts as fields, the reason, the remaining lines, and a
 * context line with the "View cutover" link.
 *
 * <p>Slack reads {@code <...>} as a mention or link and {@code &} as an entity, in {@code text} and in every mrkdwn
 * block alike, so every piece of a message is escaped ({@code & < >}, as Slack asks) before it is put into one: a
 * reason from a lease or a request cannot ping {@code <!channel>}, {@code <!here>} or {@code <@U...>}, nor plant a
 * {@code <http://evil|link>}. The one link of a message is added after escaping, from the configured dashboard URL and
 * an URL-encoded id. Limits are Slack's: a section's text 3000 characters, a field 2000, at most 10 fields.
 */
public final class SlackFormat {

    /** Block Kit's limit of a section's text. */
    static final int MAX_SECTION = 3000;
    /** Block Kit's limit of a field's text. */
    static final int MAX_FIELD = 2000;
    /** Block Kit's limit of fields per section. */
    static final int MAX_FIELDS = 10;
    /** The fallback {@code text}: Slack truncates longer texts itself and advises 4000 at most. */
    static final int MAX_TEXT = 4000;
    /** Body lines starting with these labels are shown as fields and not repeated (templates say Version/Versions). */
    private static final Set<String> ALIASES = Set.of("Version", "Versions");

    private SlackFormat() {
    }

    /** Escapes {@code &}, {@code <} and {@code >} as Slack's mrkdwn wants them: {@code &amp; &lt; &gt;}. */
    public static String escape(String s) {
        if (s == null) {
            return null;
        }
        return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;");
    }

    /** The {@code text} fallback: the whole plain message, escaped, capped. */
    public static String text(ChatMessage m) {
        return Truncation.cap(escape(m.text()), MAX_TEXT);
    }

    /** The Block Kit {@code blocks} JSON array; {@code dashboardBaseUrl} prefixes the message's link. */
    public static String blocks(ChatMessage m, String dashboardBaseUrl) {
        ArrayNode blocks = Json.MAPPER.createArrayNode();
        List<String> lines = m.text() == null ? List.of() : m.text().lines().toList();
        String headline = lines.isEmpty() ? "" : lines.get(0);
        section(blocks).set("text", mrkdwn("*" + Truncation.cap(escape(headline), MAX_SECTION - 2) + "*"));

        List<ChatMessage.Field> fields = m.fields().stream().filter(f -> f.value() != null && !f.value().isBlank())
                .limit(MAX_FIELDS).toList();
        if (!fields.isEmpty()) {
            ArrayNode array = section(blocks).putArray("fields");
            for (ChatMessage.Field f : fields) {
                String label = "*" + escape(f.label()) + "*\n";
                array.add(mrkdwn(label + Truncation.cap(escape(f.value()), MAX_FIELD - label.length())));
            }
        }
        if (m.reason() != null && !m.reason().isBlank()) {
            String label = "*" + escape(m.reasonLabel() == null ? "Reason" : m.reasonLabel()) + "*\n";
            section(blocks).set("text", mrkdwn(label + Truncation.cap(escape(m.reason()), MAX_SECTION - label.length())));
        }
        Set<String> shown = new HashSet<>(ALIASES);
        fields.forEach(f -> shown.add(f.label()));
        if (m.reasonLabel() != null) {
            shown.add(m.reasonLabel());
        }
        String details = lines.stream().skip(1).filter(l -> !shown.contains(label(l))).collect(Collectors.joining("\n"));
        if (!details.isBlank()) {
            section(blocks).set("text", mrkdwn(Truncation.cap(escape(details), MAX_SECTION)));
        }
        if (m.link() != null) {
            String url = stripSlash(dashboardBaseUrl) + m.link().path();
            ArrayNode elements = blocks.addObject().put("type", "context").putArray("elements");
            // the URL is ours (configured base, encoded id); only the shown words are escaped
            elements.add(mrkdwn("<" + escapeUrl(url) + "|" + escape(m.link().label()) + ">  ·  "
                    + escape(m.link().id())));
        }
        return Json.write(blocks);
    }

    /** The label of a template line ({@code Reason: x} → {@code Reason}), or the empty string. */
    private static String label(String line) {
        int colon = line.indexOf(": ");
        return colon < 0 ? "" : line.substring(0, colon);
    }

    private static ObjectNode section(ArrayNode blocks) {
        return blocks.addObject().put("type", "section");
    }

    private static ObjectNode mrkdwn(String text) {
        ObjectNode o = Json.MAPPER.createObjectNode();
        o.put("type", "mrkdwn");
        o.put("text", text);
        return o;
    }

    /** A URL inside {@code <url|label>}: {@code |} and {@code >} would end it early, so they are percent-encoded. */
    private static String escapeUrl(String url) {
        return url.replace("&", "&amp;").replace("<", "%3C").replace(">", "%3E").replace("|", "%7C");
    }

    private static String stripSlash(String base) {
        String b = base == null ? "" : base.strip();
        return b.endsWith("/") ? b.substring(0, b.length() - 1) : b;
    }
}
