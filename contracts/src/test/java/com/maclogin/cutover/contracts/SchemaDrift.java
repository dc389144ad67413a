package com.maclogin.cutover.contracts;

import com.fasterxml.jackson.annotation.JsonSubTypes;
import com.fasterxml.jackson.databind.JsonNode;
import java.lang.reflect.Constructor;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.RecordComponent;
import java.lang.reflect.Type;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * Compares Java records with the schemas of an AsyncAPI document, starting from some root records and following
 * every component to the records, enums and sealed families it refers to. Reports, as sentences: a missing schema, a
 * record component the schema lacks, a schema property the record lacks, a property whose type is not the
 * component's ({@code string}, {@code integer}, {@code number}, {@code boolean}, {@code string/date-time},
 * {@code array} with its items, {@code object} with its {@code additionalProperties}, {@code $ref} to an enum, record
 * or family schema), an enum whose values differ, and a sealed family whose {@code oneOf}, {@code discriminator} or
 * per-subtype {@code kind} constant differs from its Jackson subtypes.
 */
final class SchemaDrift {

    /** The discriminator of every sealed family on the wire ({@link StepCommand}, {@link StepReport}). */
    static final String DISCRIMINATOR = "kind";

    private final JsonNode schemas;
    private final List<String> problems = new ArrayList<>();
    private final Set<String> visited = new LinkedHashSet<>();

    private SchemaDrift(JsonNode doc) {
        this.schemas = doc.at("/components/schemas");
    }

    /** Every disagreement between {@code doc} and the types reachable from {@code roots}; empty when none. */
    static List<String> problems(JsonNode doc, List<Class<?>> roots) {
        SchemaDrift d = new SchemaDrift(doc);
        roots.forEach(d::visit);
        return d.problems;
    }

    /** The schemas the types reachable from {@code roots} are checked against. */
    static Set<String> reachableSchemas(JsonNode doc, List<Class<?>> roots) {
        SchemaDrift d = new SchemaDrift(doc);
        roots.forEach(d::visit);
        return d.visited;
    }

    /**
     * The schema name of a type: its simple name; a member of a sealed family gets the family's name without
     * {@code Step} appended ({@code StepCommand.Freeze} is {@code FreezeCommand}, {@code StepReport.Restore} is
     * {@code RestoreReport}).
     */
    static String schemaName(Class<?> type) {
        Class<?> outer = type.getEnclosingClass();
        if (outer != null && outer.isSealed() && outer.isInterface()) {
            return type.getSimpleName() + outer.getSimpleName().replaceFirst("^Step", "");
        }
        return type.getSimpleName();
    }

    private void visit(Class<?> type) {
        String name = schemaName(type);
        if (!visited.add(name)) {
            return;
        }
        JsonNode schema = schemas.path(name);
        if (schema.isMissingNode()) {
            problems.add(name + ": no schema for " + type.getName());
            return;
        }
        if (type.isEnum()) {
            checkEnum(name, type, schema);
        } else if (type.isInterface() && type.isSealed()) {
            checkFamily(name, type, schema);
        } else if (type.isRecord()) {
            checkRecord(name, type, schema);
        } else {
            problems.add(name + ": " + type.getName() + " is neither a record, an enum nor a sealed family");
        }
    }

    private void checkEnum(String name, Class<?> type, JsonNode schema) {
        List<String> documented = new ArrayList<>();
        schema.path("enum").forEach(n -> documented.add(n.asText()));
        List<String> actual = Arrays.stream(type.getEnumConstants()).map(e -> ((Enum<?>) e).name()).toList();
        if (!"string".equals(schema.path("type").asText()) || !documented.equals(actual)) {
            problems.add(name + ": enum values " + documented + " in the schema, " + actual + " in the code");
        }
    }

