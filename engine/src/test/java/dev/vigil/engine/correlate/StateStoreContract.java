package dev.vigil.engine.correlate;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vigil.engine.correlate.GroupState.Hit;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The {@link StateStore} SPI contract: every implementation (in-memory now, a Kafka Streams adapter later) extends
 * this with a factory for a store with the given caps.
 */
abstract class StateStoreContract {
    /** A store with a per-rule cap and a global cap. */
    abstract StateStore newStore(int perRule, int total);

    static StateKey key(String rule, String group) {
        return new StateKey(rule, GroupKey.of(group));
    }

    static GroupState state(long lastTime) {
        GroupState.Count c = new GroupState.Count();
        c.add(new Hit(lastTime, 0, null, 0), 10);
        return c;
    }

    @Test
    void getReturnsWhatWasPutAndNullWhenAbsent() {
        StateStore s = newStore(10, 10);
        GroupState st = state(5);
        assertThat(s.put(key("r", "a"), st)).isNull();
        assertThat(s.get(key("r", "a")).lastTime()).isEqualTo(5);
        assertThat(s.get(key("r", "b"))).isNull();
        assertThat(s.get(key("other", "a"))).isNull();
        assertThat(s.size()).isEqualTo(1);
        assertThat(s.size("r")).isEqualTo(1);
    }

    @Test
    void putReplacesWithoutGrowing() {
        StateStore s = newStore(10, 10);
        s.put(key("r", "a"), state(1));
        s.put(key("r", "a"), state(2));
        assertThat(s.size()).isEqualTo(1);
        assertThat(s.get(key("r", "a")).lastTime()).isEqualTo(2);
    }

    @Test
    void thePerRuleCapEvictsTheLeastRecentlyUsedGroupOfThatRule() {
        StateStore s = newStore(2, 100);
        s.put(key("r", "a"), state(1));
        s.put(key("r", "b"), state(2));
        s.put(key("x", "z"), state(3));
        s.put(key("r", "a"), state(4)); // a is now more recent than b
        StateKey evicted = s.put(key("r", "c"), state(5));
        assertThat(evicted).isEqualTo(key("r", "b"));
        assertThat(s.size("r")).isEqualTo(2);
        assertThat(s.get(key("x", "z"))).isNotNull();
    }

    @Test
    void theGlobalCapEvictsTheLeastRecentlyUsedGroupOfAnyRule() {
        StateStore s = newStore(10, 3);
        s.put(key("r1", "a"), state(1));
        s.put(key("r2", "b"), state(2));
        s.put(key("r1", "c"), state(3));
        s.put(key("r1", "a"), state(4));
        StateKey evicted = s.put(key("r3", "d"), state(5));
        assertThat(evicted).isEqualTo(key("r2", "b"));
        assertThat(s.size()).isEqualTo(3);
    }

    @Test
    void expireRemovesIdleGroupsOfOneRuleOldestFirst() {
        StateStore s = newStore(10, 10);
        s.put(key("r", "a"), state(1));
        s.put(key("r", "b"), state(2));
        s.put(key("r", "c"), state(10));
        s.put(key("q", "d"), state(1));
        assertThat(s.expire("r", 5)).isEqualTo(2);
        assertThat(s.size("r")).isEqualTo(1);
        assertThat(s.get(key("q", "d"))).isNotNull();
        assertThat(s.expire("none", 5)).isZero();
    }

    @Test
    void forEachVisitsLeastRecentlyUsedFirst() {
        StateStore s = newStore(10, 10);
        s.put(key("r", "a"), state(1));
        s.put(key("q", "b"), state(2));
        s.put(key("r", "c"), state(3));
        s.put(key("r", "a"), state(4));
        List<String> order = new ArrayList<>();
        s.forEach((k, v) -> order.add(k.rule() + "/" + k.group().value(0)));
        assertThat(order).containsExactly("q/b", "r/c", "r/a");
    }

    @Test
    void removeRemoveRuleAndClear() {
        StateStore s = newStore(10, 10);
        s.put(key("r", "a"), state(1));
        s.put(key("r", "b"), state(1));
        s.put(key("q", "c"), state(1));
        s.remove(key("r", "a"));
        s.remove(key("r", "zzz"));
        assertThat(s.size()).isEqualTo(2);
        assertThat(s.removeRule("r")).isEqualTo(1);
        assertThat(s.size()).isEqualTo(1);
        s.clear();
        assertThat(s.size()).isZero();
        assertThat(s.get(key("q", "c"))).isNull();
    }

    @Test
    void statesSurviveTheCodecUnchanged() {
        GroupState.Numeric n = new GroupState.Numeric();
        dev.vigil.engine.Detection d = new dev.vigil.engine.Detection(
                "rule-1",
                "Title",
                "low",
                null,
                List.of("attack.execution"),
                java.util.Map.of("User", "alice", "Count", 3L),
                dev.vigil.engine.event.Event.of(java.util.Map.of("User", "alice", "Count", 3L))
                        .withTimestamp(java.time.Instant.parse("2026-01-01T00:00:00.123Z")),
                7,
                null);
        n.add(new Hit(1, 1, d, 2.5), 10);
        n.add(new Hit(2, 2, d, 4.0), 10);
        n.lastFired = 1;
        GroupState back = StateCodec.decode(StateCodec.encode(n));
        assertThat(back).isInstanceOf(GroupState.Numeric.class);
        assertThat(((GroupState.Numeric) back).sum()).isEqualTo(6.5);
        assertThat(back.lastFired()).isEqualTo(1);
        dev.vigil.engine.Detection d2 = back.hits().get(0).detection();
        assertThat(d2.ruleId()).isEqualTo("rule-1");
        assertThat(d2.tags()).containsExactly("attack.execution");
        assertThat(d2.matchedFields()).containsEntry("Count", 3L);
        assertThat(d2.event().getString("User")).isEqualTo("alice");
        assertThat(d2.timestamp()).isEqualTo(java.time.Instant.parse("2026-01-01T00:00:00.123Z"));
        StateKey k = new StateKey("rule#abc", GroupKey.of("x", "y"));
        assertThat(StateCodec.decodeKey(StateCodec.encode(k))).isEqualTo(k);
    }
}
