package dev.vigil.server.incidents.internal;

import dev.vigil.server.incidents.Incident;
import dev.vigil.server.incidents.IncidentEvents;
import dev.vigil.server.incidents.IncidentSeverity;
import dev.vigil.server.incidents.IncidentStatus;
import dev.vigil.server.incidents.TimelineService;
import dev.vigil.server.oncall.EscalationPolicies;
import dev.vigil.server.oncall.Page;
import dev.vigil.server.oncall.PageEvents;
import dev.vigil.server.oncall.PageRequest;
import dev.vigil.server.oncall.PageStatus;
import dev.vigil.server.oncall.PagingService;
import dev.vigil.server.oncall.Severity;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.List;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.modulith.events.ApplicationModuleListener;
import org.springframework.stereotype.Component;

/**
 * Pages the team responsible for a serious incident and keeps the page in step with the incident. A new incident at
 * or above {@code vigil.incidents.paging.min-severity} (default high), or one raised to it later, pages its owning
 * team through on-call ({@link PagingService#pageTeam}: the escalation policy its triage chose, else the team's
 * escalation policy, else the default one).
 * Acknowledging the incident acknowledges its page; resolving, closing or merging it resolves the page. An
 * acknowledgement of the page (in a notification, the on-call UI or the API) acknowledges a new incident. Every step
 * is on the incident's timeline. Listeners are durable (Modulith event publication registry) and idempotent: on-call
 * keeps one open page per subject.
 */
@Component
class IncidentPaging {
    private static final Logger log = LoggerFactory.getLogger(IncidentPaging.class);
    static final String SUBJECT = "incident";
    static final String DEADLINE = "incident-deadline";
    /** Statuses in which someone still has to act (a resolved incident pages nobody, even when raised). */
    private static final java.util.Set<IncidentStatus> ACTIVE =
            java.util.EnumSet.of(IncidentStatus.NEW, IncidentStatus.ACKNOWLEDGED, IncidentStatus.CONTAINED);

    private final PagingService paging;
    private final EscalationPolicies policies;
    private final DefaultIncidentService incidents;
    private final TimelineService timeline;
    private final DefaultObligationService obligations;
    private final IncidentProperties properties;
    private final MeterRegistry meters;
    private final org.springframework.beans.factory.ObjectProvider<dev.vigil.server.incidents.ExercisePaging>
            exercisePaging;

    IncidentPaging(
            PagingService paging,
            EscalationPolicies policies,
            DefaultIncidentService incidents,
            TimelineService timeline,
            DefaultObligationService obligations,
            IncidentProperties properties,
            MeterRegistry meters,
            org.springframework.beans.factory.ObjectProvider<dev.vigil.server.incidents.ExercisePaging>
                    exercisePaging) {
        this.exercisePaging = exercisePaging;
        this.paging = paging;
        this.policies = policies;
        this.incidents = incidents;
        this.timeline = timeline;
        this.obligations = obligations;
        this.properties = properties;
        this.meters = meters;
    }

    @ApplicationModuleListener
    void on(IncidentEvents.IncidentCreated e) {
        incidents.get(e.incidentId()).ifPresent(this::pageIfSerious);
    }

    @ApplicationModuleListener
    void on(IncidentEvents.IncidentUpdated e) {
        if (e.fields().contains("severity")) {
            incidents.get(e.incidentId()).ifPresent(this::pageIfSerious);
        }
    }

    @ApplicationModuleListener
    void on(IncidentEvents.IncidentStatusChanged e) {
        if (!e.to().open()) {
            // Deadline pages end with the incident (every stage is submitted or not required by then).
            for (UUID stage : obligations.stageIds(e.incidentId())) {
                for (Page p : paging.pagesFor(DEADLINE, stage.toString())) {
                    if (p.status() != PageStatus.RESOLVED) {
                        quietly(() -> paging.resolve(p.id(), e.actor()), p);
                    }
                }
            }
        }
        for (Page p : paging.pagesFor(SUBJECT, e.incidentId().toString())) {
            if (p.status() == PageStatus.RESOLVED) {
                continue;
            }
            if (e.to() == IncidentStatus.ACKNOWLEDGED && p.status() == PageStatus.TRIGGERED) {
                quietly(() -> paging.acknowledge(p.id(), e.actor()), p);
            } else if (e.to() == IncidentStatus.RESOLVED
                    || e.to() == IncidentStatus.CLOSED
                    || e.to() == IncidentStatus.MERGED) {
                quietly(() -> paging.resolve(p.id(), e.actor()), p);
            }
        }
    }

