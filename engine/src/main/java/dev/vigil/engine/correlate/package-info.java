/**
 * Sigma correlation rules and kill-chain scoring. {@link dev.vigil.engine.correlate.CorrelationPlan} compiles the
 * loaded correlation rules (all types of the Sigma correlation specification v2.1 plus {@code value_median}:
 * references by id or name, chaining, {@code group-by}, {@code aliases}, {@code generate}); {@link
 * dev.vigil.engine.correlate.Correlator} runs them over detections in event time with sliding windows, an
 * out-of-order allowance and a watermark, and feeds {@code KillChainScorer} (entity risk and ATT&amp;CK tactic
 * progression, {@link dev.vigil.engine.correlate.KillChainConfig}). Group state lives behind the {@link
 * dev.vigil.engine.correlate.StateStore} SPI ({@link dev.vigil.engine.correlate.InMemoryStateStore} by default),
 * serialised by {@link dev.vigil.engine.correlate.StateCodec} for snapshots. The {@code Engine} facade wires it in;
 * semantics and configuration are documented in {@code docs/correlation.md}.
 */
package dev.vigil.engine.correlate;
