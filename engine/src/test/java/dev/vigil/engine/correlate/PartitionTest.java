package dev.vigil.engine.correlate;

import static dev.vigil.engine.correlate.Harness.ev;
import static dev.vigil.engine.correlate.Harness.rule;
import static org.assertj.core.api.Assertions.assertThat;

import dev.vigil.engine.Detection;
import dev.vigil.engine.event.Event;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

/**
 * Partitioned correlation state ({@link CorrelationOptions#withPartition}): the same group-by value in two partitions
 * never combines, each partition keeps its own watermark, one partition behaves exactly as no partition function,
 * and snapshots keep partitions apart (version 1 snapshots still restore).
 */
class PartitionTest {
    /** The partition of an event: its {@code Tenant} field (absent: the default partition). */
    static final Function<Event, String> TENANT = e -> e.get("Tenant") instanceof String s ? s : null;

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
                group-by: [User]
                timespan: 5m
                condition: {field: SourceIP, gte: 3}
            ---
            title: Fail and success
            id: both
            correlation: {type: temporal, rules: [fail, ok], group-by: [User], timespan: 5m}
            """;

    static Harness harness(Duration allowance, Function<Event, String> partition) {
        CorrelationOptions o = CorrelationOptions.defaults().withAllowance(allowance);
        return new Harness(Harness.rules(RULES), partition == null ? o : o.withPartition(partition));
    }

    static Event fail(double s, String user, String ip, String tenant) {
        return tenant == null
                ? ev(s, "EventType", "failure", "User", user, "SourceIP", ip)
                : ev(s, "EventType", "failure", "User", user, "SourceIP", ip, "Tenant", tenant);
    }

    static Event ok(double s, String user, String tenant) {
        return tenant == null
                ? ev(s, "EventType", "success", "User", user)
                : ev(s, "EventType", "success", "User", user, "Tenant", tenant);
    }

    static List<String> tenants(Detection firing) {
        List<String> t = new ArrayList<>();
        for (Detection d : firing.correlation().contributing())
            t.add(String.valueOf(d.event().get("Tenant")));
        return t;
    }

    @Test
    void eventCountNeverCombinesTheSameGroupAcrossPartitions() {
        Harness h = harness(Duration.ZERO, TENANT);
        h.feed(fail(0, "alice", "10.0.0.1", null), fail(1, "alice", "10.0.0.1", null));
        h.feed(fail(2, "alice", "10.0.0.1", "x"), fail(3, "alice", "10.0.0.1", "x"));
        assertThat(h.firings("burst")).as("2 + 2 of one user in two partitions").isEmpty();

        h.feed(fail(4, "alice", "10.0.0.1", "x"));
        assertThat(h.firings("burst")).singleElement().satisfies(f -> {
            assertThat(f.correlation().partition()).isEqualTo("x");
            assertThat(f.correlation().groupKey()).containsEntry("User", "alice");
            assertThat(f.correlation().value()).isEqualTo(3);
            assertThat(tenants(f)).containsOnly("x");
        });

        h.feed(fail(5, "alice", "10.0.0.1", null));
        assertThat(h.firings("burst")).hasSize(2);
        Detection production = h.firings("burst").get(1);
        assertThat(production.correlation().partition()).isEmpty();
        assertThat(tenants(production)).containsOnly("null");
        assertThat(h.stats().groups()).isPositive();
    }

    @Test
    void valueCountCountsDistinctValuesPerPartition() {
        Harness h = harness(Duration.ZERO, TENANT);
        h.feed(fail(0, "bob", "10.0.0.1", null), fail(1, "bob", "10.0.0.2", null));
        h.feed(fail(2, "bob", "10.0.0.3", "x"), fail(3, "bob", "10.0.0.4", "y"));
        assertThat(h.firings("fanout"))
                .as("four addresses, at most two per partition")
                .isEmpty();

        h.feed(fail(4, "bob", "10.0.0.5", "x"), fail(5, "bob", "10.0.0.6", "x"));
        assertThat(h.firings("fanout")).singleElement().satisfies(f -> {
            assertThat(f.correlation().partition()).isEqualTo("x");
            assertThat(tenants(f)).containsOnly("x");
        });
    }

    @Test
    void temporalNeedsEveryRuleInOnePartition() {
        Harness h = harness(Duration.ZERO, TENANT);
        h.feed(fail(0, "carol", "10.0.0.1", null), ok(1, "carol", "x"));
        assertThat(h.firings("both")).as("failure in production, success in x").isEmpty();

        h.feed(fail(2, "carol", "10.0.0.1", "x"));
        assertThat(h.firings("both")).singleElement().satisfies(f -> {
            assertThat(f.correlation().partition()).isEqualTo("x");
            assertThat(tenants(f)).containsOnly("x");
        });
        h.feed(ok(3, "carol", null));
        assertThat(h.firings("both")).hasSize(2);
        assertThat(h.firings("both").get(1).correlation().partition()).isEmpty();
    }

    @Test
    void eachPartitionHasItsOwnWatermark() {
        Harness h = harness(Duration.ofSeconds(10), TENANT);
        // production is an hour ahead of the replayed events: they are not late, they are another partition's time
        h.feed(fail(3600, "dave", "10.0.0.1", null), fail(3700, "erin", "10.0.0.1", null));
        h.feed(fail(0, "dave", "10.0.0.1", "x"), fail(1, "dave", "10.0.0.1", "x"), fail(2, "dave", "10.0.0.1", "x"));
        assertThat(h.stats().lateDetections()).isZero();
        h.flush();
        assertThat(h.firings("burst"))
                .singleElement()
                .satisfies(f -> assertThat(f.correlation().partition()).isEqualTo("x"));
        // the production watermark (what stats report) is production's own
        assertThat(h.stats().watermark()).isEqualTo(Harness.T0.plusSeconds(3700));
        // and every partition's is reported beside it, default first
        assertThat(h.stats().partitions())
                .extracting(CorrelationStats.PartitionClock::partition)
                .containsExactly("", "x");
        assertThat(h.stats().watermark("x")).isEqualTo(Harness.T0.plusSeconds(2));
        assertThat(h.stats().watermark(null)).isEqualTo(h.stats().watermark());

        // without partitions the same stream makes the replayed events late
        Harness shared = harness(Duration.ofSeconds(10), null);
        shared.feed(fail(3600, "dave", "10.0.0.1", null), fail(3700, "erin", "10.0.0.1", null));
        shared.feed(
                fail(0, "dave", "10.0.0.1", "x"), fail(1, "dave", "10.0.0.1", "x"), fail(2, "dave", "10.0.0.1", "x"));
        assertThat(shared.stats().lateDetections()).isEqualTo(3);
    }

    @Test
    void onePartitionBehavesExactlyLikeNoPartitionFunction() {
        List<Event> events = SnapshotTest.stream();
        Harness plain = new Harness(
                Harness.rules(SnapshotTest.RULES),
                CorrelationOptions.defaults()
                        .withAllowance(Duration.ofSeconds(10))
                        .withKillChain(KillChainConfig.defaults()));
        Harness single = new Harness(
                Harness.rules(SnapshotTest.RULES),
                CorrelationOptions.defaults()
                        .withAllowance(Duration.ofSeconds(10))
                        .withKillChain(KillChainConfig.defaults())
                        .withPartition(e -> e.get("Tenant") == null ? "" : "never"));
        for (Event e : events) {
            plain.feed(e);
            single.feed(e);
        }
        plain.flush();
        single.flush();
        assertThat(plain.firings).hasSizeGreaterThan(3);
        assertThat(describe(single.firings)).isEqualTo(describe(plain.firings));
        assertThat(single.stats()).isEqualTo(plain.stats());
        assertThat(single.engine.correlationSnapshot()).isEqualTo(plain.engine.correlationSnapshot());
    }

    static List<String> describe(List<Detection> firings) {
        return firings.stream()
                .map(d -> d.ruleId() + " " + d.correlation().explanation() + " " + d.timestamp() + " "
                        + d.correlation().partition())
                .toList();
    }

    @Test
    void killChainEntitiesArePartitionedToo() {
        Harness together = KillChainTest.harness(KillChainTest.HOSTS);
        Harness apart = new Harness(
                Harness.rules(KillChainTest.STAGES),
                CorrelationOptions.defaults()
                        .withAllowance(Duration.ZERO)
                        .withKillChain(KillChainTest.HOSTS)
                        .withPartition(TENANT));
        String[] script = KillChainTest.SCRIPT;
        for (Harness h : List.of(together, apart)) {
            // every other stage of the intrusion in partition x: three tactics in each partition
            for (int i = 0; i < script.length; i++) {
                h.feed(
                        i % 2 == 0
                                ? ev(i * 600, "EventType", script[i], "Computer", "ws-042")
                                : ev(i * 600, "EventType", script[i], "Computer", "ws-042", "Tenant", "x"));
            }
        }
        assertThat(together.firings("vigil-kill-chain"))
                .as("unpartitioned, the stages combine")
                .hasSize(1);
        assertThat(apart.firings("vigil-kill-chain")).isEmpty();

        for (int i = 0; i < script.length; i++) {
            apart.feed(ev(10_000 + i * 60, "EventType", script[i], "Computer", "ws-042", "Tenant", "x"));
        }
        assertThat(apart.firings("vigil-kill-chain")).singleElement().satisfies(f -> {
            assertThat(f.correlation().partition()).isEqualTo("x");
            assertThat(tenants(f)).containsOnly("x");
        });
    }

    @Test
    void snapshotsKeepPartitionsApart() {
        Harness h = harness(Duration.ofSeconds(10), TENANT);
        h.feed(fail(0, "frank", "10.0.0.1", null), fail(1, "frank", "10.0.0.1", "x"));
        h.feed(fail(30, "frank", "10.0.0.1", null), fail(31, "frank", "10.0.0.1", "x"));
        // two processed (one per partition), two held back (one per partition)
        assertThat(h.stats().heldBack()).isEqualTo(2);
        byte[] snapshot = h.engine.correlationSnapshot();

        Harness restored = harness(Duration.ofSeconds(10), TENANT);
        assertThat(restored.engine.restoreCorrelation(snapshot)).isZero();
        assertThat(restored.stats().heldBack()).isEqualTo(2);
        assertThat(restored.engine.correlationSnapshot()).isEqualTo(snapshot);
        restored.flush();
        assertThat(restored.firings("burst")).as("two per partition").isEmpty();
        restored.feed(fail(32, "frank", "10.0.0.1", "x"));
        restored.flush();
        assertThat(restored.firings("burst")).singleElement().satisfies(f -> {
            assertThat(f.correlation().partition()).isEqualTo("x");
            assertThat(tenants(f)).containsExactly("x", "x", "x");
        });
        // x's clock survived the restore: an event of x behind its watermark is late, production's clock is its own
        restored.feed(fail(10, "frank", "10.0.0.1", "x"));
        assertThat(restored.stats().lateDetections()).isEqualTo(1);
        restored.feed(fail(33, "frank", "10.0.0.1", null));
        restored.flush();
        assertThat(restored.firings("burst")).hasSize(2);
        assertThat(restored.firings("burst").get(1).correlation().partition()).isEmpty();
    }

    @Test
    void stateKeysOfOtherPartitionsRoundTripAndDefaultKeysKeepTheirBytes() {
        StateKey plain = new StateKey("burst#1", GroupKey.of("alice"));
        StateKey other = new StateKey("burst#1", GroupKey.of("alice").inPartition("x"));
        assertThat(other).isNotEqualTo(plain);
        assertThat(StateCodec.decodeKey(StateCodec.encode(other))).isEqualTo(other);
        assertThat(StateCodec.decodeKey(StateCodec.encode(plain))).isEqualTo(plain);
        assertThat(StateCodec.encode(other)).hasSizeGreaterThan(StateCodec.encode(plain).length);
        assertThat(GroupKey.of("alice").inPartition("").hashCode())
                .isEqualTo(GroupKey.of("alice").hashCode());
    }

    /**
     * A version 1 snapshot written by the engine before partitions existed (commit 1d58f67; the rules of {@link
     * #versionOneSnapshotsRestoreIntoTheDefaultPartition}, allowance 10 s): failures of u1 at 0 s, 1 s (Tenant x), 30 s, 31 s (Tenant x); the first two folded into one
     * group, the last two held back.
     */
    static final String V1_SNAPSHOT =
            "VkdDUwAAAAEAAAGcqNemGAAAAZyo138IAAABnKjXLQAAAAAAAAAABAAAAAIAAAAEZmFpbAAAAAlSdWxlIGZhaWz//////////wAA"
                    + "AAAAAAABAAAACUV2ZW50VHlwZQEAAAAHZmFpbHVyZQAAACN7IkV2ZW50VHlwZSI6ImZhaWx1cmUiLCJVc2VyIjoidTEifQEAAAAA"
                    + "aaQOPgAAAAAAAAAAAAAAAZyo16IwAAAAAAAAAAIAAAAEZmFpbAAAAAlSdWxlIGZhaWz//////////wAAAAAAAAABAAAACUV2ZW50"
                    + "VHlwZQEAAAAHZmFpbHVyZQAAADB7IkV2ZW50VHlwZSI6ImZhaWx1cmUiLCJVc2VyIjoidTEiLCJUZW5hbnQiOiJ4In0BAAAAAGmk"
                    + "Dj8AAAAAAAAAAAAAAAGcqNemGAAAAAAAAAADAAAAAQAAABJidXJzdCMzMzQxN2UxMjc3MDAAAAABAAAAAnUxAQAAAZyo1zDogAAA"
                    + "AAAAAAAAAAACAAABnKjXLQAAAAAAAAAAAAAAAAAAAAAAAAAABGZhaWwAAAAJUnVsZSBmYWls//////////8AAAAAAAAAAQAAAAlF"
                    + "dmVudFR5cGUBAAAAB2ZhaWx1cmUAAAAjeyJFdmVudFR5cGUiOiJmYWlsdXJlIiwiVXNlciI6InUxIn0BAAAAAGmkDiAAAAAAAAAA"
                    + "AAAAAAGcqNcw6AAAAAAAAAABAAAAAAAAAAAAAAAEZmFpbAAAAAlSdWxlIGZhaWz//////////wAAAAAAAAABAAAACUV2ZW50VHlw"
                    + "ZQEAAAAHZmFpbHVyZQAAADB7IkV2ZW50VHlwZSI6ImZhaWx1cmUiLCJVc2VyIjoidTEiLCJUZW5hbnQiOiJ4In0BAAAAAGmkDiEA"
                    + "AAAAAAAAAAA=";

    @Test
    void versionOneSnapshotsRestoreIntoTheDefaultPartition() {
        String rules = rule("fail", "failure") + """
            title: Burst
            id: burst
            correlation: {type: event_count, rules: [fail], group-by: [User], timespan: 5m, condition: {gte: 3}}
            """;
        Harness h = new Harness(
                Harness.rules(rules),
                CorrelationOptions.defaults()
                        .withAllowance(Duration.ofSeconds(10))
                        .withPartition(TENANT));
        assertThat(h.engine.restoreCorrelation(Base64.getDecoder().decode(V1_SNAPSHOT)))
                .isZero();
        assertThat(h.stats().heldBack()).isEqualTo(2);
        assertThat(h.stats().groups()).isEqualTo(1);
        // idle for the allowance: the tick releases what was held back, in both partitions
        h.clock.advance(Duration.ofSeconds(11));
        h.tick();
        assertThat(h.stats().heldBack()).isZero();
        // the old group (which mixed both) stays whole in the default partition; the held-back detections go to
        // the partitions their events name
        assertThat(h.firings("burst")).singleElement().satisfies(f -> {
            assertThat(f.correlation().partition()).isEmpty();
            assertThat(f.correlation().value()).isEqualTo(3);
        });
        h.feed(fail(32, "u1", "10.0.0.1", "x"), fail(33, "u1", "10.0.0.1", "x"));
        h.flush();
        assertThat(h.firings("burst")).hasSize(2);
        assertThat(tenants(h.firings("burst").get(1))).containsExactly("x", "x", "x");
    }

    @Test
    void statsReportEveryPartitionsClock() {
        Harness h = harness(Duration.ofSeconds(10), TENANT);
        // before anything: the default partition only, without a watermark
        assertThat(h.stats().partitions()).containsExactly(new CorrelationStats.PartitionClock("", null, 0));
        h.feed(fail(100, "hal", "10.0.0.1", null), fail(120, "hal", "10.0.0.1", null));
        h.feed(fail(5, "hal", "10.0.0.1", "x"), fail(7, "hal", "10.0.0.1", "y"), fail(30, "hal", "10.0.0.1", "y"));
        // watermark = latest event time of the partition minus the 10 s allowance; what it has not passed is held
        assertThat(h.stats().partitions())
                .containsExactly(
                        new CorrelationStats.PartitionClock("", Harness.T0.plusSeconds(110), 1),
                        new CorrelationStats.PartitionClock("x", Harness.T0.minusSeconds(5), 1),
                        new CorrelationStats.PartitionClock("y", Harness.T0.plusSeconds(20), 1));
        assertThat(h.stats().heldBack())
                .isEqualTo(h.stats().partitions().stream()
                        .mapToInt(CorrelationStats.PartitionClock::heldBack)
                        .sum());
        assertThat(h.stats().watermark("z")).isNull();

        // a flush releases everything: each watermark moves to its partition's latest event time
        h.flush();
        assertThat(h.stats().partitions())
                .containsExactly(
                        new CorrelationStats.PartitionClock("", Harness.T0.plusSeconds(120), 0),
                        new CorrelationStats.PartitionClock("x", Harness.T0.plusSeconds(5), 0),
                        new CorrelationStats.PartitionClock("y", Harness.T0.plusSeconds(30), 0));

        // forgotten partitions are no longer listed; the default partition always is
        h.clock.advance(Duration.ofMinutes(10).plusSeconds(1));
        h.tick();
        assertThat(h.stats().partitions())
                .containsExactly(new CorrelationStats.PartitionClock("", Harness.T0.plusSeconds(120), 0));

        // without a partition function there is one clock, the default partition's
        Harness one = harness(Duration.ofSeconds(10), null);
        one.feed(fail(100, "hal", "10.0.0.1", null), fail(5, "hal", "10.0.0.1", "x"));
        assertThat(one.stats().partitions())
                .containsExactly(new CorrelationStats.PartitionClock("", Harness.T0.plusSeconds(90), 1));
    }

    @Test
    void idlePartitionsAreForgottenWithTheirGroups() {
        Harness h = harness(Duration.ofSeconds(10), TENANT);
        h.feed(fail(0, "gina", "10.0.0.1", null), fail(1, "gina", "10.0.0.1", "x"), fail(2, "gina", "10.0.0.1", "x"));
        h.flush();
        int groups = h.stats().groups();
        assertThat(groups).isPositive();
        // idle for twice the longest window (5 min): x is forgotten, production stays
        h.clock.advance(Duration.ofMinutes(10).plusSeconds(1));
        h.tick();
        assertThat(h.stats().groups()).isLessThan(groups).isPositive();
        assertThat(h.stats().expired()).isPositive();
        // a new detection of x starts afresh, not late
        h.feed(fail(3, "gina", "10.0.0.1", "x"));
        h.flush();
        assertThat(h.stats().lateDetections()).isZero();
        assertThat(h.firings("burst")).isEmpty();
    }
}
