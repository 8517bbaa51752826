package dev.vigil.engine.event;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class EventWithFieldTest {
    @Test
    void withFieldReplacesEveryValueOfTheFieldAndKeepsTheRest() {
        Event e = Event.of(Map.of("a", 1, "vigil", Map.of("application", List.of("forged", "x"))))
                .withLogsource(EventLogsource.of("linux", null, null))
                .withTimestamp(Instant.parse("2026-11-22T10:00:00Z"));
        Event w = e.withField("vigil.application", "shop");
        assertThat(w.get("vigil.application")).isEqualTo("shop");
        assertThat(w.get("a")).isEqualTo(1L);
        assertThat(w.logsource()).isEqualTo(e.logsource());
        assertThat(w.timestamp()).isEqualTo(Instant.parse("2026-11-22T10:00:00Z"));
        assertThat(e.get("vigil.application")).isEqualTo(List.of("forged", "x"));
    }

    @Test
    void withFieldKeepsThePipelineMarkAndTheLazyTimeField() {
        Event raw = Event.of(Map.of("ts", "2026-11-22T10:00:00Z", "m", "x"));
        int slot = -1;
        for (int i = 0; i < raw.size(); i++) if (raw.name(i).equals("ts")) slot = i;
        Event normalised = raw.withPipeline("custom", null, slot);
        Event w = normalised.withField("vigil.application", "shop").withField("m", "y");
        assertThat(w.pipeline()).isEqualTo("custom");
        assertThat(w.timestamp()).isEqualTo(Instant.parse("2026-11-22T10:00:00Z"));
        assertThat(w.getString("m")).isEqualTo("y");
        assertThat(w.size()).isEqualTo(3);
        // replacing the time field itself keeps the time already determined
        assertThat(normalised.withField("ts", "later").timestamp()).isEqualTo(Instant.parse("2026-11-22T10:00:00Z"));
    }

    @Test
    void nonFiniteNumbersHaveATextForm() {
        Event e =
                Event.of(Map.of("inf", Double.POSITIVE_INFINITY, "ninf", Double.NEGATIVE_INFINITY, "nan", Double.NaN));
        assertThat(e.getString("inf")).isEqualTo("Infinity");
        assertThat(e.getString("ninf")).isEqualTo("-Infinity");
        assertThat(e.getString("nan")).isEqualTo("NaN");
    }
}
