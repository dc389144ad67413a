package com.maclogin.cutover.orchestrator.service;

import com.fasterxml.jackson.core.type.TypeReference;
import com.maclogin.cutover.contracts.Evidence;
import com.maclogin.cutover.contracts.Json;
import com.maclogin.cutover.orchestrator.Cutover;
import com.maclogin.cutover.orchestrator.CutoverStep;
import com.maclogin.cutover.orchestrator.ValidationSettings;
import com.maclogin.cutover.orchestrator.api.Operator;
import com.maclogin.cutover.orchestrator.saga.ValidationPolicy;
import java.util.List;
import java.util.Map;

/** Reads the JSON columns of cutovers and steps back into values (unreadable facts or evidence read as empty). */
final class StoredJson {

    private static final TypeReference<Map<String, String>> FACTS = new TypeReference<>() {
    };
    private static final TypeReference<List<Evidence>> EVIDENCE = new TypeReference<>() {
    };
    private static final TypeReference<List<Operator>> OPERATORS = new TypeReference<>() {
    };

    private StoredJson() {
    }

    private static final TypeReference<List<ValidationPolicy.AppliedOverride>> OVERRIDES = new TypeReference<>() {
    };

    /** The loosenings a cutover waits to have approved ({@code cutover.overrides_pending}). */
    static List<ValidationPolicy.AppliedOverride> overrides(String json) {
        try {
            return Json.MAPPER.readValue(json, OVERRIDES);
        } catch (java.io.IOException e) {
            throw new IllegalStateException("stored overrides are not readable: " + e.getMessage(), e);
        }
    }

    static List<Operator> operators(Cutover c) {
        try {
            return Json.MAPPER.readValue(c.operators, OPERATORS);
        } catch (Exception e) {
            throw new IllegalStateException("stored operators of cutover " + c.id + " unreadable", e);
        }
    }

    /** The cutover's stored validation settings, or the configuration defaults for a cutover without any. */
    static ValidationSettings settings(Cutover c, ValidationPolicy.Defaults defaults) {
        if (c.validationPlan != null) {
            return Json.read(c.validationPlan, ValidationSettings.class);
        }
        return ValidationPolicy.defaults(defaults);
    }

    static Map<String, String> facts(CutoverStep s) {
        return map(s.facts);
    }

    static Map<String, String> map(String json) {
        try {
            return Json.MAPPER.readValue(json, FACTS);
        } catch (Exception e) {
            return Map.of();
        }
    }

    /** A lease's labels ({@code {}} when none or unreadable). */
    static Map<String, String> labels(String json) {
        return json == null ? Map.of() : map(json);
    }

    static List<Evidence> evidence(CutoverStep s) {
        try {
            return Json.MAPPER.readValue(s.evidence, EVIDENCE);
        } catch (Exception e) {
            return List.of();
        }
    }
}
