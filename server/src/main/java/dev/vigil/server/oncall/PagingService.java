package dev.vigil.server.oncall;

import java.util.List;
import java.util.Optional;
import java.util.UUID;

/**
 * Paging: start an escalation about a subject, acknowledge, un-acknowledge, resolve. Every change is durable and
 * published as a {@link PageEvents} event. Timers live in PostgreSQL (db-scheduler), so a restart neither loses a
 * pending escalation step nor runs one twice; several instances on one database do not double-page.
 */
public interface PagingService {

    /**
     * Starts paging with a snapshot of the policy (the request's, or the configured default). When a page for the
     * same subject is still open, returns that page's id instead of starting a second one.
     */
    UUID startPaging(PageRequest request);

    /**
     * Pages the team responsible for a subject (an incident, an alert): uses the escalation policy owned by the
     * on-call team {@code team} (its id or its name; with several, the first by policy name), else the configured
     * default policy, and escalates until acknowledged (each notify step waits the policy's acknowledgement timeout,
     * default 20 minutes). The request's own {@code policyId}, when set, wins. Like {@link #startPaging}, an open page
     * for the same subject is returned instead of starting a second one.
     *
     * @param team an on-call team id or name; null or unknown uses the default policy
     */
    UUID pageTeam(String team, PageRequest request);

    /** The escalation policy {@link #pageTeam} would use for {@code team} (null: the default policy), if any. */
    Optional<EscalationPolicy> policyForTeam(String team);

    /** Stops the escalation; {@code by} is who acknowledged (a user id or name). Acknowledging twice is a no-op. */
    Page acknowledge(UUID pageId, String by);

    /** Returns an acknowledged page to triggered; escalation restarts at the policy's first step. */
    Page unacknowledge(UUID pageId, String by);

    /** Ends the page: no further steps, reminders or notifications. */
    Page resolve(UUID pageId, String by);

    Optional<Page> get(UUID pageId);

    /** The page with its history and deliveries. */
    Optional<PageHistory> history(UUID pageId);

    /** Pages about one subject, newest first. */
    List<Page> pagesFor(String subjectType, String subjectId);

    /** Recent pages, newest first; {@code status} null for all. */
    List<Page> recent(PageStatus status, int limit);
}
