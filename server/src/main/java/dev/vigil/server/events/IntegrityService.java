package dev.vigil.server.events;

import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/**
 * Verifies the event store against its tamper-evident chain: re-reads every sealed event in a receive-time range,
 * recomputes the batch digests and checks the chain's links, and reports the batches (and their time ranges) that no
 * longer match. One verification runs at a time; every run is kept.
 */
public interface IntegrityService {

    /**
     * Starts a verification in the background (or returns the one already running).
     *
     * @param trigger {@code api}, {@code cli} or {@code schedule}
     */
    Verification start(Instant from, Instant to, String trigger, String requestedBy);

    /** Runs a verification on the calling thread and returns its outcome. */
    Verification run(Instant from, Instant to, String trigger, String requestedBy);

    Optional<Verification> get(UUID id);

    /** The most recent verifications, newest first. */
    List<Verification> recent(int limit);
}
