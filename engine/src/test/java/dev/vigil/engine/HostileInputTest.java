package dev.vigil.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.vigil.engine.event.Event;
import dev.vigil.engine.event.EventParseException;
import dev.vigil.engine.event.EventReader;
import dev.vigil.engine.pipeline.Pipelines;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Acceptance 4: hostile input is handled in bounded time with a clear message. The timeouts are hang guards (a
 * backtracking regex or an unbounded reader would hit them), not performance assertions.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class HostileInputTest {

    private static final String RULES = """
            title: Encoded PowerShell
            id: 6f4c2f0e-0a1b-4c3d-9e8f-000000000001
            logsource: {product: windows, category: process_creation}
            detection:
                sel:
                    CommandLine|contains|windash: ' -enc '
                re:
                    CommandLine|re: '(a+)+$'
                glob:
                    CommandLine: '*a?b*c*'
                condition: sel or re or glob
            ---
            title: Keyword anywhere
            id: 6f4c2f0e-0a1b-4c3d-9e8f-000000000002
            logsource: {product: windows}
            detection:
                keywords:
                    - 'mimikatz'
                    - 'sekurlsa::*'
                condition: keywords
            ---
            title: Catastrophic backtracking pattern
            id: 6f4c2f0e-0a1b-4c3d-9e8f-000000000003
            logsource: {product: windows}
            detection:
                sel:
                    Payload|re: '^(x+x+)+y$'
                condition: sel
            """;

    private static Engine engine() {
        RuleSet set = RuleSet.compile(
                RuleLoader.create(LoaderOptions.defaults()).loadText("hostile.yml", RULES), CompileOptions.defaults());
        assertThat(set.refusals()).isEmpty();
        return Engine.create(
                set,
                EngineOptions.defaults().withPipeline(Pipelines.builtin("none")).withRouting(false));
    }

    @Test
    void tenMegabyteFieldValueIsReadAndMatchedToTheEnd() throws IOException {
        String big = "a".repeat(10 * 1024 * 1024);
        String line =
                "{\"CommandLine\":\"" + big + " -enc ZQBjAGgAbwA=\",\"Payload\":\"x\"}\n{\"CommandLine\":\"ok\"}\n";
        List<Event> events = readAll(line.getBytes(StandardCharsets.UTF_8), new ArrayList<>());
        assertThat(events).hasSize(2);
        assertThat(events.get(0).getString("CommandLine")).hasSize(big.length() + " -enc ZQBjAGgAbwA=".length());
        MatchResult r = engine().match(events);
        assertThat(r.errors()).isEmpty();
        assertThat(r.detections()).extracting(Detection::ruleTitle).containsExactly("Encoded PowerShell");
        assertThat(r.detections().get(0).eventIndex()).isZero();
    }

    @Test
    void catastrophicBacktrackingRegexRunsInLinearTime() {
        // (x+x+)+y against x…x! takes exponential time in a backtracking engine; RE2J is linear.
        Event e = Event.of(Map.of("Payload", "x".repeat(200_000) + "!", "CommandLine", "a".repeat(100_000) + "!"));
        MatchResult r = engine().match(List.of(e));
        assertThat(r.errors()).isEmpty();
        assertThat(r.detections()).isEmpty();
        Event hit = Event.of(Map.of("Payload", "x".repeat(50_000) + "y"));
        assertThat(engine().match(List.of(hit)).detections())
                .extracting(Detection::ruleTitle)
                .containsExactly("Catastrophic backtracking pattern");
    }

    @Test
    void invalidUtf8IsReportedWithItsLineAndTheNextRecordsAreRead() throws IOException {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        b.writeBytes("{\"a\":\"ok\"}\n".getBytes(StandardCharsets.UTF_8));
        b.writeBytes("{\"a\":\"bad ".getBytes(StandardCharsets.UTF_8));
        b.write(0xff);
        b.write(0xfe);
        b.writeBytes("\"}\n{\"a\":\"after\"}\n".getBytes(StandardCharsets.UTF_8));
        List<EventParseException> errors = new ArrayList<>();
        List<Event> events = readAll(b.toByteArray(), errors);
        assertThat(events).extracting(e -> e.getString("a")).containsExactly("ok", "after");
        assertThat(errors).singleElement().satisfies(e -> {
            assertThat(e.line()).isEqualTo(2);
            assertThat(e.getMessage()).containsIgnoringCase("UTF-8");
        });
    }

    @Test
    void deeplyNestedJsonIsRefusedWithTheLimit() throws IOException {
        String deep = "{\"a\":".repeat(100_000) + "1" + "}".repeat(100_000);
        List<EventParseException> errors = new ArrayList<>();
        List<Event> events = readAll((deep + "\n{\"b\":2}\n").getBytes(StandardCharsets.UTF_8), errors);
        assertThat(events).extracting(e -> e.get("b")).containsExactly(2L);
        assertThat(errors).singleElement().satisfies(e -> {
            assertThat(e.line()).isEqualTo(1);
            assertThat(e.getMessage()).contains("nesting").contains("64");
        });
        String arrays = "[".repeat(50_000) + "]".repeat(50_000);
        assertThatThrownBy(() -> Event.parseJson("{\"x\":" + arrays + "}"))
                .isInstanceOf(EventParseException.class)
                .hasMessageContaining("nesting");
    }

    @Test
    void deeplyNestedMapsAreRefusedByEventOf() {
        Map<String, Object> m = new LinkedHashMap<>();
        Map<String, Object> cur = m;
        for (int i = 0; i < 1000; i++) {
            Map<String, Object> next = new LinkedHashMap<>();
            cur.put("k", next);
            cur = next;
        }
        assertThatThrownBy(() -> Event.of(m))
                .isInstanceOf(EventParseException.class)
                .hasMessageContaining("nesting");
    }

    @Test
    void tooManyFieldsAreRefused() {
        StringBuilder sb = new StringBuilder("{");
        for (int i = 0; i < 100_001; i++)
            sb.append(i == 0 ? "" : ",").append("\"f").append(i).append("\":1");
        sb.append('}');
        assertThatThrownBy(() -> Event.parseJson(sb.toString()))
                .isInstanceOf(EventParseException.class)
                .hasMessageContaining("more than 100000 field values");
    }

    @Test
    void overlongFieldNameAndNumberAreRefused() {
        assertThatThrownBy(() -> Event.parseJson("{\"" + "n".repeat(5000) + "\":1}"))
                .isInstanceOf(EventParseException.class)
                .hasMessageContaining("malformed JSON");
        assertThatThrownBy(() -> Event.parseJson("{\"n\":" + "9".repeat(5000) + "}"))
                .isInstanceOf(EventParseException.class)
                .hasMessageContaining("malformed JSON");
    }

    @Test
    void recordLargerThanTheLimitIsSkippedWithoutBufferingIt() throws IOException {
        int size = EventReader.MAX_RECORD + 1024;
        byte[] data = new byte[size + 64];
        byte[] head = "{\"a\":\"".getBytes(StandardCharsets.UTF_8);
        System.arraycopy(head, 0, data, 0, head.length);
        java.util.Arrays.fill(data, head.length, size, (byte) 'z');
        byte[] tail = "\"}\n{\"a\":\"next\"}\n".getBytes(StandardCharsets.UTF_8);
        System.arraycopy(tail, 0, data, size, tail.length);
        List<EventParseException> errors = new ArrayList<>();
        List<Event> events = readAll(java.util.Arrays.copyOf(data, size + tail.length), errors);
        assertThat(events).extracting(e -> e.getString("a")).containsExactly("next");
        assertThat(errors)
                .singleElement()
                .satisfies(e -> assertThat(e.getMessage()).contains("longer than 64 MB"));
    }

    @Test
    void billionLaughsYamlIsRefused() {
        StringBuilder y = new StringBuilder("title: lol\nlogsource: {product: x}\na0: &a0 [lol, lol, lol, lol]\n");
        for (int i = 1; i < 12; i++) {
            y.append("a").append(i).append(": &a").append(i).append(" [");
            for (int k = 0; k < 8; k++)
                y.append(k == 0 ? "" : ", ").append("*a").append(i - 1);
            y.append("]\n");
        }
        y.append("detection:\n    sel:\n        A: x\n    condition: sel\n");
        LoadResult r = RuleLoader.create(LoaderOptions.defaults()).loadText("lol.yml", y.toString());
        assertThat(r.rules()).isEmpty();
        assertThat(r.refusals())
                .singleElement()
                .satisfies(f -> assertThat(f.reason())
                        .contains("alias expansion bomb")
                        .contains("(line 7, column ")); // the alias that crosses the limit
    }

    private static List<Event> readAll(byte[] data, List<EventParseException> errors) throws IOException {
        List<Event> out = new ArrayList<>();
        try (EventReader r = EventReader.of(new ByteArrayInputStream(data), "test")) {
            while (true) {
                try {
                    Event e = r.next();
                    if (e == null) break;
                    out.add(e);
                } catch (EventParseException e) {
                    errors.add(e);
                }
            }
        }
        return out;
    }
}
