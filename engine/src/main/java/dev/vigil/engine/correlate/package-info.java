/**
 * Sigma correlation rules (event_count, value_count, temporal, temporal_ordered, value_sum, value_avg,
 * value_percentile, value_median): windows, group-by state with a StateStore SPI, event-time semantics. The loader
 * parses correlation documents into {@link dev.vigil.engine.rule.CorrelationRule}; this package compiles and runs
 * them. {@link dev.vigil.engine.correlate.CorrelationContext} is what a correlation detection carries.
 */
package dev.vigil.engine.correlate;
