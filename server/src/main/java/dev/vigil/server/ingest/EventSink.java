package dev.vigil.server.ingest;

import dev.vigil.server.normalize.IngestedEvent;
import java.util.List;

/**
 * Where the pipeline's workers deliver batches: detection today; the durable event store first once it exists
 * (issue 9). Called from several worker threads at once; must be thread-safe. When it throws, the pipeline tries
 * the batch's halves (down to single events) so that one event detection fails on does not fail the events batched
 * with it; when both halves fail too (detection or its database down) the batch is retried whole as before and
 * counted as failed when given up. A sink should therefore not have taken part of a batch when it throws (detection
 * folds a batch into its correlation windows only after the batch's alerts are stored, see {@code DetectionService}).
 */
@FunctionalInterface
public interface EventSink {
    void accept(List<IngestedEvent> batch) throws Exception;
}
