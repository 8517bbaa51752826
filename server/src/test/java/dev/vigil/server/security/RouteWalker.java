package dev.vigil.server.security;

import dev.vigil.server.platform.access.Permission;
import dev.vigil.server.security.internal.RouteTable;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import org.springframework.http.MediaType;
import org.springframework.mock.web.MockHttpServletRequest;
import org.springframework.web.bind.annotation.RequestMethod;
import org.springframework.web.method.HandlerMethod;
import org.springframework.web.servlet.HandlerMapping;
import org.springframework.web.servlet.handler.AbstractHandlerMethodMapping;
import org.springframework.web.servlet.handler.AbstractUrlHandlerMapping;
import org.springframework.web.servlet.mvc.method.RequestMappingInfo;

/**
 * Reads every route the running server has (all handler-method mappings: controllers, actuator, springdoc; all URL
 * mappings: static resources, webjars, Swagger UI) and checks each one. Used by {@code RouteAuthorizationTest}; kept
 * apart so that {@code RouteWalkerTest} can prove that it reports an undeclared or an open route.
 */
final class RouteWalker {

    /**
     * One route with a concrete path to call.
     *
     * @param viaSession the route only answers requests without an {@code Authorization} header (browser pages)
     * @param needsToken the route only answers requests with one
     * @param permission what the route declares; null when undeclared
     */
    record Route(
            String method,
            String pattern,
            String path,
            String contentType,
            boolean viaSession,
            boolean needsToken,
            HandlerMethod handler,
            Permission permission) {
        @Override
        public String toString() {
            return method + " " + pattern + (handler == null ? "" : " (" + handler.getShortLogMessage() + ")");
        }
    }

    /** Callers of the HTTP checks. */
    enum Caller {
        ANONYMOUS,
        INGEST,
        METRICS,
        VIEWER,
        AUDITOR,
        RESPONDER,
        ANALYST,
        ADMIN
    }

    /** Sends a route's request as a caller and answers the HTTP status. */
    interface Http {
        int status(Route route, Caller caller);
    }

    /** Every route of the handler mappings, with its declared permission. */
    static List<Route> routes(List<HandlerMapping> mappings, RouteTable table) {
        Set<Route> routes = new LinkedHashSet<>();
        for (HandlerMapping m : mappings) {
            if (m instanceof AbstractHandlerMethodMapping<?> hmm) {
                hmm.getHandlerMethods().forEach((info, hm) -> {
                    if (!(info instanceof RequestMappingInfo rmi)) {
                        return;
                    }
                    Set<RequestMethod> methods = rmi.getMethodsCondition().getMethods();
                    if (methods.isEmpty()) {
                        methods = Set.of(RequestMethod.GET, RequestMethod.POST);
                    }
                    boolean viaSession = rmi.getHeadersCondition().getExpressions().stream()
                            .anyMatch(e -> e.getName().equalsIgnoreCase("Authorization") && e.isNegated());
                    boolean needsToken = rmi.getHeadersCondition().getExpressions().stream()
                            .anyMatch(e -> e.getName().equalsIgnoreCase("Authorization") && !e.isNegated());
                    String contentType = rmi.getConsumesCondition().getConsumableMediaTypes().stream()
                            .filter(t -> !t.isWildcardType())
                            .map(MediaType::toString)
                            .findFirst()
                            .orElse(null);
                    for (String pattern : rmi.getPatternValues()) {
                        for (RequestMethod method : methods) {
                            String path = concrete(pattern);
                            Permission declared = RouteTable.declared(hm);
                            if (declared == null) {
                                declared = resolve(table, method.name(), path, contentType, needsToken);
                            }
                            routes.add(new Route(
                                    method.name(), pattern, path, contentType, viaSession, needsToken, hm, declared));
                        }
                    }
                });
            } else if (m instanceof AbstractUrlHandlerMapping um) {
                Set<String> patterns = new LinkedHashSet<>(um.getHandlerMap().keySet());
                um.getPathPatternHandlerMap().keySet().forEach(p -> patterns.add(p.getPatternString()));
                for (String pattern : patterns) {
                    String path = concrete(pattern);
                    routes.add(new Route(
                            "GET", pattern, path, null, false, false, null, resolve(table, "GET", path, null, false)));
                }
            }
        }
        List<Route> list = new ArrayList<>(routes);
        list.sort(Comparator.comparing(Route::pattern).thenComparing(Route::method));
        return list;
    }

