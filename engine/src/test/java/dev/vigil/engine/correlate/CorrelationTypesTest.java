package dev.vigil.engine.correlate;

import static dev.vigil.engine.correlate.Harness.T0;
import static dev.vigil.engine.correlate.Harness.ev;
import static dev.vigil.engine.correlate.Harness.rule;
import static org.assertj.core.api.Assertions.assertThat;

import dev.vigil.engine.Detection;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

/** Acceptance 1: every correlation type at its boundaries (threshold, window edges, groups, ordering). */
class CorrelationTypesTest {

    static String correlation(String id, String type, String rules, String groupBy, String span, String condition) {
        return "title: Corr " + id + "\nid: " + id + "\nlevel: high\ncorrelation:\n    type: " + type
                + "\n    rules:\n" + rules + (groupBy == null ? "" : "    group-by:\n" + groupBy) + "    timespan: "
                + span
                + "\n" + (condition == null ? "" : "    condition:\n" + condition) + "---\n";
    }

    static final String FAIL = rule("fail", "failure");
    static final String OK = rule("ok", "success");

    static Harness eventCount(int gte, String span) {
        return Harness.of(FAIL
                + correlation(
                        "burst",
                        "event_count",
                        "        - fail\n",
                        "        - User\n",
                        span,
                        "        gte: " + gte + "\n"));
    }

    static Detection[] none() {
        return new Detection[0];
    }

    @Nested
    class EventCount {
        @Test
        void firesExactlyAtTheThreshold() {
            Harness h = eventCount(3, "5m");
            h.feed(ev(0, "EventType", "failure", "User", "alice"), ev(10, "EventType", "failure", "User", "alice"));
            assertThat(h.firings).isEmpty();
            h.feed(ev(20, "EventType", "failure", "User", "alice"));
            assertThat(h.firings).hasSize(1);
            Detection f = h.firings.get(0);
            assertThat(f.ruleId()).isEqualTo("burst");
            assertThat(f.level()).isEqualTo("high");
            assertThat(f.correlation().groupKey()).containsEntry("User", "alice");
            assertThat(f.correlation().value()).isEqualTo(3);
            assertThat(f.correlation().contributing()).hasSize(3);
            assertThat(f.correlation().windowStart()).isEqualTo(T0);
            assertThat(f.correlation().windowEnd()).isEqualTo(T0.plusSeconds(20));
            assertThat(f.correlation().explanation()).contains("event_count = 3 (gte 3) within 5m");
        }

        @Test
        void oneBelowTheThresholdDoesNotFire() {
            Harness h = eventCount(3, "5m");
            h.feed(ev(0, "EventType", "failure", "User", "alice"), ev(299, "EventType", "failure", "User", "alice"));
            h.flush();
            assertThat(h.firings).isEmpty();
        }

        @Test
        void detectionsExactlyTimespanApartShareTheWindow() {
            Harness h = eventCount(2, "5m");
            h.feed(ev(0, "EventType", "failure", "User", "a"), ev(300, "EventType", "failure", "User", "a"));
            assertThat(h.firings).hasSize(1);
        }

        @Test
        void detectionsOneMillisecondMoreThanTimespanApartDoNot() {
            Harness h = eventCount(2, "5m");
            h.feed(ev(0, "EventType", "failure", "User", "a"), ev(300.001, "EventType", "failure", "User", "a"));
            assertThat(h.firings).isEmpty();
        }

        @Test
        void interleavedGroupsAreCountedSeparately() {
            Harness h = eventCount(3, "5m");
            for (int i = 0; i < 3; i++) {
                h.feed(
                        ev(i, "EventType", "failure", "User", "alice"),
                        ev(i + 0.5, "EventType", "failure", "User", "bob"));
            }
            h.feed(ev(4, "EventType", "failure", "User", "carol"));
            assertThat(h.firings)
                    .extracting(d -> d.correlation().groupKey().get("User"))
                    .containsExactly("alice", "bob");
        }

