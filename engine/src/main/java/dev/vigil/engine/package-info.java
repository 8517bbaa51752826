/**
 * Vigil's Sigma detection engine (plain Java, no framework). Public surface:
 *
 * <ul>
 *   <li>{@link dev.vigil.engine.RuleLoader} reads rules, filters and correlation rules into a {@link
 *       dev.vigil.engine.LoadResult} (with {@link dev.vigil.engine.Refusal}s for everything it will not load);
 *   <li>{@link dev.vigil.engine.RuleSet#compile} builds an immutable compiled set;
 *   <li>{@link dev.vigil.engine.Engine} matches batches of {@link dev.vigil.engine.event.Event}s and returns {@link
 *       dev.vigil.engine.Detection}s, swapping rule sets atomically;
 *   <li>{@link dev.vigil.engine.pipeline.Pipelines} normalise events (field names, logsource, time).
 * </ul>
 *
 * Sub-packages: {@code event} (events, JSON reading), {@code rule} (Sigma model and parser), {@code compile}
 * (predicate trees, routing), {@code pipeline}, {@code index} (candidate index), {@code correlate}.
 */
package dev.vigil.engine;