    private static Permission resolve(RouteTable table, String method, String path, String contentType, boolean token) {
        MockHttpServletRequest request = new MockHttpServletRequest(method, path);
        if (contentType != null) {
            request.setContentType(contentType);
        }
        if (token) {
            request.addHeader("Authorization", "Bearer x");
        }
        RouteTable.Resolution r = table.resolve(request);
        return r.kind() == RouteTable.Kind.DECLARED ? r.permission() : null;
    }

    /**
     * A path that the pattern matches: variables become {@code x1}, a variable restricted to alternatives of plain
     * words ({@code {action:acknowledge|resolve}}) its first word, wildcards {@code x}.
     */
    static String concrete(String pattern) {
        String p = pattern.replaceAll("\\{\\*[^}]+}", "x")
                .replaceAll("\\{[A-Za-z0-9_]+:([A-Za-z0-9_-]+)(\\|[A-Za-z0-9_-]+)*}", "$1")
                .replaceAll("\\{[^}]+}", "x1");
        p = p.replace("**", "x").replace("*", "x");
        return p.isEmpty() ? "/" : p;
    }

    /** What each caller may do. */
    static Set<Permission> permissions(Caller c) {
        return switch (c) {
            case ANONYMOUS -> Set.of();
            case INGEST -> ApiScope.INGEST.permissions();
            case METRICS -> ApiScope.METRICS.permissions();
            default -> dev.vigil.server.platform.access.Role.valueOf(c.name()).permissions();
        };
    }

    /**
     * Permissions every authenticated caller holds: there is no under-privileged caller to try. (Browser-only routes
     * whose permission every role holds, such as the dashboard, are in the same position: only anonymous callers can
     * be refused, and are.)
     */
    static final Set<Permission> HELD_BY_ALL = Set.of(Permission.HEALTH_READ);

    /**
     * The problems of the routes: undeclared routes, and declared non-public routes that an anonymous caller, a
     * caller without the permission, or (positively) a caller with it are not answered as they should be.
     */
    static List<String> problems(List<Route> routes, Http http) {
        List<String> problems = new ArrayList<>();
        for (Route r : routes) {
            if (r.permission() == null) {
                problems.add(r + ": declares no permission (add @RequirePermission or an ApiEndpoint)");
                continue;
            }
            if (r.permission() == Permission.PUBLIC) {
                continue;
            }
            if (!r.needsToken()) {
                int anonymous = http.status(r, Caller.ANONYMOUS);
                if (anonymous != 401 && anonymous != 302) {
                    problems.add(r + ": open to anonymous callers (" + anonymous + ")");
                }
            }
            Caller weak = null;
            Caller strong = null;
            for (Caller c : Caller.values()) {
                if (c == Caller.ANONYMOUS || (r.viaSession() && (c == Caller.INGEST || c == Caller.METRICS))) {
                    continue;
                }
                boolean has = permissions(c).contains(r.permission());
                if (!has && weak == null) {
                    weak = c;
                }
                if (has && strong == null) {
                    strong = c;
                }
            }
            if (weak == null) {
                boolean everyRole = java.util.Arrays.stream(dev.vigil.server.platform.access.Role.values())
                        .allMatch(role -> role.grants(r.permission()));
                if (!HELD_BY_ALL.contains(r.permission()) && !(r.viaSession() && everyRole)) {
                    problems.add(r + ": no caller lacks " + r.permission() + " (declare it in HELD_BY_ALL if meant)");
                }
            } else {
                int denied = http.status(r, weak);
                if (denied != 403) {
                    problems.add(r + ": a " + weak + " caller without " + r.permission() + " got " + denied);
                }
            }
            if (strong != null) {
                int allowed = http.status(r, strong);
                if (allowed == 401 || allowed == 403) {
                    problems.add(
                            r + ": a " + strong + " caller with " + r.permission() + " was refused (" + allowed + ")");
                }
            }
        }
        return problems;
    }
}