        @Test
        void detectionsWithoutTheGroupByFieldAreNotCountedButReported() {
            Harness h = eventCount(2, "5m");
            h.feed(
                    ev(0, "EventType", "failure"),
                    ev(1, "EventType", "failure"),
                    ev(2, "EventType", "failure", "User", "a"));
            assertThat(h.firings).isEmpty();
            assertThat(h.stats().missingGroupBy()).isEqualTo(2);
        }

        @Test
        void withoutGroupByAllDetectionsFormOneGroup() {
            Harness h = Harness.of(
                    FAIL + correlation("any", "event_count", "        - fail\n", null, "1m", "        gte: 2\n"));
            h.feed(ev(0, "EventType", "failure", "User", "a"), ev(1, "EventType", "failure"));
            assertThat(h.firings).hasSize(1);
            assertThat(h.firings.get(0).correlation().groupKey()).isEmpty();
        }

        @Test
        void aSaturatedWindowFiresOnceThenAgainOnlyAfterTheTimespan() {
            Harness h = eventCount(2, "1m");
            for (int i = 0; i < 10; i++) h.feed(ev(i, "EventType", "failure", "User", "a"));
            assertThat(h.firings).hasSize(1);
            h.feed(ev(60.5, "EventType", "failure", "User", "a")); // window [0.5, 60.5]: 10 detections, but refractory
            assertThat(h.firings).hasSize(1);
            h.feed(ev(61.5, "EventType", "failure", "User", "a")); // > 1 + 60: may fire again
            assertThat(h.firings).hasSize(2);
            assertThat(h.firings.get(1).correlation().windowStart())
                    .isAfter(h.firings.get(0).correlation().windowEnd());
        }

        @Test
        void outOfOrderWithinTheAllowanceIsFoldedInInEventTimeOrder() {
            Harness h = new Harness(
                    Harness.rules(FAIL
                            + correlation(
                                    "burst",
                                    "event_count",
                                    "        - fail\n",
                                    "        - User\n",
                                    "1m",
                                    "        gte: 3\n")),
                    CorrelationOptions.defaults().withAllowance(Duration.ofSeconds(30)));
            h.feed(ev(100, "EventType", "failure", "User", "a"), ev(80, "EventType", "failure", "User", "a"));
            h.feed(ev(75, "EventType", "failure", "User", "a")); // 25 s late, within 30 s
            assertThat(h.firings).isEmpty(); // held back until the watermark passes
            h.feed(ev(131, "EventType", "failure", "User", "b")); // watermark 101: releases 75, 80, 100
            assertThat(h.firings).hasSize(1);
            assertThat(h.firings.get(0).correlation().windowStart()).isEqualTo(T0.plusSeconds(75));
            assertThat(h.firings.get(0).correlation().windowEnd()).isEqualTo(T0.plusSeconds(100));
            assertThat(h.stats().lateDetections()).isZero();
        }

        @Test
        void beyondTheAllowanceIsLateCountedAndNotFoldedIn() {
            List<java.time.Instant> late = new ArrayList<>();
            Harness h = new Harness(
                    Harness.rules(FAIL
                            + correlation(
                                    "burst",
                                    "event_count",
                                    "        - fail\n",
                                    "        - User\n",
                                    "5m",
                                    "        gte: 2\n")),
                    CorrelationOptions.defaults()
                            .withAllowance(Duration.ofSeconds(30))
                            .withListener(new CorrelationListener() {
                                @Override
                                public void late(Detection d, java.time.Instant t, java.time.Instant w) {
                                    late.add(t);
                                }
                            }));
            h.feed(ev(100, "EventType", "failure", "User", "a"));
            h.feed(ev(69, "EventType", "failure", "User", "a")); // 31 s behind the maximum: late
            h.flush();
            assertThat(h.firings).isEmpty();
            assertThat(h.stats().lateDetections()).isEqualTo(1);
            assertThat(late).containsExactly(T0.plusSeconds(69));
        }

