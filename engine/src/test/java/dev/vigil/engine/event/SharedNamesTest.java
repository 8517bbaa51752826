package dev.vigil.engine.event;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Events parsed one after another with the same field names share one names array ({@link Event#shape()}), so the
 * engine recognises the next event of a shape by one reference comparison; events whose names differ anywhere —
 * a field more, a field less, another name, another order — get their own, and nothing of one event leaks into the
 * next.
 */
class SharedNamesTest {
    @Test
    void consecutiveEventsWithTheSameNamesShareTheArray() {
        Event a =
                Event.parseJson("{\"Image\":\"a.exe\",\"Event\":{\"System\":{\"EventID\":1}},\"tags\":[\"x\",\"y\"]}");
        Event b =
                Event.parseJson("{\"Image\":\"b.exe\",\"Event\":{\"System\":{\"EventID\":2}},\"tags\":[\"z\",\"w\"]}");
        assertThat(b.shape()).isSameAs(a.shape());
        assertThat(b.sameNames(a.shape())).isTrue();
        assertThat(b.getString("Image")).isEqualTo("b.exe");
        assertThat(b.get("Event.System.EventID")).isEqualTo(2L);
        assertThat(b.get("tags")).isEqualTo(List.of("z", "w"));
        assertThat(a.getString("Image")).isEqualTo("a.exe");
    }

    @Test
    void differentNamesGetTheirOwnArray() {
        Event a = Event.parseJson("{\"x\":1,\"y\":2,\"z\":3}");
        Event fewer = Event.parseJson("{\"x\":1,\"y\":2}");
        Event more = Event.parseJson("{\"x\":1,\"y\":2,\"z\":3,\"w\":4}");
        Event other = Event.parseJson("{\"x\":1,\"q\":2,\"z\":3}");
        Event order = Event.parseJson("{\"y\":1,\"x\":2,\"z\":3}");
        Event multi = Event.parseJson("{\"y\":1,\"x\":2,\"z\":[3,4]}");
        assertThat(fewer.names()).containsExactly("x", "y");
        assertThat(fewer.shape()).isNotSameAs(a.shape()).hasSize(2);
        assertThat(more.names()).containsExactly("x", "y", "z", "w");
        assertThat(other.names()).containsExactly("x", "q", "z");
        assertThat(order.names()).containsExactly("y", "x", "z");
        assertThat(multi.names()).containsExactly("y", "x", "z", "z");
        assertThat(multi.size()).isEqualTo(4);
        assertThat(a.names()).containsExactly("x", "y", "z");
        for (Event e : List.of(a, fewer, more, other, order, multi)) {
            assertThat(e.shape()).hasSize(e.size());
        }
        Event again = Event.parseJson("{\"y\":5,\"x\":6,\"z\":[7,8]}");
        assertThat(again.shape()).isSameAs(multi.shape());
        assertThat(again.get("z")).isEqualTo(List.of(7L, 8L));
    }

    @Test
    void builtEventsHaveExactlySizedNames() {
        Event e = Event.builder().add("a", 1).add("b", "x").build();
        assertThat(e.shape()).containsExactly("a", "b");
        assertThat(e.withField("c", "y").shape()).containsExactly("a", "b", "c");
    }
}