    private void checkFamily(String name, Class<?> family, JsonNode schema) {
        Map<String, Class<?>> byTypeName = typeNames(family);
        Set<String> expected = new TreeSet<>();
        for (Class<?> sub : family.getPermittedSubclasses()) {
            expected.add(schemaName(sub));
            if (!byTypeName.containsValue(sub)) {
                problems.add(name + ": " + sub.getSimpleName() + " is permitted but not a @JsonSubTypes entry");
            }
        }
        Set<String> documented = new TreeSet<>();
        schema.path("oneOf").forEach(n -> documented.add(refName(n)));
        if (!documented.equals(expected)) {
            problems.add(name + ": oneOf " + documented + " in the schema, subtypes " + expected + " in the code");
        }
        if (!DISCRIMINATOR.equals(schema.path("discriminator").asText())) {
            problems.add(name + ": discriminator must be '" + DISCRIMINATOR + "'");
        }
        for (Class<?> sub : family.getPermittedSubclasses()) {
            visit(sub);
        }
    }

    private void checkRecord(String name, Class<?> type, JsonNode schema) {
        JsonNode properties = schema.path("properties");
        if (!properties.isObject()) {
            problems.add(name + ": schema has no properties");
            return;
        }
        Map<String, RecordComponent> components = new LinkedHashMap<>();
        for (RecordComponent c : type.getRecordComponents()) {
            components.put(c.getName(), c);
        }
        String typeId = familyTypeName(type);
        Set<String> documented = new LinkedHashSet<>();
        properties.fieldNames().forEachRemaining(documented::add);
        for (String p : documented) {
            if (typeId != null && p.equals(DISCRIMINATOR)) {
                continue;
            }
            if (!components.containsKey(p)) {
                problems.add(name + "." + p + ": documented, but " + type.getSimpleName() + " has no such component");
            }
        }
        for (RecordComponent c : components.values()) {
            if (!documented.contains(c.getName())) {
                problems.add(name + "." + c.getName() + ": component of " + type.getSimpleName()
                        + " is not documented");
            } else {
                checkType(name + "." + c.getName(), c.getGenericType(), properties.get(c.getName()));
            }
        }
        if (typeId != null) {
            checkTypeId(name, type, typeId, properties.path(DISCRIMINATOR));
        }
        schema.path("required").forEach(r -> {
            if (!documented.contains(r.asText())) {
                problems.add(name + ": required '" + r.asText() + "' is not a property");
            }
        });
    }

    /** A family member's {@code kind}: a string constant equal to its Jackson type name and to its {@code kind()}. */
    private void checkTypeId(String name, Class<?> type, String typeId, JsonNode kind) {
        if (kind.isMissingNode()) {
            problems.add(name + "." + DISCRIMINATOR + ": the discriminator is not documented");
            return;
        }
        if (!"string".equals(kind.path("type").asText()) || !typeId.equals(kind.path("const").asText())) {
            problems.add(name + "." + DISCRIMINATOR + ": expected {type: string, const: " + typeId + "}, schema says "
                    + kind);
        }
        Object instance = emptyInstance(type);
        if (instance instanceof StepCommand c && !c.kind().name().equals(typeId)) {
            problems.add(name + ": kind() is " + c.kind() + " but the type name is " + typeId);
        }
        if (instance instanceof StepReport r && !r.kind().name().equals(typeId)) {
            problems.add(name + ": kind() is " + r.kind() + " but the type name is " + typeId);
        }
    }

    private void checkType(String where, Type javaType, JsonNode schema) {
        String expected = expectedType(javaType);
        if (schema.has("$ref")) {
            String ref = refName(schema);
            if (!(javaType instanceof Class<?> c) || !(c.isRecord() || c.isEnum() || (c.isInterface() && c.isSealed()))) {
                problems.add(where + ": expected " + expected + " but schema says $ref " + ref);
            } else if (!schemaName(c).equals(ref)) {
                problems.add(where + ": expected $ref " + schemaName(c) + " but schema says $ref " + ref);
            } else {
                visit(c);
            }
            return;
        }
        String type = schema.path("type").asText("");
        String format = schema.path("format").asText("");
        if (javaType instanceof ParameterizedType p && p.getRawType() instanceof Class<?> raw) {
            Type[] args = p.getActualTypeArguments();
            if (Collection.class.isAssignableFrom(raw)) {
                if (!type.equals("array")) {
                    problems.add(where + ": expected array but schema says " + describe(schema));
                } else {
                    checkType(where + "[]", args[0], schema.path("items"));
                }
                return;
            }
            if (Map.class.isAssignableFrom(raw)) {
                if (!type.equals("object") || !schema.has("additionalProperties")) {
                    problems.add(where + ": expected object with additionalProperties but schema says "
                            + describe(schema));
                } else if (!(args[0] == String.class || (args[0] instanceof Class<?> k && k.isEnum()))) {
                    problems.add(where + ": map keys must be strings or enum values, not " + args[0].getTypeName());
                } else {
                    checkType(where + "{}", args[1], schema.get("additionalProperties"));
                }
                return;
            }
        }
        String actual = format.isEmpty() ? type : type + "/" + format;
        if (!expected.equals(actual)) {
            problems.add(where + ": expected " + expected + " but schema says " + describe(schema));
        }
    }

