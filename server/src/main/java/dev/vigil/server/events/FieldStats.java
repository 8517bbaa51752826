package dev.vigil.server.events;

import java.util.List;

/**
 * Field statistics over a search: exact counts per source and application over every match, and the top values of
 * event fields over a sample of the newest matches (exact when every match is in the sample).
 *
 * @param total matching events
 * @param sampled events the field statistics were computed from
 * @param exact true when {@code sampled == total}
 */
public record FieldStats(
        long total,
        int sampled,
        boolean exact,
        List<ValueCount> sources,
        List<ValueCount> applications,
        List<Field> fields) {

    public record ValueCount(String value, long count) {}

    /**
     * @param name the field
     * @param present events of the sample that have it
     * @param distinct distinct values in the sample
     * @param top the most frequent values with their counts in the sample
     */
    public record Field(String name, long present, long distinct, List<ValueCount> top) {}
}
