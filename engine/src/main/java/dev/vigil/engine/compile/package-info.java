/**
 * Lowering of parsed rules into predicate trees over interned field ids ({@link dev.vigil.engine.compile.Node},
 * {@link dev.vigil.engine.compile.Leaf}), the per-thread {@link dev.vigil.engine.compile.EvalContext}, and logsource
 * routing ({@link dev.vigil.engine.compile.Router}).
 */
package dev.vigil.engine.compile;
