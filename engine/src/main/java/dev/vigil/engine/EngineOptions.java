package dev.vigil.engine;

import dev.vigil.engine.pipeline.Pipeline;
import dev.vigil.engine.pipeline.Pipelines;
import java.time.InstantSource;

/**
 * How an {@link Engine} matches.
 *
 * @param routing evaluate only the rules whose logsource fits the event's (default); off evaluates every rule on
 *     every event ("default mode" elsewhere, {@code --no-routing})
 * @param index use the candidate index when one is available (default); off is the naive reference path that
 *     evaluates every routed rule. Both must give identical detections.
 * @param pipeline normalises events before matching (default {@code auto}); events already normalised pass through
 * @param clock processing time (correlation windows use event time; this is injected, never read from the system
 *     clock inside the engine)
 * @param listener observability hooks (default no-op)
 * @param valueMemo replay the index scans of recently seen field values from a bounded per-thread memo (default on;
 *     see {@code dev.vigil.engine.index.ValueMemo}): the same candidates, fewer scans when values repeat
 * @param decide with the index, report a candidate rule whose candidate test decides it (a rule made only of exact
 *     string tests: {@code CandidateIndex#decides}) without evaluating it (default on): the same detections
 */
public record EngineOptions(
        boolean routing,
        boolean index,
        Pipeline pipeline,
        InstantSource clock,
        EngineListener listener,
        boolean valueMemo,
        boolean decide) {

    public EngineOptions {
        pipeline = pipeline == null ? Pipelines.builtin("none") : pipeline;
        clock = clock == null ? InstantSource.system() : clock;
        listener = listener == null ? EngineListener.NOOP : listener;
    }

    /** Routing on, index on, {@code auto} pipeline, system clock, no listener. */
    public static EngineOptions defaults() {
        return new EngineOptions(true, true, Pipelines.auto(), InstantSource.system(), EngineListener.NOOP, true, true);
    }

    public EngineOptions withRouting(boolean on) {
        return new EngineOptions(on, index, pipeline, clock, listener, valueMemo, decide);
    }

    public EngineOptions withIndex(boolean on) {
        return new EngineOptions(routing, on, pipeline, clock, listener, valueMemo, decide);
    }

    public EngineOptions withPipeline(Pipeline p) {
        return new EngineOptions(routing, index, p, clock, listener, valueMemo, decide);
    }

    public EngineOptions withClock(InstantSource c) {
        return new EngineOptions(routing, index, pipeline, c, listener, valueMemo, decide);
    }

    public EngineOptions withListener(EngineListener l) {
        return new EngineOptions(routing, index, pipeline, clock, l, valueMemo, decide);
    }

    public EngineOptions withValueMemo(boolean on) {
        return new EngineOptions(routing, index, pipeline, clock, listener, on, decide);
    }

    public EngineOptions withDecide(boolean on) {
        return new EngineOptions(routing, index, pipeline, clock, listener, valueMemo, on);
    }
}
