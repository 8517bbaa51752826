package dev.vigil.server.cli;

import dev.vigil.engine.Detection;
import dev.vigil.engine.event.Event;
import java.io.PrintWriter;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.time.Instant;
import java.util.Map;
import java.util.UUID;
import tools.jackson.core.JsonGenerator;
import tools.jackson.core.ObjectWriteContext;
import tools.jackson.core.json.JsonFactory;

/**
 * Output formats of {@code vigil scan}: {@code jsonl} (one JSON object per detection: {@code rule_id}, {@code
 * rule_title}, {@code level}, {@code status}, {@code tags}, {@code timestamp}, {@code source}, {@code line}, {@code
 * fields}, {@code exercise}, and {@code event} with {@code --with-event}), {@code csv} (RFC 4180, header line) and
 * {@code table} (aligned text for people). {@code exercise} is the exercise a detection belongs to (its event's
 * {@code vigil.exercise} mark; for a correlation firing its partition), null for production; the table prefixes such
 * rules with {@code [EXERCISE]}. Log-derived text is escaped for terminals in csv/table; JSON escapes it itself.
 */
abstract class DetectionWriter {
    final PrintWriter out;

    DetectionWriter(PrintWriter out) {
        this.out = out;
    }

    static DetectionWriter of(String format, PrintWriter out, boolean withEvent) {
        return switch (format) {
            case "jsonl", "json", "ndjson" -> new Jsonl(out, withEvent);
            case "csv" -> new Csv(out);
            case "table" -> new Table(out);
            default -> throw new IllegalArgumentException("unknown format '" + format + "' (table, csv, jsonl)");
        };
    }

    void begin() {}

    /** One detection; {@code exercise} is the exercise it belongs to, or null for production. */
    abstract void write(Detection d, String source, long line, UUID exercise);

    void end() {
        out.flush();
    }

    static String timestamp(Detection d) {
        Instant t = d.timestamp();
        return t == null ? null : t.toString();
    }

    static String fieldsText(Map<String, Object> fields) {
        StringBuilder b = new StringBuilder();
        for (Map.Entry<String, Object> e : fields.entrySet()) {
            if (!b.isEmpty()) b.append("; ");
            b.append(e.getKey()).append('=').append(e.getValue());
        }
        return b.toString();
    }

    static final class Jsonl extends DetectionWriter {
        private final JsonFactory json = JsonFactory.builder().build();
        private final boolean withEvent;

        Jsonl(PrintWriter out, boolean withEvent) {
            super(out);
            this.withEvent = withEvent;
        }

        @Override
        void write(Detection d, String source, long line, UUID exercise) {
            java.io.StringWriter w = new java.io.StringWriter(256);
            try (JsonGenerator g = json.createGenerator(ObjectWriteContext.empty(), w)) {
                g.writeStartObject();
                g.writeStringProperty("rule_id", d.ruleId());
                g.writeStringProperty("rule_title", d.ruleTitle());
                g.writeStringProperty("level", d.level());
                g.writeStringProperty("status", d.status());
                g.writeArrayPropertyStart("tags");
                for (String t : d.tags()) g.writeString(t);
                g.writeEndArray();
                g.writeStringProperty("timestamp", timestamp(d));
                g.writeStringProperty("source", source);
                g.writeNumberProperty("line", line);
                g.writeObjectPropertyStart("fields");
                for (Map.Entry<String, Object> e : d.matchedFields().entrySet()) {
                    g.writeName(e.getKey());
                    value(g, e.getValue());
                }
                g.writeEndObject();
                g.writeStringProperty("exercise", exercise == null ? null : exercise.toString());
                if (withEvent) {
                    g.writeName("event");
                    d.event().writeJson(g);
                }
                g.writeEndObject();
            }
            out.println(w);
        }

        private static void value(JsonGenerator g, Object v) {
            switch (v) {
                case null -> g.writeNull();
                case String s -> g.writeString(s);
                case Long l -> g.writeNumber(l);
                case Double x -> g.writeNumber(x);
                case BigInteger b -> g.writeNumber(b);
                case BigDecimal b -> g.writeNumber(b);
                case Boolean b -> g.writeBoolean(b);
                default -> {
                    if (v == Event.NULL) g.writeNull();
                    else g.writeString(String.valueOf(v));
                }
            }
        }
    }

    static final class Csv extends DetectionWriter {
        Csv(PrintWriter out) {
            super(out);
        }

        @Override
        void begin() {
            out.println("rule_id,rule_title,level,status,timestamp,source,line,tags,fields,exercise");
        }

        @Override
        void write(Detection d, String source, long line, UUID exercise) {
            out.println(String.join(
                    ",",
                    cell(d.ruleId()),
                    cell(d.ruleTitle()),
                    cell(d.level()),
                    cell(d.status()),
                    cell(timestamp(d)),
                    cell(source),
                    String.valueOf(line),
                    cell(String.join(";", d.tags())),
                    cell(fieldsText(d.matchedFields())),
                    exercise == null ? "" : exercise.toString()));
        }

        static String cell(String s) {
            if (s == null) return "";
            String v = Terminal.safe(s);
            // a leading = + - @ would be a formula in spreadsheets (CSV injection): prefix a quote
            if (!v.isEmpty() && "=+-@".indexOf(v.charAt(0)) >= 0) v = "'" + v;
            if (v.indexOf(',') >= 0 || v.indexOf('"') >= 0) return '"' + v.replace("\"", "\"\"") + '"';
            return v;
        }
    }

    static final class Table extends DetectionWriter {
        private boolean header;

        Table(PrintWriter out) {
            super(out);
        }

        @Override
        void write(Detection d, String source, long line, UUID exercise) {
            if (!header) {
                out.println(String.format("%-13s %-52s %-34s %s", "LEVEL", "RULE", "SOURCE:LINE", "MATCHED FIELDS"));
                header = true;
            }
            String where = source + ":" + line;
            out.println(String.format(
                    "%-13s %-52s %-34s %s",
                    Terminal.safe(d.level() == null ? "-" : d.level()),
                    clip((exercise == null ? "" : "[EXERCISE] ") + Terminal.safe(d.ruleTitle()), 52),
                    clip(Terminal.safe(where), 34),
                    clip(Terminal.safe(fieldsText(d.matchedFields())), 160)));
        }

        @Override
        void end() {
            if (!header) out.println("no detections");
            out.flush();
        }

        static String clip(String s, int max) {
            return s.length() <= max ? s : s.substring(0, max - 1) + "…";
        }
    }
}
