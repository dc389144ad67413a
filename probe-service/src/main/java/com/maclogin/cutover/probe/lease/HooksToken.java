package com.maclogin.cutover.probe.lease;

import com.fasterxml.jackson.core.json.JsonReadFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.util.Optional;

/**
 * {@code hooks.token} from the content of {@code ~/.openclaw/openclaw.json} (JSON5 is accepted: comments, trailing
 * commas, unquoted names, single quotes). The content is parsed in memory and dropped; the token is returned only
 * when it is a single-line printable value (it goes into an HTTP header) and hooks are not disabled.
 */
public final class HooksToken {

    /** Read on the lease; the worker runs it without recording its output. */
    public static final String READ_SCRIPT = "cat \"$HOME\"/.openclaw/openclaw.json";

    private static final ObjectMapper JSON5 = JsonMapper.builder()
            .enable(JsonReadFeature.ALLOW_JAVA_COMMENTS, JsonReadFeature.ALLOW_TRAILING_COMMA,
                    JsonReadFeature.ALLOW_UNQUOTED_FIELD_NAMES, JsonReadFeature.ALLOW_SINGLE_QUOTES)
            .build();

    private HooksToken() {
    }

    public static Optional<String> parse(String configContent) {
        if (configContent == null || configContent.isBlank()) {
            return Optional.empty();
        }
        try {
            JsonNode hooks = JSON5.readTree(configContent).path("hooks");
            if (hooks.path("enabled").isBoolean() && !hooks.path("enabled").asBoolean()) {
                return Optional.empty();
            }
            JsonNode token = hooks.path("token");
            if (!token.isTextual() || !token.asText().matches("[\\x21-\\x7e]{1,4096}")) {
                return Optional.empty();
            }
            return Optional.of(token.asText());
        } catch (Exception e) {
            return Optional.empty();
        }
    }
}
