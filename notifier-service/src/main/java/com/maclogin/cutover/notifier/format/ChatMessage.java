package com.maclogin.cutover.notifier.format;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.function.UnaryOperator;

/**
 * One message before it is formatted for a channel: the plain text (the same words on every channel, from
 * {@code NotificationTexts} / {@code FleetTexts}), and the facts Slack shows as Block Kit fields. Everything here is
 * unescaped: text from leases and requests is escaped per channel by {@link SlackFormat}, never earlier.
 *
 * @param text        the plain message; its first line is the headline
 * @param fields      the at-a-glance facts (region, versions, lease, rollback owner, ...), in order
 * @param reasonLabel {@code Reason}, {@code Breach}, ...; the label of the reason's line in {@code text}
 * @param reason      the reason, or {@code null}
 * @param link        the dashboard page this message is about, or {@code null}
 * @param broadcast   whether a reply is also shown in the channel (incidents, rollbacks, outcomes)
 */
public record ChatMessage(String text, List<Field> fields, String reasonLabel, String reason, Link link,
                          boolean broadcast) {

    public ChatMessage {
        fields = fields == null ? List.of() : List.copyOf(fields);
    }

    /** A fact shown as a Block Kit field; a line of the plain text starting with {@code label:} is not repeated. */
    public record Field(String label, String value) {
    }

    /**
     * A dashboard page: {@code <notifier.dashboard-base-url><path>}.
     *
     * @param label the link's words, e.g. {@code View cutover}
     * @param path  {@code /cutovers/<id>} or {@code /fleet-cutovers/<id>}, the id URL-encoded
     * @param id    the id shown next to the link
     */
    public record Link(String label, String path, String id) {
    }

    /** The same message with {@code f} applied to every text that may come from a lease or request (masking). */
    public ChatMessage map(UnaryOperator<String> f) {
        return new ChatMessage(f.apply(text),
                fields.stream().map(x -> new Field(x.label(), x.value() == null ? null : f.apply(x.value()))).toList(),
                reasonLabel, reason == null ? null : f.apply(reason), link, broadcast);
    }

    /** {@code /<collection>/<id>} with the id URL-encoded (an id cannot add a path, a query or a Slack link end). */
    public static String path(String collection, String id) {
        return "/" + collection + "/" + URLEncoder.encode(id == null ? "" : id, StandardCharsets.UTF_8).replace("+", "%20");
    }
}
