package dev.vigil.engine.correlate;

import static dev.vigil.engine.correlate.Harness.ev;
import static dev.vigil.engine.correlate.Harness.rule;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.vigil.engine.Detection;
import dev.vigil.engine.Engine;
import dev.vigil.engine.MatchResult;
import dev.vigil.engine.event.Event;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * {@link Engine#matchStaged} + {@link Engine#correlate(Engine.Staged)}: matching a batch leaves the correlation state
 * alone until the caller commits, so a batch matched again after a failure between the two (the server storing its
 * alerts) is counted once; the two steps together report what {@link Engine#match} reports.
 */
class StagedCorrelationTest {
    static final String BURST = rule("fail", "failure") + rule("other", "other") + """
            title: Burst
            id: burst
            correlation: {type: event_count, rules: [fail], group-by: [User], timespan: 1h, condition: {gte: 5}}
            """;

    static List<Event> failures(int from, int to) {
        List<Event> events = new ArrayList<>();
        for (int i = from; i < to; i++) {
            events.add(ev(i, "EventType", "failure", "User", "alice"));
            events.add(ev(i, "EventType", "other", "User", "alice"));
        }
        return events;
    }

    @Test
    void aStagedBatchMatchedAgainIsCountedOnce() {
        Harness h = Harness.of(BURST);
        Engine engine = h.engine;
        List<Event> batch = failures(0, 4);
        // the first attempt matches, then the caller fails before committing: nothing may be counted
        Engine.Staged failed = engine.matchStaged(batch);
        assertThat(failed.result().detections()).extracting(Detection::ruleId).containsOnly("other");
        assertThat(engine.correlationStats().offered()).isZero();
        // the retry matches the same four failures again and commits
        Engine.Staged retried = engine.matchStaged(batch);
        assertThat(engine.correlate(retried).detections()).isEmpty();
        assertThat(engine.correlationStats().offered()).isEqualTo(4);
        // the fifth failure completes the window: exactly at the fifth, not at the fourth as double counting would
        Engine.Staged fifth = engine.matchStaged(failures(4, 5));
        MatchResult firings = engine.correlate(fifth);
        assertThat(firings.detections()).extracting(Detection::ruleId).containsExactly("burst");
        assertThat(firings.detections().get(0).correlation().contributing()).hasSize(5);
    }

    @Test
    void aBatchIsCorrelatedAtMostOnce() {
        Harness h = Harness.of(BURST);
        Engine.Staged s = h.engine.matchStaged(failures(0, 3));
        h.engine.correlate(s);
        assertThatThrownBy(() -> h.engine.correlate(s))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("already correlated");
        assertThat(h.engine.correlationStats().offered()).isEqualTo(3);
    }

    @Test
    void stagedThenCorrelatedReportsWhatMatchReports() {
        Harness a = Harness.of(BURST);
        Harness b = Harness.of(BURST);
        List<String> direct = new ArrayList<>();
        List<String> staged = new ArrayList<>();
        for (int i = 0; i < 12; i += 3) {
            List<Event> batch = failures(i, i + 3);
            for (Detection d : a.engine.match(batch).detections()) direct.add(d.ruleId() + "@" + d.eventIndex());
            Engine.Staged s = b.engine.matchStaged(batch);
            for (Detection d : s.result().detections()) staged.add(d.ruleId() + "@" + d.eventIndex());
            for (Detection d : b.engine.correlate(s).detections()) staged.add(d.ruleId() + "@" + d.eventIndex());
        }
        assertThat(staged).isEqualTo(direct).containsOnlyOnce("burst@2");
        assertThat(b.engine.correlationStats().offered())
                .isEqualTo(a.engine.correlationStats().offered())
                .isEqualTo(12);
    }

    @Test
    void withoutCorrelationRulesTheCommitIsEmpty() {
        Harness h = Harness.of(rule("fail", "failure"));
        Engine.Staged s = h.engine.matchStaged(failures(0, 2));
        assertThat(s.result().detections()).hasSize(2);
        assertThat(h.engine.correlate(s)).isSameAs(MatchResult.EMPTY);
    }
}
