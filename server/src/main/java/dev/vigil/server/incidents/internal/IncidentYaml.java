package dev.vigil.server.incidents.internal;

import tools.jackson.core.JacksonException;
import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.PropertyNamingStrategies;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.dataformat.yaml.YAMLMapper;
import tools.jackson.dataformat.yaml.YAMLWriteFeature;

/**
 * The mappers for the incident module's documents (triage rules, playbooks, obligation templates): YAML for people
 * and JSON in {@code jsonb} columns, both with kebab-case keys ({@code min-level}, {@code group-by}), unknown keys
 * refused so that a typo is an error rather than a silently ignored condition.
 */
final class IncidentYaml {
    static final YAMLMapper YAML = YAMLMapper.builder()
            .propertyNamingStrategy(PropertyNamingStrategies.KEBAB_CASE)
            .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .disable(YAMLWriteFeature.WRITE_DOC_START_MARKER)
            .enable(YAMLWriteFeature.MINIMIZE_QUOTES)
            .build();
    static final JsonMapper JSON = JsonMapper.builder()
            .propertyNamingStrategy(PropertyNamingStrategies.KEBAB_CASE)
            .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .build();

    private IncidentYaml() {}

    /** Reads a YAML document; syntax and mapping errors become IllegalArgumentException with the location. */
    static <T> T read(String yaml, Class<T> type, String what) {
        if (yaml == null || yaml.isBlank()) {
            throw new IllegalArgumentException(what + ": empty document");
        }
        if (yaml.length() > 1_000_000) {
            throw new IllegalArgumentException(what + ": document larger than 1 MB");
        }
        try {
            T value = YAML.readValue(yaml, type);
            if (value == null) {
                throw new IllegalArgumentException(what + ": empty document");
            }
            return value;
        } catch (JacksonException e) {
            throw new IllegalArgumentException(what + ": " + e.getOriginalMessage() + location(e));
        }
    }

    private static String location(JacksonException e) {
        String path = e.getPathReference();
        var loc = e.getLocation();
        StringBuilder sb = new StringBuilder();
        if (loc != null && loc.getLineNr() > 0) {
            sb.append(" (line ").append(loc.getLineNr()).append(")");
        }
        if (path != null && !path.isBlank()) {
            sb.append(" at ").append(path);
        }
        return sb.toString();
    }

    static String write(Object value) {
        return YAML.writeValueAsString(value);
    }

    static String json(Object value) {
        return JSON.writeValueAsString(value);
    }

    static <T> T fromJson(String json, Class<T> type) {
        return JSON.readValue(json, type);
    }
}
