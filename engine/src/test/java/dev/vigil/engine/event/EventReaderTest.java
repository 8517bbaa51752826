package dev.vigil.engine.event;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;

class EventReaderTest {
    record Read(List<Event> events, List<Long> lines, List<EventParseException> errors) {}

    static Read read(byte[] data) throws IOException {
        List<Event> events = new ArrayList<>();
        List<Long> lines = new ArrayList<>();
        List<EventParseException> errors = new ArrayList<>();
        try (EventReader r = EventReader.of(new ByteArrayInputStream(data), "t")) {
            while (true) {
                try {
                    Event e = r.next();
                    if (e == null) break;
                    events.add(e);
                    lines.add(r.line());
                } catch (EventParseException e) {
                    errors.add(e);
                }
            }
        }
        return new Read(events, lines, errors);
    }

    static Read read(String s) throws IOException {
        return read(s.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void ndjsonLinesAreRecordsAndBlankLinesAreSkipped() throws IOException {
        Read r = read("{\"a\":1}\n\n   \n{\"a\":2}\r\n{\"a\":3}");
        assertThat(r.events()).extracting(e -> e.get("a")).containsExactly(1L, 2L, 3L);
        assertThat(r.lines()).containsExactly(1L, 4L, 5L);
        assertThat(r.errors()).isEmpty();
    }

    @Test
    void malformedLinesAreReportedWithTheirLineAndSkipped() throws IOException {
        Read r = read("{\"a\":1}\n{\"a\":\n{\"a\":3} trailing\nnot json\n[1,2]\n{\"a\":6}\n");
        assertThat(r.events()).extracting(e -> e.get("a")).containsExactly(1L, 6L);
        assertThat(r.errors()).extracting(EventParseException::line).containsExactly(2L, 3L, 4L, 5L);
        assertThat(r.errors().get(1).getMessage()).contains("line 3");
        assertThat(r.errors().get(3).getMessage()).contains("not a JSON object");
    }

    @Test
    void prettyPrintedConcatenatedObjectsAreSplitByBraces() throws IOException {
        String json = "{\n  \"a\": {\"b\": \"x}{\\\"\"},\n  \"n\": 1\n}\n{\n  \"n\": 2\n}\n";
        Read r = read(json);
        assertThat(r.events()).extracting(e -> e.get("n")).containsExactly(1L, 2L);
        assertThat(r.events().get(0).getString("a.b")).isEqualTo("x}{\"");
        assertThat(r.lines()).containsExactly(1L, 5L);
    }

    @Test
    void topLevelArrayElementsAreRecords() throws IOException {
        Read r = read("[\n {\"n\":1},\n {\"n\":2}\n]\n");
        assertThat(r.events()).extracting(e -> e.get("n")).containsExactly(1L, 2L);
        assertThat(r.lines()).containsExactly(2L, 3L);
        Read oneLine = read("[{\"n\":1},{\"n\":2}]");
        assertThat(oneLine.events()).hasSize(2);
    }

    @Test
    void gzipIsRecognisedByContent() throws IOException {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        try (GZIPOutputStream gz = new GZIPOutputStream(b)) {
            gz.write("{\"a\":1}\n{\"a\":2}\n".getBytes(StandardCharsets.UTF_8));
        }
        assertThat(read(b.toByteArray()).events()).hasSize(2);
    }

    @Test
    void byteOrderMarkIsIgnored() throws IOException {
        byte[] bom = {(byte) 0xEF, (byte) 0xBB, (byte) 0xBF};
        byte[] body = "{\"a\":1}\n".getBytes(StandardCharsets.UTF_8);
        byte[] all = new byte[bom.length + body.length];
        System.arraycopy(bom, 0, all, 0, 3);
        System.arraycopy(body, 0, all, 3, body.length);
        assertThat(read(all).events()).hasSize(1);
    }

    @Test
    void nestedObjectsFlattenToDottedNamesAndArraysToSeveralValues() {
        Event e = Event.parseJson("{\"a\":{\"b\":{\"c\":\"x\"}},\"tags\":[\"p\",\"q\"],\"objs\":[{\"k\":1},{\"k\":2}],"
                + "\"n\":null,\"empty\":\"\",\"f\":1.5,\"big\":123456789012345678901234567890,\"t\":true}");
        assertThat(e.getString("a.b.c")).isEqualTo("x");
        assertThat(e.get("tags")).isEqualTo(List.of("p", "q"));
        assertThat(e.get("objs.k")).isEqualTo(List.of(1L, 2L));
        assertThat(e.get("n")).isSameAs(Event.NULL);
        assertThat(e.has("n")).isTrue();
        assertThat(e.get("missing")).isNull();
        assertThat(e.has("missing")).isFalse();
        assertThat(e.get("empty")).isEqualTo("");
        assertThat(e.get("f")).isEqualTo(1.5);
        assertThat(e.get("big")).isEqualTo(new BigInteger("123456789012345678901234567890"));
        assertThat(e.get("t")).isEqualTo(true);
        assertThat(e.fieldNames()).containsExactly("a.b.c", "tags", "objs.k", "n", "empty", "f", "big", "t");
    }

    @Test
    void toJsonWritesTheFlatEvent() {
        Event e = Event.parseJson("{\"a\":{\"b\":\"x\\u001b[31m\"},\"tags\":[\"p\",\"q\"],\"n\":null,\"i\":7}");
        assertThat(e.toJson()).isEqualTo("{\"a.b\":\"x\\u001B[31m\",\"tags\":[\"p\",\"q\"],\"n\":null,\"i\":7}");
        assertThat(Event.parseJson(e.toJson()).toJson()).isEqualTo(e.toJson());
    }

    @Test
    void textAndLowerFormsAreComputedOnceAndCached() {
        Event e = Event.parseJson("{\"c\":\"CMD.EXE\",\"n\":4688,\"d\":2.0}");
        assertThat(e.lower(0)).isEqualTo("cmd.exe").isSameAs(e.lower(0));
        assertThat(e.text(1)).isEqualTo("4688");
        assertThat(e.text(2)).isEqualTo("2.0");
    }
}
