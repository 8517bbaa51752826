package dev.vigil.server.incidents;

import dev.vigil.server.platform.api.Page;
import dev.vigil.server.platform.api.PageQuery;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/**
 * Incidents: grouping alerts, the record, its life cycle and the manual operations on it (promote, merge, link,
 * split). Every change is audited, written to the incident's timeline and published as an {@link IncidentEvents}
 * event, in one transaction. The actor is the caller's ({@code Actor.current()}).
 */
public interface IncidentService {

    /** Reports an incident by hand (triage rules do not run; the caller chooses). */
    Incident create(NewIncident request);

    Optional<Incident> get(UUID id);

    /** By reference ({@code INC-42}) or id. */
    Optional<Incident> find(String idOrReference);

    /** Sortable: {@code createdAt}, {@code updatedAt}, {@code severity}, {@code priority}, {@code number}. */
    Page<Incident> find(IncidentQuery query, PageQuery page);

    /** How many incidents match (e.g. how many exercise incidents a production-only list leaves out). */
    long count(IncidentQuery query);

    /**
     * How many exercise incidents a list with this query leaves out: with
     * {@link dev.vigil.server.alerts.AlertQuery.Exercises#EXCLUDE} (the lists' default), those matching the other
     * filters (one count, served by {@code incidents_exercise_idx}); otherwise 0, without a query.
     */
    default long exercisesHidden(IncidentQuery query) {
        return query.exercises() == dev.vigil.server.alerts.AlertQuery.Exercises.EXCLUDE
                ? count(query.withExercises(dev.vigil.server.alerts.AlertQuery.Exercises.ONLY))
                : 0;
    }

    Incident update(UUID id, IncidentUpdate update);

    /**
     * Moves the incident to {@code to} if the status table allows it. Closing checks the closure gates
     * ({@link #closureBlockers}) and refuses with {@link IllegalStateException} listing them.
     */
    Incident transition(UUID id, IncidentStatus to, String note);

    /** What stops the incident from being closed now (empty: it can be closed). */
    List<String> closureBlockers(UUID id);

    /**
     * Every listed alert of the incident, oldest first. Unbounded (an incident can hold 100,000 alerts): for what
     * must see all of them; lists shown to people or API clients use {@link #alerts(UUID, PageQuery)}.
     */
    List<IncidentAlert> alerts(UUID id);

    /**
     * One page of the incident's listed alerts (duplicates are counted on them), ordered by {@code addedAt} (sort
     * {@code addedAt,asc}, the default, or {@code addedAt,desc}), the alert id breaking ties; by offset or by keyset
     * cursor ({@link Page#nextCursor()}).
     */
    Page<IncidentAlert> alerts(UUID id, PageQuery page);

    /** The incident an alert belongs to. */
    Optional<UUID> incidentOf(UUID alertId);

    /**
     * Makes an incident of an alert: when the alert is in no incident, a new incident is triaged from it; when it
     * is in one, it is split out into a new incident.
     */
    Incident promote(UUID alertId);

    /**
     * Merges {@code source} into {@code target}: the source's alerts move to the target (keeping their origin), both
     * are linked, the source becomes {@code merged} and stays readable. Non-destructive.
     */
    Incident merge(UUID target, UUID source, String note);

    /** Links two incidents as related (both directions). */
    void link(UUID a, UUID b, String note);

    void unlink(UUID a, UUID b);

    List<IncidentLink> links(UUID id);

    /** Moves the given alerts of an incident into a new incident (same triage attributes), linked to the original. */
    Incident split(UUID id, List<UUID> alertIds, String title);

    Observable addObservable(UUID id, String kind, String value, String description, boolean ioc);

    boolean removeObservable(UUID id, UUID observableId);

    /** Every observable (unbounded: the report; they are taken from every alert's entities, so lists page). */
    List<Observable> observables(UUID id);

    /** One page of the observables by {@code createdAt} (asc by default), the id breaking ties; offset or cursor. */
    Page<Observable> observables(UUID id, PageQuery page);

    Participant addParticipant(UUID id, Participant participant);

    boolean removeParticipant(UUID id, String name);

    List<Participant> participants(UUID id);
}
