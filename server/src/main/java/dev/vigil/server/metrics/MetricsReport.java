package dev.vigil.server.metrics;

import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * The metrics of a period: overall {@link Figures} and the same figures per dimension.
 *
 * @param groups per dimension ({@code team}, {@code severity}, {@code classification}, {@code month}), the groups in
 *     order (months ascending, the others by name)
 */
public record MetricsReport(
        Instant from, Instant to, Instant computedAt, Figures overall, Map<String, List<Group>> groups) {

    public static final List<String> DIMENSIONS = List.of("team", "severity", "classification", "month");

    /** One value of a dimension (e.g. severity {@code high}, month {@code 2026-11}) and its figures. */
    public record Group(String key, Figures figures) {}

    /**
     * Figures of a set of incidents and pages.
     *
     * @param incidents incidents created in the period (merged ones not counted)
     * @param mttd occurred to detected (dwell time)
     * @param mtta detected to acknowledged
     * @param mttc detected to contained
     * @param mttr detected to resolved
     * @param phases time spent in each NIST phase ({@code detection-analysis} .. {@code post-incident}), over the
     *     phases an incident has left (time in its current phase is not counted until it moves on)
     * @param deadlines notification stages with a deadline, and how they went
     * @param rcaRequired resolved or closed incidents that need an RCA; {@code rcaDone} of them completed or waived
     * @param pagesAfterHours pages created outside the owning team's business hours
     * @param pagesEscalated pages that escalated past their first step; {@code escalations} the steps past the first
     * @param pageAck page created to acknowledged
     */
    public record Figures(
            long incidents,
            Timing mttd,
            Timing mtta,
            Timing mttc,
            Timing mttr,
            Map<String, Timing> phases,
            Deadlines deadlines,
            long rcaRequired,
            long rcaDone,
            Double rcaCompletion,
            long pages,
            long pagesAfterHours,
            long pagesEscalated,
            long escalations,
            Timing pageAck) {}

    /**
     * A duration statistic in seconds (millisecond precision).
     *
     * @param count samples; {@code inconsistent} pairs skipped because the end lies before the start (a data error
     *     worth fixing, e.g. occurred after detected)
     * @param meanSeconds null without samples
     */
    public record Timing(long count, long inconsistent, Double meanSeconds, Double medianSeconds, Double maxSeconds) {}

    /**
     * Notification deadlines: stages with a deadline; submitted on time, late, and open past their deadline.
     *
     * @param compliance on time / (on time + late + overdue); null when none was due yet
     */
    public record Deadlines(long due, long onTime, long late, long overdue, Double compliance) {}
}
