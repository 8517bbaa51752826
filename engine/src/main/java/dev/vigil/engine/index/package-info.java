/**
 * Candidate index (the "presearcher" of Lucene's monitor module), reserved for the performance work (issue 3).
 *
 * <p>What it builds on:
 *
 * <ul>
 *   <li>{@link dev.vigil.engine.RuleSet#compiled()}: rule {@code i} at position {@code i}; each {@link
 *       dev.vigil.engine.compile.CompiledRule} has its predicate tree ({@code root()}: {@code Node.And/Or/Not/AtLeast}
 *       over {@link dev.vigil.engine.compile.Leaf}s; filters are already AND-ed in) and the flat list of its distinct
 *       leaves ({@code leaves()}).
 *   <li>A leaf names its field by id ({@code field()}, {@link dev.vigil.engine.compile.Leaf#ANY_FIELD} for keywords,
 *       which test every value), its operator ({@code op()}: EQ, PREFIX, SUFFIX, CONTAINS, ANY_VALUE, GLOB, REGEX,
 *       NUM_*, BOOL, NULL, EXISTS, NOT_EXISTS, CIDR, FIELDREF, TIME_PART) and, for string operators, its literal
 *       ({@code literal()}, already lower-case unless {@code caseSensitive()}); a {@code Leaf.Glob} exposes its
 *       {@code segments()} between {@code *}. Windash, base64offset and placeholder expansions are already
 *       expanded into {@code Or} nodes of plain leaves, so every literal a rule can match is visible.
 *   <li>A sound witness: a set of (field, literal) pairs such that every event the rule matches satisfies at least
 *       one of them. It exists when the root, read as AND/OR over leaves with negations pushed down, needs at least
 *       one positive string leaf in every satisfying assignment; rules that can match through {@code Not}, {@code
 *       NULL}, {@code NOT_EXISTS}, regexes or numeric comparisons alone have none and must always be evaluated.
 *   <li>{@link dev.vigil.engine.compile.EvalContext} binds an event to the rule set's {@link
 *       dev.vigil.engine.compile.FieldTable} once; {@code first(field)}/{@code next(slot)} walk a field's values and
 *       {@code event().lower(slot)} gives the cached lower-case text, so an index pass over present fields costs one
 *       automaton run per value.
 *   <li>{@link dev.vigil.engine.compile.Router#route} gives the routed rule indices (ascending); the engine loop in
 *       {@link dev.vigil.engine.Engine#match} is where candidates replace them when {@link
 *       dev.vigil.engine.EngineOptions#index()} is on. The naive path must stay and give identical detections.
 * </ul>
 */
package dev.vigil.engine.index;