        @Test
        void anIdleStreamReleasesHeldBackDetectionsAfterTheAllowanceInProcessingTime() {
            Harness h = new Harness(
                    Harness.rules(FAIL
                            + correlation(
                                    "burst",
                                    "event_count",
                                    "        - fail\n",
                                    "        - User\n",
                                    "5m",
                                    "        gte: 2\n")),
                    CorrelationOptions.defaults().withAllowance(Duration.ofSeconds(30)));
            h.feed(ev(0, "EventType", "failure", "User", "a"), ev(1, "EventType", "failure", "User", "a"));
            h.tick();
            assertThat(h.firings).isEmpty();
            assertThat(h.stats().heldBack()).isEqualTo(2);
            h.clock.advance(Duration.ofSeconds(30));
            h.tick();
            assertThat(h.firings).hasSize(1);
        }

        @Test
        void eventsWithoutTimestampUseTheInjectedClockAndAreCounted() {
            Harness h = eventCount(2, "1m");
            h.feed(ev(Double.NaN, "EventType", "failure", "User", "a"));
            h.clock.advance(Duration.ofSeconds(61));
            h.feed(ev(Double.NaN, "EventType", "failure", "User", "a"));
            assertThat(h.firings).isEmpty();
            h.feed(ev(Double.NaN, "EventType", "failure", "User", "a"));
            assertThat(h.firings).hasSize(1);
            assertThat(h.firings.get(0).correlation().windowEnd()).isEqualTo(T0.plusSeconds(61));
            assertThat(h.stats().processingTimeFallbacks()).isEqualTo(3);
        }

        @Test
        void rangeConditionsAreAnded() {
            Harness h = Harness.of(FAIL
                    + correlation(
                            "range",
                            "event_count",
                            "        - fail\n",
                            "        - User\n",
                            "1m",
                            "        gt: 1\n        lte: 2\n"));
            h.feed(ev(0, "EventType", "failure", "User", "a"), ev(1, "EventType", "failure", "User", "a"));
            assertThat(h.firings).hasSize(1);
            assertThat(h.firings.get(0).correlation().value()).isEqualTo(2);
        }

        @Test
        void ltFiresOnAWindowWithFewDetections() {
            Harness h = Harness.of(FAIL
                    + correlation(
                            "rare", "event_count", "        - fail\n", "        - User\n", "1h", "        lt: 2\n"));
            h.feed(ev(0, "EventType", "failure", "User", "a"), ev(10, "EventType", "failure", "User", "a"));
            assertThat(h.firings).hasSize(1); // the first detection: 1 < 2 over [t-1h, t]
            assertThat(h.firings.get(0).correlation().value()).isEqualTo(1);
        }
    }

    @Nested
    class ValueCount {
        Harness h = Harness.of(FAIL
                + correlation(
                        "fanout",
                        "value_count",
                        "        - fail\n",
                        "        - Computer\n",
                        "5m",
                        "        field: SourceIP\n        gte: 3\n"));

        @Test
        void countsDistinctValuesAndFiresAtTheThreshold() {
            h.feed(
                    ev(0, "EventType", "failure", "Computer", "h1", "SourceIP", "10.0.0.1"),
                    ev(1, "EventType", "failure", "Computer", "h1", "SourceIP", "10.0.0.1"),
                    ev(2, "EventType", "failure", "Computer", "h1", "SourceIP", "10.0.0.2"),
                    ev(3, "EventType", "failure", "Computer", "h1", "SourceIP", "10.0.0.2"));
            assertThat(h.firings).isEmpty(); // 2 distinct, 4 detections
            h.feed(ev(4, "EventType", "failure", "Computer", "h1", "SourceIP", "10.0.0.3"));
            assertThat(h.firings).hasSize(1);
            assertThat(h.firings.get(0).correlation().value()).isEqualTo(3);
        }