    /**
     * A page changed by someone else in the meantime (resolved in the on-call UI) refuses the command; that is not a
     * reason to retry the event forever.
     */
    private static void quietly(Runnable command, Page p) {
        try {
            command.run();
        } catch (IllegalStateException | java.util.NoSuchElementException ex) {
            log.info("Page {} not changed: {}", p.id(), ex.getMessage());
        }
    }

    @ApplicationModuleListener
    void on(PageEvents.PageTriggered e) {
        note(
                e.subjectType(),
                e.subjectId(),
                e.pageId(),
                "paging started (" + e.severity().id() + ")");
    }

    @ApplicationModuleListener
    void on(PageEvents.PageEscalated e) {
        note(
                e.subjectType(),
                e.subjectId(),
                e.pageId(),
                "paged " + e.recipients().size() + " people (round " + (e.round() + 1) + ", step " + (e.step() + 1)
                        + ")");
    }

    @ApplicationModuleListener
    void on(PageEvents.PageAcknowledged e) {
        ofIncident(e.subjectType(), e.subjectId(), id -> {
            note(id, e.subjectType(), e.pageId(), "acknowledged by " + e.by());
            incidents
                    .get(id)
                    .filter(i -> SUBJECT.equals(e.subjectType()) && i.status() == IncidentStatus.NEW)
                    .ifPresent(i -> {
                        try {
                            incidents.transition(i.id(), IncidentStatus.ACKNOWLEDGED, "page acknowledged by " + e.by());
                        } catch (IllegalStateException | IllegalArgumentException ex) {
                            log.info("Incident {} not acknowledged from its page: {}", i.reference(), ex.getMessage());
                        }
                    });
        });
    }

    @ApplicationModuleListener
    void on(PageEvents.PageResolved e) {
        note(e.subjectType(), e.subjectId(), e.pageId(), "resolved by " + e.by());
    }

    @ApplicationModuleListener
    void on(PageEvents.PageExhausted e) {
        note(e.subjectType(), e.subjectId(), e.pageId(), "nobody acknowledged, every step ran, the fallback was told");
    }

    /** A notification deadline at risk pages the owning team (one page per stage), until the submission is recorded. */
    @ApplicationModuleListener
    void on(IncidentEvents.DeadlineAtRisk e) {
        pageDeadline(e.incidentId(), e.stageId(), e.obligation(), e.stage(), e.dueAt(), false);
    }

    /**
     * A missed deadline pages too (a stage can go from pending to overdue in one sweep, e.g. after downtime); while
     * the at-risk page is still open, on-call keeps that one (one open page per subject).
     */
    @ApplicationModuleListener
    void on(IncidentEvents.DeadlineMissed e) {
        pageDeadline(e.incidentId(), e.stageId(), e.obligation(), e.stage(), e.dueAt(), true);
    }

    private void pageDeadline(
            UUID incidentId, UUID stageId, String obligation, String stage, java.time.Instant dueAt, boolean missed) {
        if (!properties.paging().enabled()) {
            return;
        }
        incidents.get(incidentId).filter(i -> i.status().open() && mayPage(i)).ifPresent(i -> {
            try {
                paging.pageTeam(
                        i.owningTeam(),
                        new PageRequest(
                                DEADLINE,
                                stageId.toString(),
                                marker(i) + i.reference() + ": notification " + (missed ? "overdue, was due " : "due ")
                                        + dueAt + " (" + obligation + ", " + stage + ")",
                                "Nothing was submitted yet for " + obligation + " / " + stage
                                        + ". Record the submission on the incident page (with a justification when"
                                        + " late), or mark the obligation not required with a reason.",
                                missed ? Severity.CRITICAL : Severity.HIGH,
                                policyOf(i),
                                List.of(new PageRequest.PageLink(
                                        "Incident " + i.reference(),
                                        base() + "/incidents/" + i.reference() + "#deadlines"))));
                meters.counter("vigil.incidents.deadline.paged", "state", missed ? "overdue" : "at-risk")
                        .increment();
            } catch (RuntimeException ex) {
                meters.counter("vigil.incidents.deadline.unpaged").increment();
                log.warn("Deadline of {} could not be paged: {}", i.reference(), ex.getMessage());
                timeline.record(i.id(), "page", "Could not page about the deadline: " + ex.getMessage(), null);
            }
        });
    }

    private String base() {
        return properties.baseUrl() == null ? "" : properties.baseUrl().replaceAll("/+$", "");
    }

    @ApplicationModuleListener
    void on(IncidentEvents.SubmissionRecorded e) {
        for (Page p : paging.pagesFor(DEADLINE, e.stageId().toString())) {
            if (p.status() != PageStatus.RESOLVED) {
                quietly(() -> paging.resolve(p.id(), "submission recorded"), p);
            }
        }
    }

