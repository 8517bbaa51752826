package dev.vigil.server.security.internal;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.RemovalCause;
import dev.vigil.server.platform.access.AccessRefusal;
import dev.vigil.server.platform.audit.Actor;
import dev.vigil.server.platform.audit.AuditLog;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * Audits refused changes: every state-changing request ({@code POST PUT PATCH DELETE}, API and web alike) of an
 * authenticated principal that is answered 403, whether the filter chain refused it (the route's permission, a
 * missing CSRF token) or a service did (its own rule, e.g. someone else's leave or personal token). The entry
 * ({@code request_refused}) names who (the actor), what (method and path <em>template</em>, never the raw path or
 * query, which may carry secrets), why (the denial's reason, {@link AccessRefusal}) and from where (the client
 * address, in the entry's source address and its details).
 *
 * <p>Flooding: at most one entry per principal and action (method + template) per {@code interval}; the attempts in
 * between are counted ({@code vigil.security.refusals.suppressed}) and the next entry for that principal and action
 * carries their number ({@code suppressed}) and the first one's time. A principal/action that goes quiet with
 * attempts still uncounted in the log gets a closing entry when it is forgotten (idle for {@code 10 × interval}, or
 * pushed out by the {@code max-tracked} bound), so the count in the log is complete. Unauthenticated requests (401)
 * are not audited per request: failed sign-ins are (throttled, {@link LocalSignIn}); an unknown token proves nothing
 * about who sent it.
 *
 * <p>A refusal whose service has written its own, more specific entry ({@link AccessRefusal#audited()}, e.g.
 * {@code token_issue_denied}) gets no {@code request_refused} entry, and does not count towards the windows above:
 * each refusal is in the log once.
 */
final class RefusedChangeAudit {
    private static final Logger log = LoggerFactory.getLogger(RefusedChangeAudit.class);
    /** Request attribute: the refused route's path template (set by {@link RouteAuthorizationManager}). */
    static final String ROUTE = RefusedChangeAudit.class.getName() + ".route";

    /**
     * Request attribute: the {@link Actor} of an API token request (set by {@link ApiTokenAuthenticationFilter}, which
     * clears the security context when the request is done, before this filter looks).
     */
    static final String ACTOR = RefusedChangeAudit.class.getName() + ".actor";

    static final String ACTION = "request_refused";
    private static final Set<String> CHANGES = Set.of("POST", "PUT", "PATCH", "DELETE");

    private final AuditLog audit;
    private final RouteTable routes;
    private final Clock clock;
    private final Duration interval;
    private final Cache<Key, Window> windows;
    private final Counter recorded;
    private final Counter suppressed;

    private record Key(Actor actor, String method, String route) {}

    /** The current window of one principal and action. Guarded by the map's compute. */
    private static final class Window {
        final Instant start;
        long suppressed;
        Instant firstSuppressed;
        String lastClient;
        String lastReason;

        Window(Instant start) {
            this.start = start;
        }
    }

    RefusedChangeAudit(
            AuditLog audit, RouteTable routes, Clock clock, SecurityProperties.Refusals limits, MeterRegistry meters) {
        this.audit = audit;
        this.routes = routes;
        this.clock = clock;
        this.interval = limits.interval();
        this.recorded = Counter.builder("vigil.security.refusals.recorded")
                .description("refused state-changing requests written to the audit log")
                .register(meters);
        this.suppressed = Counter.builder("vigil.security.refusals.suppressed")
                .description("refused state-changing requests not written one by one (rate limit per principal and"
                        + " action); their number is in the next entry")
                .register(meters);
        this.windows = Caffeine.newBuilder()
                .maximumSize(limits.maxTracked())
                .expireAfterAccess(interval.multipliedBy(10))
                // on the thread that ends the window (flush, or the request whose access evicts it), outside the map
                .executor(Runnable::run)
                .scheduler(com.github.benmanes.caffeine.cache.Scheduler.systemScheduler()) // idle ones end on time
                .<Key, Window>removalListener((key, window, cause) -> {
                    if (key != null && window != null && cause != RemovalCause.REPLACED && window.suppressed > 0) {
                        closing(key, window);
                    }
                })
                .build();
    }

    /**
     * The filter for a security filter chain (placed right after the security context is loaded, so that after the
     * rest of the chain and the handler have answered, the principal is still known). One per chain, sharing this
     * instance's windows; not a bean, so that it is not registered a second time as a servlet filter.
     */
    jakarta.servlet.Filter filter() {
        return new OncePerRequestFilter() {
            @Override
            protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
                    throws ServletException, IOException {
                afterChain(request, response, chain);
            }
        };
    }

    void afterChain(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        chain.doFilter(request, response);
        if (response.getStatus() != 403 || !CHANGES.contains(request.getMethod())) {
            return;
        }
        if (AccessRefusal.isAudited(request)) {
            return; // the refusing service wrote its own, more specific entry
        }
        Optional<Actor> actor = Actor.currentIfAny()
                .or(() -> Optional.ofNullable(request.getAttribute(ACTOR) instanceof Actor a ? a : null));
        if (actor.isEmpty()) {
            return; // not signed in: a 401 in disguise (e.g. a missing CSRF token before signing in)
        }
        try {
            refused(actor.get(), request);
        } catch (RuntimeException e) {
            // the answer is already sent; a failed audit write must not turn it into a 500
            log.error("could not audit a refused {} by {}", request.getMethod(), actor.get(), e);
        }
    }

    private void refused(Actor actor, HttpServletRequest request) {
        String route = route(request);
        String reason = Optional.ofNullable(AccessRefusal.reason(request)).orElse("refused (403)");
        String client = request.getRemoteAddr();
        Key key = new Key(actor, request.getMethod(), route);
        Instant now = clock.instant();
        Window[] ended = {null};
        boolean[] record = {false};
        windows.asMap().compute(key, (k, w) -> {
            if (w == null || !now.isBefore(w.start.plus(interval))) {
                ended[0] = w;
                record[0] = true;
                return new Window(now);
            }
            w.suppressed++;
            if (w.firstSuppressed == null) {
                w.firstSuppressed = now;
            }
            w.lastClient = client;
            w.lastReason = reason;
            return w;
        });
        if (!record[0]) {
            suppressed.increment();
            return;
        }
        Map<String, Object> details = details(key, reason, client);
        Window previous = ended[0];
        details.put("suppressed", previous == null ? 0 : previous.suppressed);
        if (previous != null && previous.firstSuppressed != null) {
            details.put("suppressedSince", previous.firstSuppressed.toString());
        }
        audit.record(actor, ACTION, "route", key.method() + " " + route, null, details);
        recorded.increment();
    }

    /** The last entry of a principal/action that went quiet with attempts not yet in the log. */
    private void closing(Key key, Window w) {
        // not under the address of whichever request happens to end the window
        org.springframework.web.context.request.RequestAttributes current =
                org.springframework.web.context.request.RequestContextHolder.getRequestAttributes();
        org.springframework.web.context.request.RequestContextHolder.resetRequestAttributes();
        try {
            Map<String, Object> details = details(key, w.lastReason, w.lastClient);
            details.put("suppressed", w.suppressed);
            details.put("suppressedSince", w.firstSuppressed.toString());
            details.put("closing", true);
            audit.record(key.actor(), ACTION, "route", key.method() + " " + key.route(), null, details);
            recorded.increment();
        } catch (RuntimeException e) {
            log.error("could not audit {} suppressed refusals of {} {}", w.suppressed, key.actor(), key.route(), e);
        } finally {
            org.springframework.web.context.request.RequestContextHolder.setRequestAttributes(current);
        }
    }

    private static Map<String, Object> details(Key key, String reason, String client) {
        Map<String, Object> details = new LinkedHashMap<>();
        details.put("method", key.method());
        details.put("route", key.route());
        details.put("reason", reason);
        details.put("client", client);
        return details;
    }

    /**
     * The refused route's path template: noted by the authorization decision, else the one Spring MVC matched, else
     * looked up now (a request refused before the authorization decision, e.g. for its CSRF token). Never the raw
     * path: {@code (no route)} when nothing matches.
     */
    private String route(HttpServletRequest request) {
        if (request.getAttribute(ROUTE) instanceof String r) {
            return r;
        }
        if (request.getAttribute(org.springframework.web.servlet.HandlerMapping.BEST_MATCHING_PATTERN_ATTRIBUTE)
                instanceof String r) {
            return r;
        }
        try {
            String pattern = routes.resolve(request).pattern();
            return pattern != null ? pattern : "(no route)";
        } catch (RuntimeException e) {
            return "(no route)";
        }
    }

    /**
     * Ends every window now, writing the closing entries of those with uncounted attempts (at shutdown, before the
     * audit log's database goes, and in tests).
     */
    void flush() {
        windows.invalidateAll();
        windows.cleanUp();
    }
}
