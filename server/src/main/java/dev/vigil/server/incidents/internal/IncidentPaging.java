package dev.vigil.server.incidents.internal;

import dev.vigil.server.incidents.Incident;
import dev.vigil.server.incidents.IncidentEvents;
import dev.vigil.server.incidents.IncidentSeverity;
import dev.vigil.server.incidents.IncidentStatus;
import dev.vigil.server.incidents.TimelineService;
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
 * team through on-call ({@link PagingService#pageTeam}: the team's escalation policy, else the default one).
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

    private final PagingService paging;
    private final DefaultIncidentService incidents;
    private final TimelineService timeline;
    private final dev.vigil.server.incidents.ObligationService obligations;
    private final IncidentProperties properties;
    private final MeterRegistry meters;

    IncidentPaging(
            PagingService paging,
            DefaultIncidentService incidents,
            TimelineService timeline,
            dev.vigil.server.incidents.ObligationService obligations,
            IncidentProperties properties,
            MeterRegistry meters) {
        this.paging = paging;
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
            obligations.forIncident(e.incidentId()).stream()
                    .flatMap(o -> o.stages().stream())
                    .flatMap(st -> paging.pagesFor(DEADLINE, st.id().toString()).stream())
                    .filter(p -> p.status() != PageStatus.RESOLVED)
                    .forEach(p -> paging.resolve(p.id(), e.actor()));
        }
        for (Page p : paging.pagesFor(SUBJECT, e.incidentId().toString())) {
            if (p.status() == PageStatus.RESOLVED) {
                continue;
            }
            if (e.to() == IncidentStatus.ACKNOWLEDGED && p.status() == PageStatus.TRIGGERED) {
                paging.acknowledge(p.id(), e.actor());
            } else if (e.to() == IncidentStatus.RESOLVED
                    || e.to() == IncidentStatus.CLOSED
                    || e.to() == IncidentStatus.MERGED) {
                paging.resolve(p.id(), e.actor());
            }
        }
    }

    @ApplicationModuleListener
    void on(PageEvents.PageTriggered e) {
        ofIncident(e.subjectType(), e.subjectId(), id -> timeline.record(
                id, "page", "Paging started (" + e.severity().id() + ")", "page " + e.pageId()));
    }

    @ApplicationModuleListener
    void on(PageEvents.PageEscalated e) {
        ofIncident(e.subjectType(), e.subjectId(), id -> timeline.record(
                id,
                "page",
                "Paged " + e.recipients().size() + " people (round " + (e.round() + 1) + ", step " + (e.step() + 1)
                        + ")",
                "page " + e.pageId()));
    }

    @ApplicationModuleListener
    void on(PageEvents.PageAcknowledged e) {
        ofIncident(e.subjectType(), e.subjectId(), id -> {
            timeline.record(id, "page", "Page acknowledged by " + e.by(), "page " + e.pageId());
            incidents.get(id).filter(i -> i.status() == IncidentStatus.NEW).ifPresent(i -> {
                try {
                    incidents.transition(i.id(), IncidentStatus.ACKNOWLEDGED, "page acknowledged by " + e.by());
                } catch (IllegalStateException | IllegalArgumentException ex) {
                    log.info("Incident {} not acknowledged from its page: {}", i.reference(), ex.getMessage());
                }
            });
        });
    }

    @ApplicationModuleListener
    void on(PageEvents.PageExhausted e) {
        ofIncident(e.subjectType(), e.subjectId(), id -> timeline.record(
                id,
                "page",
                "Nobody acknowledged the page: every step ran, the fallback was told",
                "page " + e.pageId()));
    }

    /** A notification deadline at risk pages the owning team (one page per stage), until the submission is recorded. */
    @ApplicationModuleListener
    void on(IncidentEvents.DeadlineAtRisk e) {
        if (!properties.paging().enabled()) {
            return;
        }
        incidents.get(e.incidentId()).filter(i -> i.status().open()).ifPresent(i -> {
            String base = properties.baseUrl() == null ? "" : properties.baseUrl().replaceAll("/+$", "");
            try {
                paging.pageTeam(
                        i.owningTeam(),
                        new PageRequest(
                                DEADLINE,
                                e.stageId().toString(),
                                i.reference() + ": notification due " + e.dueAt() + " (" + e.obligation() + ", "
                                        + e.stage() + ")",
                                "Nothing was submitted yet for " + e.obligation() + " / " + e.stage()
                                        + ". Record the submission on the incident page, or mark the obligation"
                                        + " not required with a reason.",
                                Severity.HIGH,
                                null,
                                List.of(new PageRequest.PageLink(
                                        "Incident " + i.reference(),
                                        base + "/incidents/" + i.reference() + "#deadlines"))));
                meters.counter("vigil.incidents.deadline.paged").increment();
            } catch (RuntimeException ex) {
                log.warn("Deadline at risk on {} could not be paged: {}", i.reference(), ex.getMessage());
                timeline.record(i.id(), "page", "Could not page about the deadline: " + ex.getMessage(), null);
            }
        });
    }

    @ApplicationModuleListener
    void on(IncidentEvents.SubmissionRecorded e) {
        for (Page p : paging.pagesFor(DEADLINE, e.stageId().toString())) {
            if (p.status() != PageStatus.RESOLVED) {
                paging.resolve(p.id(), "submission recorded");
            }
        }
    }

    private void pageIfSerious(Incident i) {
        IncidentSeverity min = IncidentSeverity.parse(properties.paging().minSeverity());
        if (!properties.paging().enabled() || !i.status().open() || i.severity().compareTo(min) < 0) {
            return;
        }
        String subject = i.id().toString();
        if (paging.pagesFor(SUBJECT, subject).stream().anyMatch(p -> p.status() != PageStatus.RESOLVED)) {
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
        String base = properties.baseUrl() == null ? "" : properties.baseUrl().replaceAll("/+$", "");
        UUID pageId;
        try {
            pageId = paging.pageTeam(
                i.owningTeam(),
                new PageRequest(
                        SUBJECT,
                        subject,
                        i.reference() + ": " + i.title(),
                        summary.toString(),
                        Severity.parse(i.severity().id()),
                        null,
                        List.of(new PageRequest.PageLink("Incident " + i.reference(), base + "/incidents/"
                                + i.reference()))));
        } catch (RuntimeException e) {
            // No escalation policy for the team and no default one, or on-call refused: say so where people look.
            meters.counter("vigil.incidents.unpaged", "severity", i.severity().id()).increment();
            log.warn("Incident {} ({}) could not be paged: {}", i.reference(), i.severity().id(), e.getMessage());
            timeline.record(i.id(), "page", "Could not page the team: " + e.getMessage(), null);
            return;
        }
        meters.counter("vigil.incidents.paged", "severity", i.severity().id()).increment();
        log.info("Incident {} ({}) paged team {}: page {}", i.reference(), i.severity().id(), i.owningTeam(), pageId);
    }

    private void ofIncident(String type, String subjectId, java.util.function.Consumer<UUID> action) {
        if (!SUBJECT.equals(type)) {
            return;
        }
        UUID id;
        try {
            id = UUID.fromString(subjectId);
        } catch (IllegalArgumentException e) {
            return;
        }
        if (incidents.get(id).isPresent()) {
            action.accept(id);
        }
    }
}