    /** A production incident pages; an exercise's only when the exercise asks to page the on-call team. */
    private boolean mayPage(Incident i) {
        UUID exercise = i.exerciseId();
        if (exercise == null) {
            return true;
        }
        var policy = exercisePaging.getIfAvailable();
        return policy != null && policy.pagesOnCall(exercise);
    }

    private static String marker(Incident i) {
        return i.exerciseId() == null ? "" : dev.vigil.server.normalize.ExerciseTag.PAGE_MARKER;
    }

    private void pageIfSerious(Incident i) {
        IncidentSeverity min = IncidentSeverity.parse(properties.paging().minSeverity());
        if (!properties.paging().enabled()
                || !ACTIVE.contains(i.status())
                || i.severity().compareTo(min) < 0
                || !mayPage(i)) {
            return;
        }
        String subject = i.id().toString();
        Severity severity = Severity.parse(i.severity().id());
        List<Page> earlier = paging.pagesFor(SUBJECT, subject);
        // One page at a time; after a page ended (acknowledged and resolved in on-call), only raising the incident
        // above every earlier page's severity pages again. This also makes a redelivered event (restart) harmless.
        if (earlier.stream()
                .anyMatch(p -> p.status() != PageStatus.RESOLVED || p.severity().compareTo(severity) >= 0)) {
            return;
        }
        StringBuilder summary = new StringBuilder()
                .append(i.severity().id())
                .append(", ")
                .append(i.priorityLabel())
                .append(", ")
                .append(i.classification())
                .append(i.owningTeam() == null ? "" : ", team " + i.owningTeam())
                .append("\nAlerts: ")
                .append(i.alertCount());
        if (i.description() != null) {
            summary.append('\n').append(i.description());
        }
        String base = base();
        UUID pageId;
        try {
            pageId = paging.pageTeam(
                    i.owningTeam(),
                    new PageRequest(
                            SUBJECT,
                            subject,
                            marker(i) + i.reference() + ": " + i.title(),
                            summary.toString(),
                            severity,
                            policyOf(i),
                            List.of(new PageRequest.PageLink(
                                    "Incident " + i.reference(), base + "/incidents/" + i.reference()))));
        } catch (RuntimeException e) {
            // No escalation policy for the team and no default one, or on-call refused: say so where people look.
            meters.counter("vigil.incidents.unpaged", "severity", i.severity().id())
                    .increment();
            log.warn(
                    "Incident {} ({}) could not be paged: {}",
                    i.reference(),
                    i.severity().id(),
                    e.getMessage());
            timeline.record(i.id(), "page", "Could not page the team: " + e.getMessage(), null);
            return;
        }
        meters.counter("vigil.incidents.paged", "severity", i.severity().id()).increment();
        log.info(
                "Incident {} ({}) paged team {}: page {}",
                i.reference(),
                i.severity().id(),
                i.owningTeam(),
                pageId);
    }

    /**
     * The escalation policy the incident's triage chose (by id or name), or null: the owning team's policy, else the
     * default. A policy that no longer exists is said on the timeline and the team's is used.
     */
    private UUID policyOf(Incident i) {
        if (i.escalationPolicy() == null || i.escalationPolicy().isBlank()) {
            return null;
        }
        var policy = policies.find(i.escalationPolicy());
        if (policy.isEmpty()) {
            timeline.record(
                    i.id(),
                    "page",
                    "No escalation policy '" + i.escalationPolicy() + "': paging with the owning team's policy",
                    null);
            return null;
        }
        return policy.get().id();
    }

    /** Notes what happened to a page on the timeline of the incident it is about (if it is about one). */
    private void note(String subjectType, String subjectId, UUID pageId, String what) {
        ofIncident(subjectType, subjectId, id -> note(id, subjectType, pageId, what));
    }

    private void note(UUID incidentId, String subjectType, UUID pageId, String what) {
        timeline.record(incidentId, "page", what(subjectType) + ": " + what, "page " + pageId);
    }

    private static String what(String subjectType) {
        return DEADLINE.equals(subjectType) ? "Deadline page" : "Page";
    }

    private void ofIncident(String type, String subjectId, java.util.function.Consumer<UUID> action) {
        if (!SUBJECT.equals(type) && !DEADLINE.equals(type)) {
            return;
        }
        UUID id;
        try {
            id = UUID.fromString(subjectId);
        } catch (IllegalArgumentException e) {
            return;
        }
        if (DEADLINE.equals(type)) {
            obligations.incidentOfStage(id).ifPresent(action);
        } else if (incidents.get(id).isPresent()) {
            action.accept(id);
        }
    }
}
