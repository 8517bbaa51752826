package dev.vigil.server.ingest;

import dev.vigil.server.normalize.IngestedEvent;
import java.util.List;

/**
 * Where the pipeline's workers deliver batches: detection today; the durable event store first once it exists
 * (issue 9). Called from several worker threads at once; must be thread-safe. A thrown exception is counted as a
 * delivery failure for the whole batch and logged; the worker carries on.
 */
@FunctionalInterface
public interface EventSink {
    void accept(List<IngestedEvent> batch) throws Exception;
}