        @Test
        void aValueSeenAgainKeepsItsLatestTimeInTheWindow() {
            h.feed(
                    ev(0, "EventType", "failure", "Computer", "h1", "SourceIP", "a"),
                    ev(1, "EventType", "failure", "Computer", "h1", "SourceIP", "b"),
                    ev(250, "EventType", "failure", "Computer", "h1", "SourceIP", "a"),
                    ev(301, "EventType", "failure", "Computer", "h1", "SourceIP", "c"));
            // at 301 the window is [1, 301]: b (1), a (250), c (301)
            assertThat(h.firings).hasSize(1);
        }

        @Test
        void detectionsWithoutTheFieldAreSkippedAndCounted() {
            h.feed(
                    ev(0, "EventType", "failure", "Computer", "h1", "SourceIP", "a"),
                    ev(1, "EventType", "failure", "Computer", "h1"),
                    ev(2, "EventType", "failure", "Computer", "h1", "SourceIP", "b"));
            assertThat(h.firings).isEmpty();
            assertThat(h.stats().missingValue()).isEqualTo(1);
        }

        @Test
        void interleavedGroups() {
            for (int i = 0; i < 3; i++) {
                h.feed(
                        ev(i, "EventType", "failure", "Computer", "h1", "SourceIP", "x" + i),
                        ev(i, "EventType", "failure", "Computer", "h2", "SourceIP", "same"));
            }
            assertThat(h.firings)
                    .extracting(d -> d.correlation().groupKey().get("Computer"))
                    .containsExactly("h1");
        }
    }

    @Nested
    class Temporal {
        static final String RECON =
                rule("recon-a", "whoami") + rule("recon-b", "ipconfig") + rule("recon-c", "netstat");
        static final String RULES = "        - recon-a\n        - recon_b\n        - recon-c\n";

        @Test
        void allReferencedRulesInAnyOrderWithinTheTimespanFire() {
            Harness h = Harness.of(RECON + correlation("recon", "temporal", RULES, "        - Computer\n", "5m", null));
            h.feed(
                    ev(0, "EventType", "netstat", "Computer", "h"),
                    ev(10, "EventType", "whoami", "Computer", "h"),
                    ev(20, "EventType", "whoami", "Computer", "h"));
            assertThat(h.firings).isEmpty();
            h.feed(ev(300, "EventType", "ipconfig", "Computer", "h")); // exactly 5m after netstat
            assertThat(h.firings).hasSize(1);
            assertThat(h.firings.get(0).correlation().value()).isEqualTo(3);
            assertThat(h.firings.get(0).correlation().contributing())
                    .extracting(Detection::ruleId)
                    .containsExactly("recon-c", "recon-a", "recon-b");
        }

        @Test
        void oneRuleOutsideTheTimespanDoesNotFire() {
            Harness h = Harness.of(RECON + correlation("recon", "temporal", RULES, "        - Computer\n", "5m", null));
            h.feed(
                    ev(0, "EventType", "netstat", "Computer", "h"),
                    ev(10, "EventType", "whoami", "Computer", "h"),
                    ev(300.001, "EventType", "ipconfig", "Computer", "h"));
            assertThat(h.firings).isEmpty();
        }

        @Test
        void aConditionCountsDistinctRules() {
            Harness h = Harness.of(
                    RECON + correlation("recon2", "temporal", RULES, "        - Computer\n", "5m", "        gte: 2\n"));
            h.feed(ev(0, "EventType", "whoami", "Computer", "h"), ev(1, "EventType", "whoami", "Computer", "h"));
            assertThat(h.firings).isEmpty();
            h.feed(ev(2, "EventType", "netstat", "Computer", "h"));
            assertThat(h.firings).hasSize(1);
        }

        @Test
        void groupsDoNotMix() {
            Harness h = Harness.of(RECON + correlation("recon", "temporal", RULES, "        - Computer\n", "5m", null));
            h.feed(
                    ev(0, "EventType", "whoami", "Computer", "h1"),
                    ev(1, "EventType", "ipconfig", "Computer", "h2"),
                    ev(2, "EventType", "netstat", "Computer", "h1"));
            assertThat(h.firings).isEmpty();
        }

