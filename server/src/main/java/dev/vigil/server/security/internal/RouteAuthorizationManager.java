package dev.vigil.server.security.internal;

import dev.vigil.server.platform.access.AccessRefusal;
import dev.vigil.server.platform.access.Permission;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.security.authentication.AnonymousAuthenticationToken;
import org.springframework.security.authorization.AuthorizationDecision;
import org.springframework.security.authorization.AuthorizationManager;
import org.springframework.security.authorization.AuthorizationResult;
import org.springframework.security.core.Authentication;
import org.springframework.security.web.access.intercept.RequestAuthorizationContext;

/**
 * The one authorization decision of both filter chains (tokens and browser sessions): the route's permission from
 * {@link RouteTable}, against the caller's permissions from {@link CurrentAccess}. Public routes are open; an
 * undeclared handler is refused to everyone (logged once per handler); everything else needs the permission.
 */
final class RouteAuthorizationManager implements AuthorizationManager<RequestAuthorizationContext> {
    private static final Logger log = LoggerFactory.getLogger(RouteAuthorizationManager.class);
    private final RouteTable routes;
    private final CurrentAccess access;
    private final Set<String> warned = ConcurrentHashMap.newKeySet();

    RouteAuthorizationManager(RouteTable routes, CurrentAccess access) {
        this.routes = routes;
        this.access = access;
    }

    @Override
    public AuthorizationResult authorize(
            Supplier<? extends Authentication> authentication, RequestAuthorizationContext context) {
        RouteTable.Resolution r = routes.resolve(context.getRequest());
        if (r.kind() == RouteTable.Kind.DECLARED && r.permission() == Permission.PUBLIC) {
            return new AuthorizationDecision(true);
        }
        Authentication auth = authentication.get();
        boolean signedIn = auth != null && auth.isAuthenticated() && !(auth instanceof AnonymousAuthenticationToken);
        AuthorizationDecision decision = decide(r, auth, signedIn);
        if (!decision.isGranted()) {
            // for the audit of refused changes (RefusedChangeAudit): which route, and why
            context.getRequest().setAttribute(RefusedChangeAudit.ROUTE, r.pattern());
            AccessRefusal.note(
                    context.getRequest(),
                    switch (r.kind()) {
                        case UNDECLARED -> "the route declares no permission (deny by default)";
                        case NO_ROUTE -> "not signed in";
                        case DECLARED ->
                            "needs the permission " + r.permission().id();
                    });
        }
        return decision;
    }

    private AuthorizationDecision decide(RouteTable.Resolution r, Authentication auth, boolean signedIn) {
        return switch (r.kind()) {
            case UNDECLARED -> {
                if (warned.add(r.handler())) {
                    log.error("Refusing {}: the handler declares no @RequirePermission (deny by default)", r.handler());
                }
                yield new AuthorizationDecision(false);
            }
            case NO_ROUTE -> new AuthorizationDecision(signedIn);
            case DECLARED ->
                new AuthorizationDecision(signedIn && access.permissions(auth).contains(r.permission()));
        };
    }
}
