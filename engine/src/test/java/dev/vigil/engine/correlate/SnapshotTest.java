package dev.vigil.engine.correlate;

import static dev.vigil.engine.correlate.Harness.ev;
import static dev.vigil.engine.correlate.Harness.rule;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.vigil.engine.event.Event;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Snapshot and restore: a restart in the middle of a stream changes nothing; corrupt input is refused. */
class SnapshotTest {
    static final String RULES = rule("fail", "failure") + rule("ok", "success") + """
            title: Burst
            id: burst
            correlation: {type: event_count, rules: [fail], group-by: [User], timespan: 5m, condition: {gte: 3}}
            ---
            title: Fanout
            id: fanout
            correlation:
                type: value_count
                rules: [fail]
                group-by: [Computer]
                timespan: 5m
                condition: {field: SourceIP, gte: 3}
            ---
            title: Then success
            id: then-ok
            correlation: {type: temporal_ordered, rules: [fail, ok], group-by: [User], timespan: 5m}
            ---
            title: Sum
            id: sum
            correlation:
                type: value_median
                rules: [fail]
                group-by: [Computer]
                timespan: 5m
                condition: {field: Bytes, gte: 50}
            """;

    static List<Event> stream() {
        List<Event> events = new ArrayList<>();
        for (int i = 0; i < 60; i++) {
            String user = "u" + (i % 4);
            String type = i % 7 == 6 ? "success" : "failure";
            events.add(ev(
                    i * 7 - (i % 3) * 2,
                    "EventType",
                    type,
                    "User",
                    user,
                    "Computer",
                    "h" + (i % 3),
                    "SourceIP",
                    "10.0.0." + (i % 5),
                    "Bytes",
                    (long) (i * 3 % 100)));
        }
        return events;
    }

    static Harness harness() {
        KillChainConfig kc = KillChainConfig.defaults();
        return new Harness(
                Harness.rules(RULES),
                CorrelationOptions.defaults()
                        .withAllowance(Duration.ofSeconds(10))
                        .withKillChain(kc));
    }

    @Test
    void restoringASnapshotMidStreamGivesTheSameFiringsAsAnUninterruptedRun() {
        List<Event> events = stream();
        Harness whole = harness();
        for (Event e : events) whole.feed(e);
        whole.flush();
        assertThat(whole.firings).hasSizeGreaterThan(3);

        Harness first = harness();
        for (Event e : events.subList(0, 31)) first.feed(e);
        byte[] snap = first.engine.correlationSnapshot();
        assertThat(first.stats().heldBack()).isPositive(); // held-back detections are part of the snapshot

        Harness second = harness();
        assertThat(second.engine.restoreCorrelation(snap)).isZero();
        for (Event e : events.subList(31, events.size())) second.feed(e);
        second.flush();
        List<String> resumed = new ArrayList<>(CorrelationBench.firingSignature(first.firings));
        resumed.addAll(CorrelationBench.firingSignature(second.firings));
        assertThat(resumed).isEqualTo(CorrelationBench.firingSignature(whole.firings));
    }

    @Test
    void stateOfAChangedRuleIsDroppedOnRestore() {
        Harness h = harness();
        for (Event e : stream().subList(0, 20)) h.feed(e);
        h.flush();
        byte[] snap = h.engine.correlationSnapshot();
        Harness changed = new Harness(
                Harness.rules(RULES.replace("condition: {gte: 3}", "condition: {gte: 4}")),
                CorrelationOptions.defaults());
        int dropped = changed.engine.restoreCorrelation(snap);
        assertThat(dropped).isPositive(); // burst's groups (changed) and the kill-chain entities (not configured)
        assertThat(changed.stats().groups()).isPositive(); // the unchanged rules kept theirs
    }

    @Test
    void corruptSnapshotsAreRefusedAndTheStateIsKept() {
        Harness h = harness();
        for (Event e : stream().subList(0, 20)) h.feed(e);
        h.flush();
        int groups = h.stats().groups();
        byte[] snap = h.engine.correlationSnapshot();
        assertThatThrownBy(() -> h.engine.restoreCorrelation(new byte[] {1, 2, 3}))
                .isInstanceOf(IllegalArgumentException.class);
        byte[] cut = java.util.Arrays.copyOf(snap, snap.length / 2);
        assertThatThrownBy(() -> h.engine.restoreCorrelation(cut)).isInstanceOf(IllegalArgumentException.class);
        byte[] huge = snap.clone();
        huge[40] = 0x7f; // a length/count field turned enormous must not allocate it
        assertThatThrownBy(() -> h.engine.restoreCorrelation(huge)).isInstanceOf(IllegalArgumentException.class);
        assertThat(h.stats().groups()).isEqualTo(groups);
    }

    @Test
    void hotReloadKeepsStateOfUnchangedRules() {
        Harness h = Harness.of(RULES);
        h.feed(ev(0, "EventType", "failure", "User", "a"), ev(1, "EventType", "failure", "User", "a"));
        h.engine.swap(Harness.rules(RULES + "---\n" + rule("other", "other")));
        h.feed(ev(2, "EventType", "failure", "User", "a"));
        assertThat(h.firings("burst")).hasSize(1);
    }
}
