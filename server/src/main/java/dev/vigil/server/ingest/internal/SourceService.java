package dev.vigil.server.ingest.internal;

import dev.vigil.server.ingest.Intake;
import dev.vigil.server.ingest.LogSource;
import dev.vigil.server.ingest.LogSources;
import dev.vigil.server.platform.access.AccessRefusal;
import dev.vigil.server.platform.access.Permission;
import dev.vigil.server.platform.audit.AuditLog;
import dev.vigil.server.security.AccessControl;
import dev.vigil.server.security.ApiScope;
import dev.vigil.server.security.ApiTokenService;
import dev.vigil.server.security.IssuedApiToken;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Optional;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.security.access.AccessDeniedException;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Log source configuration: CRUD in PostgreSQL, validation (a source that does not compile is refused when saved),
 * per-source ingest tokens, and the hot-path {@link SourceRegistry} kept in step (reloaded after every change and
 * every minute, so a change made through another node arrives too).
 */
@Service
class SourceService implements LogSources {
    private static final Logger log = LoggerFactory.getLogger(SourceService.class);

    private final SourceRepository repository;
    private final SourceRegistry registry;
    private final ApiTokenService tokens;
    private final Clock clock;
    private final AuditLog audit;
    private final AccessControl access;
    private final TransactionTemplate tx;

    SourceService(
            SourceRepository repository,
            SourceRegistry registry,
            ApiTokenService tokens,
            Clock clock,
            AuditLog audit,
            AccessControl access,
            TransactionTemplate tx) {
        this.audit = audit;
        this.access = access;
        this.tx = tx;
        this.repository = repository;
        this.registry = registry;
        this.tokens = tokens;
        this.clock = clock;
        for (Intake intake : Intake.values()) {
            repository.insertIfAbsent(SourceRegistry.defaultSource(intake, clock.instant()));
        }
        reload();
    }

    @Scheduled(fixedDelayString = "PT1M", initialDelayString = "PT1M")
    void reload() {
        try {
            registry.apply(repository.findAll());
        } catch (IllegalArgumentException e) {
            log.error("log sources not reloaded, the previous configuration stays in force: {}", e.getMessage());
        }
    }

    @Override
    public List<LogSource> list() {
        return repository.findAll();
    }

    @Override
    public Optional<LogSource> find(String name) {
        return repository.find(name);
    }

    /**
     * A created source and its ingest token (the secret is shown only here), or a null token when the caller may not
     * hold one ({@link #mayHoldIngestTokens}).
     */
    record Created(LogSource source, IssuedApiToken token) {}

    /**
     * An ingest token is a credential to write events as this source: issuing or revealing one needs {@code ingest} as
     * well as {@code sources_write} (an analyst configures sources, but does not thereby get to inject events into
     * them). Deny by default: a caller without a known permission set holds none.
     */
    boolean mayHoldIngestTokens() {
        return access.allowed(Permission.SOURCES_WRITE) && access.allowed(Permission.INGEST);
    }

    /** {@link #mayHoldIngestTokens}, or an audited refusal (403). */
    private void requireIngestTokenAccess(String name, String attempted) {
        if (!mayHoldIngestTokens()) {
            String reason = "issuing or revealing a source's ingest token needs both sources_write and ingest";
            audit.record(attempted + "_denied", "source", name, null, Map.of("reason", reason));
            AccessRefusal.audited(); // this entry, not a second request_refused
            throw new AccessDeniedException(reason);
        }
    }

    /**
     * Creates a source; its ingest token is issued only when the caller {@link #mayHoldIngestTokens may hold it}
     * (otherwise someone holding both rotates it later).
     */
    @Transactional
    Created create(LogSource draft) {
        LogSource.checkName(draft.name());
        var now = clock.instant();
        LogSource s = new LogSource(
                UUID.randomUUID(),
                draft.name(),
                draft.intake(),
                draft.parser(),
                draft.pipeline(),
                draft.product(),
                draft.category(),
                draft.service(),
                draft.application(),
                draft.match(),
                draft.priority(),
                draft.enabled(),
                false,
                now,
                now);
        SourceRegistry.validate(s);
        if (!repository.insert(s)) {
            throw new IllegalStateException("a log source named '" + s.name() + "' exists");
        }
        IssuedApiToken token = mayHoldIngestTokens() ? tokens.issue(ApiScope.INGEST, s.name(), null) : null;
        audit.record("created", "source", s.name(), null, s);
        reload();
        log.info(
                "log source '{}' created ({} intake, {} parser)",
                s.name(),
                s.intake().id(),
                s.parser().kind().id());
        return new Created(s, token);
    }

    @Transactional
    LogSource update(String name, LogSource draft) {
        LogSource current = repository.find(name).orElseThrow(() -> notFound(name));
        if (current.builtin() && draft.intake() != current.intake()) {
            throw new IllegalArgumentException("the intake of built-in source '" + name + "' cannot change");
        }
        LogSource s = new LogSource(
                current.id(),
                name,
                draft.intake(),
                draft.parser(),
                draft.pipeline(),
                draft.product(),
                draft.category(),
                draft.service(),
                draft.application(),
                current.builtin() ? List.of() : draft.match(),
                current.builtin() ? Integer.MAX_VALUE : draft.priority(),
                current.builtin() || draft.enabled(),
                current.builtin(),
                current.createdAt(),
                clock.instant());
        SourceRegistry.validate(s);
        repository.update(s);
        audit.record("updated", "source", name, current, s);
        reload();
        log.info("log source '{}' updated", name);
        return s;
    }

    @Transactional
    void delete(String name) {
        LogSource current = repository.find(name).orElseThrow(() -> notFound(name));
        if (current.builtin()) {
            throw new IllegalArgumentException("built-in source '" + name + "' cannot be deleted");
        }
        repository.delete(name);
        int revoked = tokens.revokeSubject(name);
        audit.record("deleted", "source", name, current, null);
        reload();
        log.info("log source '{}' deleted; {} ingest token(s) revoked", name, revoked);
    }

    /**
     * Revokes the source's tokens and issues a new one; refused (audited, nothing changed) unless the caller
     * {@link #mayHoldIngestTokens may hold it}. Not {@code @Transactional} itself: the refusal's audit entry must
     * commit although the call fails.
     */
    IssuedApiToken rotateToken(String name) {
        repository.find(name).orElseThrow(() -> notFound(name));
        requireIngestTokenAccess(name, "token_rotation");
        return tx.execute(status -> rotate(name));
    }

    private IssuedApiToken rotate(String name) {
        tokens.revokeSubject(name);
        IssuedApiToken issued = tokens.issue(ApiScope.INGEST, name, null);
        audit.record("token_rotated", "source", name, null, issued.info());
        return issued;
    }

    static NoSuchElementException notFound(String name) {
        return new NoSuchElementException("no log source named '" + name + "'");
    }
}
