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
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The matcher on hostile event values: lone UTF-16 surrogates, NUL characters, a 10 MB value, deep nesting — each is
 * read (or refused with its line) and matched by the rules' definitions, never a crash. The timeout is a hang guard.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class HostileEventValuesTest {

    private static final String RULES = """
            title: Contains y
            id: 00000000-0000-4000-8000-000000000001
            logsource: {product: test}
            detection:
                sel:
                    A|contains: 'y'
                condition: sel
            ---
            title: Regex one character between x and y
            id: 00000000-0000-4000-8000-000000000002
            logsource: {product: test}
            detection:
                sel:
                    A|re: '^x.y$'
                condition: sel
            ---
            title: Exact with NUL
            id: 00000000-0000-4000-8000-000000000003
            logsource: {product: test}
            detection:
                sel:
                    A: "a\\0b"
                condition: sel
            ---
            title: Keyword with surrogate pair
            id: 00000000-0000-4000-8000-000000000004
            logsource: {product: test}
            detection:
                keywords:
                    - "\\U0001F600"
                condition: keywords
            ---
            title: Case-insensitive exact
            id: 00000000-0000-4000-8000-000000000005
            logsource: {product: test}
            detection:
                sel:
                    A: 'x?Y'
                condition: sel
            ---
            title: Ends with z
            id: 00000000-0000-4000-8000-000000000006
            logsource: {product: test}
            detection:
                sel:
                    A|endswith|cased: 'z'
                condition: sel
            ---
            title: Number
            id: 00000000-0000-4000-8000-000000000007
            logsource: {product: test}
            detection:
                sel:
                    A|gt: 5
                condition: sel
            """;

    private static Engine engine(boolean routing) {
        RuleSet set = RuleSet.compile(
                RuleLoader.create(LoaderOptions.defaults()).loadText("hostile-events.yml", RULES),
                CompileOptions.defaults());
        assertThat(set.refusals()).isEmpty();
        return Engine.create(
                set,
                EngineOptions.defaults().withPipeline(Pipelines.builtin("none")).withRouting(routing));
    }

    private static List<String> titles(String json) {
        Event e = Event.parseJson(json);
        MatchResult r = engine(false).match(List.of(e));
        assertThat(r.errors()).isEmpty();
        List<String> out = new ArrayList<>();
        for (Detection d : r.detections()) out.add(d.ruleTitle());
        return out;
    }

    @Test
    void loneSurrogatesAreKeptAndMatchAsOneCharacterEach() {
        // JSON escapes may encode lone (unpaired) surrogates; they are kept as written, one character each
        Event e = Event.parseJson("{\"A\":\"x\\ud800y\"}");
        assertThat(e.getString("A")).isEqualTo("x\uD800y");
        assertThat(titles("{\"A\":\"x\\ud800y\"}"))
                .containsExactlyInAnyOrder(
                        "Contains y", "Regex one character between x and y", "Case-insensitive exact");
        assertThat(titles("{\"A\":\"x\\udfffY\"}")).contains("Case-insensitive exact");
        // a reversed pair is two lone surrogates: two characters, so the one-character regex does not match
        assertThat(titles("{\"A\":\"x\\udfff\\ud800y\"}"))
                .contains("Contains y")
                .doesNotContain("Regex one character between x and y", "Case-insensitive exact");
        // a lone high surrogate at the very end of a value
        assertThat(titles("{\"A\":\"yz\\ud800\"}")).containsExactly("Contains y");
    }

    @Test
    void surrogatePairMatchesTheKeywordAndTheRegexSeesOneCodePoint() {
        assertThat(titles("{\"M\":\"smile \\ud83d\\ude00 now\"}")).containsExactly("Keyword with surrogate pair");
        assertThat(titles("{\"A\":\"x\\ud83d\\ude00y\"}")).contains("Regex one character between x and y");
    }

    @Test
    void nulCharactersAreOrdinaryCharacters() {
        assertThat(titles("{\"A\":\"a\\u0000b\"}")).containsExactly("Exact with NUL");
        assertThat(titles("{\"A\":\"a\\u0000y\"}")).containsExactly("Contains y");
        assertThat(titles("{\"A\":\"x\\u0000y\"}"))
                .containsExactlyInAnyOrder(
                        "Contains y", "Regex one character between x and y", "Case-insensitive exact");
        assertThat(titles("{\"A\":\"ab\"}")).isEmpty();
        // a field name with NUL is just a name
        assertThat(Event.parseJson("{\"A\\u0000B\":\"y\"}").getString("A\u0000B"))
                .isEqualTo("y");
    }

    @Test
    void unescapedControlCharacterOrBadUtf8IsRefusedWithItsLineAndReadingContinues() throws IOException {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        b.writeBytes("{\"A\":\"ok\"}\n".getBytes(StandardCharsets.UTF_8));
        b.writeBytes("{\"A\":\"raw ".getBytes(StandardCharsets.UTF_8));
        b.write(0); // JSON forbids unescaped control characters in strings
        b.writeBytes("\"}\n".getBytes(StandardCharsets.UTF_8));
        b.writeBytes("{\"A\":\"cesu ".getBytes(StandardCharsets.UTF_8));
        b.write(0xED); // a surrogate encoded as UTF-8 (CESU-8): not valid UTF-8
        b.write(0xA0);
        b.write(0x80);
        b.writeBytes("\"}\n{\"A\":\"after\"}\n".getBytes(StandardCharsets.UTF_8));
        List<EventParseException> errors = new ArrayList<>();
        List<Event> events = new ArrayList<>();
        try (EventReader r = EventReader.of(new ByteArrayInputStream(b.toByteArray()), "test")) {
            while (true) {
                try {
                    Event e = r.next();
                    if (e == null) break;
                    events.add(e);
                } catch (EventParseException e) {
                    errors.add(e);
                }
            }
        }
        assertThat(errors).extracting(EventParseException::line).contains(2L);
        assertThat(events).extracting(e -> e.getString("A")).startsWith("ok").endsWith("after");
        // the CESU-8 line is either refused with its line or read; it never stops the reader
        assertThat(events.size() + errors.size()).isEqualTo(4);
        for (Event e : events) {
            MatchResult r = engine(false).match(List.of(e));
            assertThat(r.errors()).isEmpty();
        }
    }

    @Test
    void tenMegabyteValueWithSurrogatesAndNulIsMatchedToTheEnd() {
        StringBuilder big = new StringBuilder(10 * 1024 * 1024 + 16);
        big.append('x');
        for (int i = 0; i < 10 * 1024 * 1024 / 4; i++) big.append("\u0000\uD800a\uDFFF");
        big.append('z');
        Event e = Event.of(Map.of("A", big.toString()));
        for (boolean routing : new boolean[] {false, true}) {
            MatchResult r = engine(routing).match(List.of(e));
            assertThat(r.errors()).isEmpty();
            assertThat(r.detections()).extracting(Detection::ruleTitle).containsExactly("Ends with z");
        }
    }

    @Test
    void deeplyNestedEventObjectIsRefusedAndShallowNestingIsFlattened() {
        String ok = "{\"a\":".repeat(60) + "{\"A\":\"y\"}" + "}".repeat(60);
        Event e = Event.parseJson(ok);
        assertThat(e.size()).isEqualTo(1);
        assertThat(e.name(0)).startsWith("a.a.a.").endsWith(".A");
        assertThatThrownBy(() -> Event.parseJson("{\"a\":".repeat(1000) + "1" + "}".repeat(1000)))
                .isInstanceOf(EventParseException.class)
                .hasMessageContaining("nesting");
    }

    @Test
    void numericFieldsWithHostileText() {
        assertThat(titles("{\"A\":\"1e999999\"}")).containsExactly("Number"); // infinity > 5
        assertThat(titles("{\"A\":\"-1e999999\"}")).isEmpty();
        assertThat(titles("{\"A\":\"NaN\"}")).isEmpty();
        assertThat(titles("{\"A\":\"" + "9".repeat(100_000) + "\"}")).isEmpty(); // too long to be a number
        assertThat(titles("{\"A\":\"6\\u0000\"}")).isEmpty();
    }
}
