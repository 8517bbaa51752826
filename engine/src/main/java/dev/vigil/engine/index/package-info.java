/**
 * Candidate index (the "presearcher" of Lucene's monitor module): from each compiled rule's leaves ({@link
 * dev.vigil.engine.compile.CompiledRule#leaves()}) a sound witness is extracted, and per event one pass over the
 * present fields yields the rules worth evaluating. Reserved for the performance work (issue 3); {@link
 * dev.vigil.engine.EngineOptions#index()} selects it once it exists, and the naive path stays the reference.
 */
package dev.vigil.engine.index;
