package dev.vigil.server.alerts;

import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

/** Raises and reads alerts. Thread-safe. */
public interface AlertService {

    /**
     * Stores the alerts and announces them in one {@link AlertsRaised} event per batch (one per
     * {@value AlertsRaised#MAX_ALERTS} alerts), all in one transaction: either every alert of the batch is stored and
     * announced, or none is (and the exception reaches the caller, whose batch can be retried). An alert whose rule already
     * alerted on the same stored event ({@link NewAlert#eventId()}) is skipped (a replay after a crash), and so is an
     * alert whose fixed id ({@link NewAlert#id()}) is already stored (a retry of an alert stored before). Returns the
     * alerts stored by this call, in order.
     */
    List<Alert> raise(List<NewAlert> alerts);

    Optional<Alert> get(UUID id);

    /** The stored alerts among these ids, in the order of {@code ids} (unknown ids are left out). One query. */
    List<Alert> getAll(Collection<UUID> ids);

    AlertPage find(AlertQuery query);

    /** The alerts raised on each of these stored events (event store ids), by event id; events without alerts are absent. */
    Map<Long, List<UUID>> alertIdsByEvent(Collection<Long> eventIds);

    /** Counts per hour and per level of the alerts created in [{@code from}, {@code to}) (dashboard). */
    AlertStats stats(java.time.Instant from, java.time.Instant to);

    /** Alerts stored so far per rule id (for coverage and rule statistics). */
    long countByRule(String ruleId);

    /** Alerts per rule id created in [{@code from}, {@code to}) (null: unbounded), one query (rule health). */
    java.util.Map<String, Long> countsByRule(java.time.Instant from, java.time.Instant to);

    /**
     * The alerts an exercise's replay raised since {@code since} (oldest first, at most {@code limit}). Exercise alerts
     * are left out of {@link #stats}, {@link #countByRule} and {@link #countsByRule} (production figures).
     */
    List<Alert> exerciseAlerts(UUID exercise, java.time.Instant since, int limit);
}