        @Test
        void aliasesGroupAcrossDifferentFieldsOfTwoRules() {
            String yaml = "title: Internal error\nname: internal_error\nlogsource:\n    category: web\ndetection:\n"
                    + "    sel:\n        http.response.status_code: 500\n    condition: sel\n---\n"
                    + "title: New connection\nname: new_network_connection\nlogsource:\n    category: network\n"
                    + "detection:\n    sel:\n        event.category: network\n    condition: sel\n---\n"
                    + "title: Error then connection\nid: alias-corr\ncorrelation:\n    type: temporal\n    rules:\n"
                    + "        - internal_error\n        - new_network_connection\n    group-by:\n"
                    + "        - internal_ip\n        - remote_ip\n    timespan: 10s\n    aliases:\n"
                    + "        internal_ip:\n            internal_error: destination.ip\n"
                    + "            new_network_connection: source.ip\n        remote_ip:\n"
                    + "            internal_error: source.ip\n            new_network_connection: destination.ip\n";
            Harness h = Harness.of(yaml);
            h.feed(
                    ev(0, "http.response.status_code", 500L, "destination.ip", "10.0.0.5", "source.ip", "203.0.113.9"),
                    // swapped roles, but not the same pair: no fire
                    ev(1, "event.category", "network", "source.ip", "10.0.0.5", "destination.ip", "198.51.100.1"));
            assertThat(h.firings).isEmpty();
            h.feed(ev(2, "event.category", "network", "source.ip", "10.0.0.5", "destination.ip", "203.0.113.9"));
            assertThat(h.firings).hasSize(1);
            assertThat(h.firings.get(0).correlation().groupKey())
                    .containsEntry("internal_ip", "10.0.0.5")
                    .containsEntry("remote_ip", "203.0.113.9");
        }
    }

    @Nested
    class TemporalOrdered {
        static final String RULES = "        - fail\n        - ok\n";

        Harness h = Harness.of(
                FAIL + OK + correlation("fail-then-ok", "temporal_ordered", RULES, "        - User\n", "1m", null));

        @Test
        void rightOrderFires() {
            h.feed(ev(0, "EventType", "failure", "User", "a"), ev(30, "EventType", "success", "User", "a"));
            assertThat(h.firings).hasSize(1);
            assertThat(h.firings.get(0).correlation().contributing())
                    .extracting(Detection::ruleId)
                    .containsExactly("fail", "ok");
        }

        @Test
        void rightEventsInTheWrongOrderDoNotFire() {
            h.feed(ev(0, "EventType", "success", "User", "a"), ev(30, "EventType", "failure", "User", "a"));
            h.flush();
            assertThat(h.firings).isEmpty();
        }

        @Test
        void wrongOrderByEventTimeDoesNotFireEvenWhenArrivingInListedOrder() {
            Harness held = new Harness(
                    Harness.rules(FAIL
                            + OK
                            + correlation("fail-then-ok", "temporal_ordered", RULES, "        - User\n", "1m", null)),
                    CorrelationOptions.defaults().withAllowance(Duration.ofSeconds(30)));
            held.feed(ev(20, "EventType", "failure", "User", "a"), ev(10, "EventType", "success", "User", "a"));
            held.flush();
            assertThat(held.firings).isEmpty();
        }

        @Test
        void equalTimestampsAreOrderedByArrival() {
            h.feed(ev(5, "EventType", "failure", "User", "a"), ev(5, "EventType", "success", "User", "a"));
            assertThat(h.firings).hasSize(1);
            Harness other = Harness.of(
                    FAIL + OK + correlation("fail-then-ok", "temporal_ordered", RULES, "        - User\n", "1m", null));
            other.feed(ev(5, "EventType", "success", "User", "a"), ev(5, "EventType", "failure", "User", "a"));
            assertThat(other.firings).isEmpty();
        }

        @Test
        void anEarlierFailureBeforeALaterSuccessStillCountsWhenASuccessCameFirst() {
            h.feed(
                    ev(0, "EventType", "success", "User", "a"),
                    ev(10, "EventType", "failure", "User", "a"),
                    ev(20, "EventType", "success", "User", "a"));
            assertThat(h.firings).hasSize(1);
        }

