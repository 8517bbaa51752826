package dev.vigil.engine.event;

import java.util.List;
import tools.jackson.core.JacksonException;
import tools.jackson.core.JsonParser;
import tools.jackson.core.JsonToken;
import tools.jackson.core.ObjectReadContext;
import tools.jackson.core.StreamReadConstraints;
import tools.jackson.core.TokenStreamLocation;
import tools.jackson.core.json.JsonFactory;

/**
 * JSON → {@link Event} flattening with hard limits, so hostile input costs bounded time and memory and fails with a
 * clear message: nesting depth, string length (a single value), record size, number of field values.
 */
final class JsonEvents {
    static final int MAX_DEPTH = 64;
    static final int MAX_STRING = 32 * 1024 * 1024;
    static final int MAX_FIELDS = 100_000;
    static final int MAX_NAME = 4096;

    static final JsonFactory FACTORY = JsonFactory.builder()
            .streamReadConstraints(StreamReadConstraints.builder()
                    .maxNestingDepth(MAX_DEPTH + 2)
                    .maxStringLength(MAX_STRING)
                    .maxNameLength(MAX_NAME)
                    .maxNumberLength(1000)
                    .build())
            .build();

    private JsonEvents() {}

    static Event parseSingle(String json) {
        try (JsonParser p = FACTORY.createParser(ObjectReadContext.empty(), json)) {
            return single(p, 1);
        } catch (JacksonException e) {
            throw wrap(e, 1);
        }
    }

    static Event parseSingle(byte[] b, int off, int len) {
        try (JsonParser p = FACTORY.createParser(ObjectReadContext.empty(), b, off, len)) {
            return single(p, 1);
        } catch (JacksonException e) {
            throw wrap(e, 1);
        }
    }

    private static Event single(JsonParser p, long line) {
        JsonToken t = p.nextToken();
        if (t != JsonToken.START_OBJECT) {
            throw new EventParseException("expected a JSON object, found " + describe(t), line, -1, null);
        }
        Event e = readObject(p);
        JsonToken after = p.nextToken();
        if (after != null) {
            throw new EventParseException("unexpected " + describe(after) + " after the JSON object", line, -1, null);
        }
        return e;
    }

    /**
     * Parses a record that is one object or an array of objects into events (appended to {@code out}). {@code line}
     * is the record's first line, added to parser-relative line numbers in errors.
     */
    static void parseRecord(byte[] b, int off, int len, long line, List<Event> out) {
        try (JsonParser p = FACTORY.createParser(ObjectReadContext.empty(), b, off, len)) {
            JsonToken t = p.nextToken();
            if (t == JsonToken.START_OBJECT) {
                out.add(readObject(p));
            } else if (t == JsonToken.START_ARRAY) {
                while ((t = p.nextToken()) != JsonToken.END_ARRAY) {
                    if (t != JsonToken.START_OBJECT) {
                        throw new EventParseException(
                                "array element is " + describe(t) + ", not a JSON object",
                                line + lineOf(p) - 1,
                                -1,
                                null);
                    }
                    out.add(readObject(p));
                }
            } else {
                throw new EventParseException("expected a JSON object, found " + describe(t), line, -1, null);
            }
            JsonToken after = p.nextToken();
            if (after != null) {
                throw new EventParseException(
                        "unexpected " + describe(after) + " after the JSON value", line + lineOf(p) - 1, -1, null);
            }
        } catch (JacksonException e) {
            throw wrap(e, line);
        }
    }

    private static long lineOf(JsonParser p) {
        TokenStreamLocation l = p.currentTokenLocation();
        return l == null ? 1 : Math.max(1, l.getLineNr());
    }

    private static String describe(JsonToken t) {
        if (t == null) return "end of input";
        return switch (t) {
            case START_ARRAY -> "an array";
            case START_OBJECT -> "an object";
            case VALUE_STRING -> "a string";
            case VALUE_NUMBER_INT, VALUE_NUMBER_FLOAT -> "a number";
            case VALUE_TRUE, VALUE_FALSE -> "a boolean";
            case VALUE_NULL -> "null";
            default -> t.toString();
        };
    }

    static EventParseException wrap(JacksonException e, long baseLine) {
        TokenStreamLocation loc = e.getLocation();
        long line = baseLine;
        long col = -1;
        if (loc != null && loc.getLineNr() > 0) {
            line = baseLine + loc.getLineNr() - 1;
            col = loc.getColumnNr();
        }
        String msg = e.getOriginalMessage();
        if (msg == null) msg = e.getClass().getSimpleName();
        int nl = msg.indexOf('\n');
        if (nl > 0) msg = msg.substring(0, nl);
        if (msg.length() > 300) msg = msg.substring(0, 300) + "…";
        return new EventParseException("malformed JSON: " + msg, line, col, e);
    }

    /** Reads the object whose START_OBJECT was just consumed. */
    static Event readObject(JsonParser p) {
        String[] last = LAST_NAMES.get();
        Event.Builder b = new Event.Builder(32, last);
        readFields(p, b, null, 1);
        Event e = b.build();
        if (e.shape() != last) LAST_NAMES.set(e.shape());
        return e;
    }

    /**
     * Per thread, the names of the last object read: the next object with the same names shares the array (see
     * {@code Event.Builder}). Only a reference to an immutable array is kept.
     */
    private static final ThreadLocal<String[]> LAST_NAMES = new ThreadLocal<>();

    private static void readFields(JsonParser p, Event.Builder b, String prefix, int depth) {
        if (depth > MAX_DEPTH) throw new EventParseException("nesting deeper than " + MAX_DEPTH + " levels");
        String name;
        while ((name = p.nextName()) != null) {
            String full = prefix == null ? name : prefix + "." + name;
            readValue(p, p.nextToken(), b, full, depth);
        }
    }

    private static void readValue(JsonParser p, JsonToken t, Event.Builder b, String name, int depth) {
        switch (t) {
            case VALUE_STRING -> b.add(name, p.getString());
            case VALUE_NUMBER_INT -> {
                JsonParser.NumberType nt = p.getNumberType();
                b.add(
                        name,
                        nt == JsonParser.NumberType.BIG_INTEGER ? p.getBigIntegerValue() : (Object) p.getLongValue());
            }
            case VALUE_NUMBER_FLOAT -> b.add(name, p.getDoubleValue());
            case VALUE_TRUE -> b.add(name, Boolean.TRUE);
            case VALUE_FALSE -> b.add(name, Boolean.FALSE);
            case VALUE_NULL -> b.add(name, Event.NULL);
            case START_OBJECT -> readFields(p, b, name, depth + 1);
            case START_ARRAY -> {
                if (depth + 1 > MAX_DEPTH) {
                    throw new EventParseException("nesting deeper than " + MAX_DEPTH + " levels");
                }
                JsonToken e;
                while ((e = p.nextToken()) != JsonToken.END_ARRAY) readValue(p, e, b, name, depth + 1);
            }
            default -> throw new EventParseException("unexpected JSON token " + t);
        }
    }
}
