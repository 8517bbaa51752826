package dev.vigil.server.ingest;

import java.util.List;
import java.util.Optional;

/**
 * Read access to intake activity for other modules (the application inventory reads last-seen and rate).
 * Implemented by the intake; cheap to call (counters are in memory).
 */
public interface SourceActivity {
    Optional<SourceStats> stats(String sourceName);

    List<SourceStats> all();

    /** The most recent rejections of a source, newest first (at most 100 are kept per source). */
    List<Rejection> recentRejections(String sourceName);
}