        @Test
        void outsideTheTimespanDoesNotFire() {
            h.feed(ev(0, "EventType", "failure", "User", "a"), ev(60.001, "EventType", "success", "User", "a"));
            assertThat(h.firings).isEmpty();
        }
    }

    @Nested
    class NumericAggregates {
        static final String TRANSFER = rule("xfer", "transfer");

        Harness of(String type, String condition) {
            return Harness.of(TRANSFER
                    + correlation(
                            "agg",
                            type,
                            "        - xfer\n",
                            "        - Computer\n",
                            "10m",
                            "        field: Bytes\n" + condition));
        }

        Harness feed(Harness h, double... values) {
            for (int i = 0; i < values.length; i++) {
                h.feed(ev(i, "EventType", "transfer", "Computer", "h", "Bytes", values[i]));
            }
            return h;
        }

        @Test
        void sumFiresExactlyAtGte() {
            assertThat(feed(of("value_sum", "        gte: 100\n"), 40, 59).firings)
                    .isEmpty();
            Harness h = feed(of("value_sum", "        gte: 100\n"), 40, 60);
            assertThat(h.firings).hasSize(1);
            assertThat(h.firings.get(0).correlation().value()).isEqualTo(100);
        }

        @Test
        void sumForgetsValuesThatLeftTheWindow() {
            Harness h = of("value_sum", "        gt: 100\n");
            h.feed(ev(0, "EventType", "transfer", "Computer", "h", "Bytes", 90L));
            h.feed(ev(601, "EventType", "transfer", "Computer", "h", "Bytes", 20L));
            assertThat(h.firings).isEmpty();
        }

        @Test
        void numericStringsCountAndOtherValuesAreSkipped() {
            Harness h = of("value_sum", "        gte: 30\n");
            h.feed(
                    ev(0, "EventType", "transfer", "Computer", "h", "Bytes", "10"),
                    ev(1, "EventType", "transfer", "Computer", "h", "Bytes", "lots"),
                    ev(2, "EventType", "transfer", "Computer", "h"));
            assertThat(h.firings).isEmpty();
            assertThat(h.stats().missingValue()).isEqualTo(2);
            h.feed(ev(3, "EventType", "transfer", "Computer", "h", "Bytes", 20L));
            assertThat(h.firings).hasSize(1);
        }

        @Test
        void average() {
            assertThat(feed(of("value_avg", "        gt: 50\n"), 50, 50).firings)
                    .isEmpty();
            Harness h = feed(of("value_avg", "        gt: 50\n"), 50, 51);
            assertThat(h.firings).hasSize(1);
            assertThat(h.firings.get(0).correlation().value()).isEqualTo(50.5);
        }

        @Test
        void medianOfEvenAndOddCounts() {
            Harness odd = feed(of("value_median", "        gte: 5\n"), 1, 9, 5);
            assertThat(odd.firings).hasSize(1);
            assertThat(odd.firings.get(0).correlation().value()).isEqualTo(5);
            Harness even = feed(of("value_median", "        eq: 4\n"), 2, 9, 6, 1);
            // medians: 2, 5.5, 6, 4
            assertThat(even.firings).hasSize(1);
            assertThat(even.firings.get(0).correlation().contributingTotal()).isEqualTo(4);
        }

        @Test
        void percentileInterpolatesBetweenClosestRanks() {
            Harness h = feed(
                    of("value_percentile", "        percentile: 90\n        gte: 91\n"),
                    10,
                    20,
                    30,
                    40,
                    50,
                    60,
                    70,
                    80,
                    90,
                    100);
            // p90 of 10..100 = 91 (rank 8.1)
            assertThat(h.firings).hasSize(1);
            assertThat(h.firings.get(0).correlation().value())
                    .isEqualTo(91.0, org.assertj.core.data.Offset.offset(1e-9));
            assertThat(h.firings.get(0).correlation().contributingTotal()).isEqualTo(10);
        }
    }
}
