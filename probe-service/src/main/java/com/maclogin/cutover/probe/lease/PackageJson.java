package com.maclogin.cutover.probe.lease;

import com.fasterxml.jackson.databind.JsonNode;
import com.maclogin.cutover.contracts.Json;
import java.util.Optional;

/** {@code version} and {@code engines.node} of an installed package's {@code package.json}. */
public record PackageJson(String version, String enginesNode) {

    public static Optional<PackageJson> parse(String content) {
        if (content == null || content.isBlank()) {
            return Optional.empty();
        }
        try {
            JsonNode node = Json.MAPPER.readTree(content);
            String version = node.path("version").isTextual() ? node.path("version").asText() : null;
            JsonNode engines = node.path("engines").path("node");
            return Optional.of(new PackageJson(version, engines.isTextual() ? engines.asText() : null));
        } catch (Exception e) {
            return Optional.empty();
        }
    }
}
