package dev.vigil.engine.correlate;

/** The correlation types of the Sigma correlation specification (v2.1), plus {@code value_median}. */
public enum CorrelationType {
    EVENT_COUNT("event_count"),
    VALUE_COUNT("value_count"),
    TEMPORAL("temporal"),
    TEMPORAL_ORDERED("temporal_ordered"),
    VALUE_SUM("value_sum"),
    VALUE_AVG("value_avg"),
    VALUE_PERCENTILE("value_percentile"),
    VALUE_MEDIAN("value_median");

    private final String yamlName;

    CorrelationType(String yamlName) {
        this.yamlName = yamlName;
    }

    /** The name as written in a rule ({@code event_count}). */
    public String yamlName() {
        return yamlName;
    }

    public static CorrelationType of(String name) {
        for (CorrelationType t : values()) if (t.yamlName.equals(name)) return t;
        return null;
    }

    boolean temporal() {
        return this == TEMPORAL || this == TEMPORAL_ORDERED;
    }

    boolean numeric() {
        return this == VALUE_SUM || this == VALUE_AVG || this == VALUE_PERCENTILE || this == VALUE_MEDIAN;
    }
}
