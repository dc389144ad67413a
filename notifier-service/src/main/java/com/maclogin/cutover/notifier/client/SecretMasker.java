package com.maclogin.cutover.notifier.client;

import com.maclogin.cutover.contracts.Redaction;
import com.maclogin.cutover.notifier.config.NotifierConfig;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * Removes secrets from any text that may reach a chat, a log, the database or an API response: the configured bot
 * tokens, then everything contracts' {@link Redaction} knows (token shapes, {@code Authorization:} headers,
 * {@code name=value}, plist and launchd environment blocks, ...). Defence in depth: reasons from workers and
 * rollback-service are redacted where they are made, this is the last pass before a chat post.
 */
@ApplicationScoped
public class SecretMasker {

    public static final String MASK = Redaction.MARK;
    /** Anything shaped like a Slack token or a Telegram bot token, configured or not (also shorter than Redaction's). */
    private static final Pattern TOKEN_SHAPES = Pattern.compile("xox[abposre]-[A-Za-z0-9-]+|\\d{5,}:[A-Za-z0-9_-]{20,}");

    private final List<String> secrets = new ArrayList<>();

    public SecretMasker(NotifierConfig config) {
        config.slack().token().filter(t -> !t.isBlank()).ifPresent(secrets::add);
        config.telegram().token().filter(t -> !t.isBlank()).ifPresent(secrets::add);
    }

    public String mask(String text) {
        if (text == null) {
            return null;
        }
        String out = text;
        for (String s : secrets) {
            out = out.replace(s, MASK);
        }
        return Redaction.redact(TOKEN_SHAPES.matcher(out).replaceAll(MASK));
    }

    /** A short, masked description of an exception for logs and {@code last_error}. */
    public String describe(Throwable e) {
        StringBuilder sb = new StringBuilder();
        Throwable t = e;
        for (int depth = 0; t != null && depth < 3; depth++, t = t.getCause()) {
            if (depth > 0) {
                sb.append(" <- ");
            }
            sb.append(t.getClass().getSimpleName());
            if (t.getMessage() != null) {
                sb.append(": ").append(t.getMessage());
            }
        }
        String masked = mask(sb.toString());
        return masked.length() > 900 ? masked.substring(0, 900) : masked;
    }
}