    /** The schema type a Java type maps to; records, enums and families must be {@code $ref}s. */
    private static String expectedType(Type t) {
        if (t == String.class) {
            return "string";
        }
        if (t == Instant.class) {
            return "string/date-time";
        }
        if (t == int.class || t == Integer.class || t == long.class || t == Long.class || t == short.class
                || t == Short.class) {
            return "integer";
        }
        if (t == double.class || t == Double.class || t == float.class || t == Float.class) {
            return "number";
        }
        if (t == boolean.class || t == Boolean.class) {
            return "boolean";
        }
        if (t instanceof Class<?> c && (c.isRecord() || c.isEnum() || c.isInterface())) {
            return "$ref " + schemaName(c);
        }
        if (t instanceof ParameterizedType p && p.getRawType() instanceof Class<?> raw) {
            return Collection.class.isAssignableFrom(raw) ? "array" : Map.class.isAssignableFrom(raw) ? "object"
                    : "unsupported " + t.getTypeName();
        }
        return "unsupported " + t.getTypeName();
    }

    private static String describe(JsonNode schema) {
        return schema == null || schema.isMissingNode() ? "nothing" : schema.toString();
    }

    private static String refName(JsonNode schema) {
        String ref = schema.path("$ref").asText("");
        return ref.substring(ref.lastIndexOf('/') + 1);
    }

    /** Jackson type name by subtype, from the family's {@link JsonSubTypes}. */
    private static Map<String, Class<?>> typeNames(Class<?> family) {
        Map<String, Class<?>> m = new LinkedHashMap<>();
        JsonSubTypes subs = family.getAnnotation(JsonSubTypes.class);
        if (subs != null) {
            for (JsonSubTypes.Type t : subs.value()) {
                m.put(t.name(), t.value());
            }
        }
        return m;
    }

    /** The Jackson type name of a member of a sealed family, or null for a record outside one. */
    private static String familyTypeName(Class<?> type) {
        for (Class<?> i : type.getInterfaces()) {
            if (i.isSealed()) {
                for (Map.Entry<String, Class<?>> e : typeNames(i).entrySet()) {
                    if (e.getValue() == type) {
                        return e.getKey();
                    }
                }
                return "(no @JsonSubTypes name)";
            }
        }
        return null;
    }

    /** A record built with null / zero components, to ask it its {@code kind()}. */
    private static Object emptyInstance(Class<?> type) {
        try {
            Class<?>[] types = Arrays.stream(type.getRecordComponents()).map(RecordComponent::getType)
                    .toArray(Class<?>[]::new);
            Constructor<?> c = type.getDeclaredConstructor(types);
            c.setAccessible(true);
            Object[] args = Arrays.stream(types).map(SchemaDrift::zero).toArray();
            return c.newInstance(args);
        } catch (ReflectiveOperationException | RuntimeException e) {
            return null;
        }
    }

    private static Object zero(Class<?> t) {
        if (!t.isPrimitive()) {
            return null;
        }
        if (t == boolean.class) {
            return false;
        }
        if (t == double.class) {
            return 0.0;
        }
        if (t == float.class) {
            return 0.0f;
        }
        if (t == long.class) {
            return 0L;
        }
        return t == char.class ? (Object) '\0' : (Object) 0;
    }
}
