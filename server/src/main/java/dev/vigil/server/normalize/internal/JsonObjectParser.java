package dev.vigil.server.normalize.internal;

import dev.vigil.server.normalize.LogParser;
import dev.vigil.server.normalize.ParseException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import tools.jackson.core.JacksonException;
import tools.jackson.core.JsonParser;
import tools.jackson.core.JsonToken;
import tools.jackson.core.StreamReadConstraints;
import tools.jackson.core.json.JsonFactory;

/**
 * One JSON object per record (NDJSON line, {@code _bulk} document). Streams tokens into plain maps and lists
 * (no databind), keeps integers as Long (BigInteger beyond), floats as Double. Nesting depth and string length are
 * capped by Jackson's read constraints, so hostile input fails with a reason instead of a stack overflow.
 */
public final class JsonObjectParser implements LogParser {
    private static final int MAX_DEPTH = 64;
    private final JsonFactory factory;

    public JsonObjectParser() {
        this.factory = JsonFactory.builder()
                .streamReadConstraints(StreamReadConstraints.builder()
                        .maxNestingDepth(MAX_DEPTH)
                        .maxNumberLength(1000)
                        .build())
                .build();
    }

    @Override
    public Map<String, Object> parse(String text, Instant receivedAt) throws ParseException {
        try (JsonParser p = factory.createParser(tools.jackson.core.ObjectReadContext.empty(), text)) {
            JsonToken t = p.nextToken();
            if (t != JsonToken.START_OBJECT) {
                throw new ParseException(
                        t == null ? "empty JSON line" : "JSON line is not an object (found " + describe(t) + ")");
            }
            Map<String, Object> result = readObject(p);
            if (p.nextToken() != null) {
                throw new ParseException("trailing data after the JSON object at column "
                        + p.currentLocation().getColumnNr());
            }
            return result;
        } catch (JacksonException e) {
            throw new ParseException("invalid JSON: " + e.getOriginalMessage() + locate(e));
        }
    }

    private static String locate(JacksonException e) {
        var loc = e.getLocation();
        return loc == null ? "" : " at column " + loc.getColumnNr();
    }

    private static String describe(JsonToken t) {
        return switch (t) {
            case START_ARRAY -> "an array";
            case VALUE_STRING -> "a string";
            case VALUE_NUMBER_INT, VALUE_NUMBER_FLOAT -> "a number";
            case VALUE_TRUE, VALUE_FALSE -> "a boolean";
            case VALUE_NULL -> "null";
            default -> t.name();
        };
    }

    static Map<String, Object> readObject(JsonParser p) {
        Map<String, Object> map = new LinkedHashMap<>();
        for (JsonToken t = p.nextToken(); t != JsonToken.END_OBJECT; t = p.nextToken()) {
            String name = p.currentName();
            p.nextToken();
            map.put(name, readValue(p));
        }
        return map;
    }

    static Object readValue(JsonParser p) {
        return switch (p.currentToken()) {
            case START_OBJECT -> readObject(p);
            case START_ARRAY -> {
                List<Object> list = new ArrayList<>();
                while (p.nextToken() != JsonToken.END_ARRAY) {
                    list.add(readValue(p));
                }
                yield list;
            }
            case VALUE_STRING -> p.getString();
            case VALUE_NUMBER_INT ->
                p.getNumberType() == JsonParser.NumberType.BIG_INTEGER
                        ? p.getBigIntegerValue()
                        : (Object) p.getLongValue();
            case VALUE_NUMBER_FLOAT -> p.getDoubleValue();
            case VALUE_TRUE -> Boolean.TRUE;
            case VALUE_FALSE -> Boolean.FALSE;
            case VALUE_NULL -> null;
            default -> throw new IllegalStateException("unexpected JSON token " + p.currentToken());
        };
    }
}
