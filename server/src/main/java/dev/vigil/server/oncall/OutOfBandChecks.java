package dev.vigil.server.oncall;

import java.time.Instant;
import java.util.List;
import java.util.UUID;

/**
 * The out-of-band check (SAMM IM3-B, "detect and correct unavailability"): on a configurable cadence (db-scheduler,
 * durable) a test notification goes to every enabled channel of every person on call and to every shared channel; a
 * person confirms receipt with a signed single-use link before a deadline. A failed delivery or a missed deadline is a
 * warning (dashboard, on-call page, API) and is sent to the fallback contact of the person's teams. Read-only for other
 * modules (e.g. governance evidence).
 */
public interface OutOfBandChecks {

    /**
     * One test notification and its outcome.
     *
     * @param status {@code pending} (queued), {@code ok} (delivered; awaiting confirmation when {@code confirmBy} is
     *     set), {@code confirmed}, {@code failed} (the delivery failed for good), {@code unconfirmed} (not confirmed
     *     by the deadline)
     */
    record Result(
            UUID id,
            UUID runId,
            UUID channelId,
            String channelName,
            String channelType,
            UUID userId,
            String userName,
            String status,
            String detail,
            Instant sentAt,
            Instant finishedAt,
            Instant confirmBy,
            Instant confirmedAt) {
        /** A failed delivery or a missed confirmation deadline. */
        public boolean problem() {
            return "failed".equals(status) || "unconfirmed".equals(status);
        }
    }

    /** The latest result of every channel that was ever checked. */
    List<Result> latest();

    /** The channels whose latest settled result is a problem (failed or unconfirmed). */
    List<Result> warnings();

    /** Results of checks sent in [from, to), newest first (at most {@code limit}, 1..1000). */
    List<Result> history(Instant from, Instant to, int limit);

    /** When the last check ran, or null if never. */
    Instant lastRun();

    /** Sends a round of test notifications now (besides the scheduled ones); returns the run id. */
    UUID runNow();
}
