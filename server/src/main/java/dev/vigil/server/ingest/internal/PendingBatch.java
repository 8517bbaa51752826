package dev.vigil.server.ingest.internal;

import dev.vigil.server.ingest.Rejection;
import dev.vigil.server.normalize.IngestedEvent;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;

/**
 * The outcome of normalizing one read or request, not yet counted: events to offer and rejections to record. Counted
 * only once the pipeline has taken the events ({@link #commit}), so a request answered 429 and retried by its client
 * is not counted twice; or counted as dropped ({@link #commitDropped}) when it cannot be retried (UDP).
 */
final class PendingBatch {
    final List<IngestedEvent> events = new ArrayList<>();
    private final List<CompiledSource> eventSources = new ArrayList<>();
    private final List<CompiledSource> rejectedSources = new ArrayList<>();
    private final List<Rejection> rejections = new ArrayList<>();

    void add(CompiledSource source, IngestedEvent event) {
        events.add(event);
        eventSources.add(source);
        estimatedBytes += dev.vigil.server.ingest.IngestPipeline.estimateBytes(event);
    }

    /** The heap the events taken so far are estimated to occupy (the pipeline's estimate, see its queue budget). */
    long estimatedBytes() {
        return estimatedBytes;
    }

    /** Where a request's reader claims the events' heap from the in-flight gate (null: not gated here). */
    RequestBudget budget;

    private long estimatedBytes;

    void reject(CompiledSource source, Rejection r) {
        rejectedSources.add(source);
        rejections.add(r);
    }

    int rejectedCount() {
        return rejections.size();
    }

    List<Rejection> rejections() {
        return rejections;
    }

    void commit() {
        countAccepted(eventSources);
        for (int i = 0; i < rejections.size(); i++) {
            rejectedSources.get(i).counters().rejected(rejections.get(i));
        }
    }

    void commitDropped() {
        Map<CompiledSource, int[]> n = new IdentityHashMap<>();
        for (CompiledSource s : eventSources) {
            n.computeIfAbsent(s, k -> new int[1])[0]++;
        }
        n.forEach((s, c) -> s.counters().dropped(c[0]));
        for (int i = 0; i < rejections.size(); i++) {
            rejectedSources.get(i).counters().rejected(rejections.get(i));
        }
    }

    private static void countAccepted(List<CompiledSource> sources) {
        CompiledSource current = null;
        int run = 0;
        for (CompiledSource s : sources) {
            if (s != current) {
                if (current != null) {
                    current.counters().accepted(run);
                }
                current = s;
                run = 0;
            }
            run++;
        }
        if (current != null) {
            current.counters().accepted(run);
        }
    }
}
