package dev.vigil.server.oncall.internal;

import dev.vigil.server.notify.Deliveries;
import dev.vigil.server.oncall.EscalationPolicy;
import dev.vigil.server.oncall.Page;
import dev.vigil.server.oncall.PageHistory;
import dev.vigil.server.oncall.PageRequest;
import dev.vigil.server.oncall.PageStatus;
import dev.vigil.server.oncall.PagingService;
import dev.vigil.server.platform.audit.AuditLog;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Optional;
import java.util.UUID;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

/** {@link PagingService} on the {@link EscalationEngine}, with the application clock. */
@Service
class DefaultPagingService implements PagingService {
    private final EscalationEngine engine;
    private final PageRepository pages;
    private final OnCallStore store;
    private final Deliveries deliveries;
    private final OnCallProperties properties;
    private final Clock clock;
    private final AuditLog audit;

    DefaultPagingService(
            EscalationEngine engine,
            PageRepository pages,
            OnCallStore store,
            Deliveries deliveries,
            OnCallProperties properties,
            Clock clock,
            AuditLog audit) {
        this.audit = audit;
        this.engine = engine;
        this.pages = pages;
        this.store = store;
        this.deliveries = deliveries;
        this.properties = properties;
        this.clock = clock;
    }

    /**
     * The time of a command, at PostgreSQL's precision: a step due "now" is stored rounded to the microsecond, and
     * a nanosecond-precise now could fall just before it and leave the first step to the wake-up.
     */
    private java.time.Instant now() {
        return clock.instant().truncatedTo(java.time.temporal.ChronoUnit.MICROS);
    }

    @Override
    public UUID startPaging(PageRequest request) {
        return engine.start(request, policyFor(request.policyId()), now());
    }

    @Override
    public UUID pageTeam(String team, PageRequest request) {
        if (request.policyId() != null) {
            return startPaging(request);
        }
        EscalationPolicy policy = policyForTeam(team)
                .orElseThrow(() -> new IllegalStateException("no escalation policy for team '" + team
                        + "' and no default escalation policy named '" + properties.defaultPolicy() + "' exists"));
        return engine.start(request, policy, now());
    }

    @Override
    public Optional<EscalationPolicy> policyForTeam(String team) {
        if (team != null && !team.isBlank()) {
            Optional<UUID> teamId = store.teamIdByIdOrName(team.strip());
            if (teamId.isPresent()) {
                Optional<EscalationPolicy> owned = store.policies().stream()
                        .filter(p -> teamId.get().equals(p.teamId()))
                        .findFirst();
                if (owned.isPresent()) {
                    return owned;
                }
            }
        }
        return store.policyByName(properties.defaultPolicy());
    }

    EscalationPolicy policyFor(UUID policyId) {
        if (policyId != null) {
            return store.policy(policyId)
                    .orElseThrow(() -> new IllegalArgumentException("no escalation policy " + policyId));
        }
        return store.policyByName(properties.defaultPolicy())
                .orElseThrow(() -> new IllegalStateException("no policy given and no default escalation policy named '"
                        + properties.defaultPolicy() + "' exists"));
    }

    boolean hasDefaultPolicy() {
        return store.policyByName(properties.defaultPolicy()).isPresent();
    }

    @Override
    @Transactional
    public Page acknowledge(UUID pageId, String by) {
        Page before = require(pageId);
        return audited("acknowledged", before, engine.acknowledge(pageId, by, userIdOf(by), now()), by);
    }

    @Override
    @Transactional
    public Page unacknowledge(UUID pageId, String by) {
        Page before = require(pageId);
        return audited("unacknowledged", before, engine.unacknowledge(pageId, by, now()), by);
    }

    @Override
    @Transactional
    public Page resolve(UUID pageId, String by) {
        Page before = require(pageId);
        return audited("resolved", before, engine.resolve(pageId, by, now()), by);
    }

    /** Audits a status change made by a person (API, UI or a signed link); a no-op repeat is not recorded. */
    private Page audited(String action, Page before, Page after, String by) {
        if (before.status() != after.status()) {
            audit.record(
                    action,
                    "page",
                    after.id().toString(),
                    Map.of("status", before.status().id()),
                    Map.of("status", after.status().id(), "by", by == null ? "" : by, "title", after.title()));
        }
        return after;
    }

    @Override
    public Optional<Page> get(UUID pageId) {
        return pages.get(pageId);
    }

    @Override
    public Optional<PageHistory> history(UUID pageId) {
        return pages.get(pageId)
                .map(p -> new PageHistory(
                        p, pages.log(pageId), deliveries.byCorrelation(EscalationEngine.correlation(pageId))));
    }

    @Override
    public List<Page> pagesFor(String subjectType, String subjectId) {
        return pages.forSubject(subjectType, subjectId);
    }

    @Override
    public List<Page> recent(PageStatus status, int limit) {
        if (limit < 1 || limit > 500) {
            throw new IllegalArgumentException("limit must be between 1 and 500");
        }
        return pages.recent(status, limit);
    }

    Page require(UUID id) {
        return pages.get(id).orElseThrow(() -> new NoSuchElementException("no page " + id));
    }

    /** A {@code by} that is a known person's id links the acknowledgement to them (for reminders). */
    private UUID userIdOf(String by) {
        if (by == null) {
            return null;
        }
        try {
            UUID id = UUID.fromString(by);
            return store.person(id).isPresent() ? id : null;
        } catch (IllegalArgumentException e) {
            return null;
        }
    }
}
