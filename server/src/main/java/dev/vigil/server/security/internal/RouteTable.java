package dev.vigil.server.security.internal;

import dev.vigil.server.platform.access.Permission;
import dev.vigil.server.platform.access.RequirePermission;
import dev.vigil.server.security.ApiEndpoint;
import jakarta.servlet.http.HttpServletRequest;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.springframework.beans.factory.BeanFactoryUtils;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.context.ApplicationContext;
import org.springframework.core.annotation.AnnotatedElementUtils;
import org.springframework.core.annotation.AnnotationAwareOrderComparator;
import org.springframework.http.HttpMethod;
import org.springframework.http.server.RequestPath;
import org.springframework.stereotype.Component;
import org.springframework.web.method.HandlerMethod;
import org.springframework.web.servlet.HandlerExecutionChain;
import org.springframework.web.servlet.HandlerMapping;
import org.springframework.web.util.ServletRequestPathUtils;
import org.springframework.web.util.pattern.PathPattern;
import org.springframework.web.util.pattern.PathPatternParser;

/**
 * Which permission a request needs: the heart of deny-by-default. For a request, the handler Spring MVC will
 * dispatch to is looked up exactly as the {@code DispatcherServlet} does (every {@link HandlerMapping} bean in
 * order). Then:
 *
 * <ol>
 *   <li>a controller method (or its class) with {@link RequirePermission} requires that permission;
 *   <li>otherwise a path declaration ({@link #BUILT_IN} or an {@link ApiEndpoint} bean) that matches the request;
 *   <li>a handler with neither is <b>undeclared</b>: refused to everyone (and {@code RouteAuthorizationTest} fails);
 *   <li>a request no handler takes (it will be a 404, 405 or 415) needs any authenticated caller, so anonymous
 *       callers learn nothing about which routes exist.
 * </ol>
 */
@Component
public class RouteTable {
    /** Routes that are not controllers of ours: static files, actuator, OpenAPI and Swagger UI. */
    static final List<ApiEndpoint> BUILT_IN = List.of(
            ApiEndpoint.of("/assets/**", Permission.PUBLIC),
            ApiEndpoint.of("/webjars/**", Permission.PUBLIC),
            ApiEndpoint.of(HttpMethod.GET, "/favicon.ico", Permission.PUBLIC),
            ApiEndpoint.of("/actuator/health", Permission.HEALTH_READ),
            ApiEndpoint.of("/actuator/health/**", Permission.HEALTH_READ),
            ApiEndpoint.of("/actuator/prometheus", Permission.METRICS_READ),
            ApiEndpoint.of("/actuator", Permission.SYSTEM_READ),
            ApiEndpoint.of("/actuator/**", Permission.SYSTEM_READ),
            ApiEndpoint.of("/v3/api-docs", Permission.API_DOCS_READ),
            ApiEndpoint.of("/v3/api-docs/**", Permission.API_DOCS_READ),
            ApiEndpoint.of("/v3/api-docs.yaml", Permission.API_DOCS_READ),
            ApiEndpoint.of("/swagger-ui.html", Permission.API_DOCS_READ),
            ApiEndpoint.of("/swagger-ui/**", Permission.API_DOCS_READ));

    /**
     * The outcome of a lookup. {@code permission} is null for {@link Kind#UNDECLARED} and {@link Kind#NO_ROUTE};
     * {@code pattern} is the matched path template ({@code /api/v1/alerts/{id}}), null when none matched.
     */
    public record Resolution(Kind kind, Permission permission, String handler, String pattern) {}

    public enum Kind {
        DECLARED,
        UNDECLARED,
        NO_ROUTE
    }

    private record Declaration(HttpMethod method, PathPattern pattern, Permission permission) {}

    private final ApplicationContext context;
    private final ObjectProvider<ApiEndpoint> contributed;
    private volatile List<HandlerMapping> mappings;
    private volatile List<Declaration> declarations;

    RouteTable(ApplicationContext context, ObjectProvider<ApiEndpoint> contributed) {
        this.context = context;
        this.contributed = contributed;
    }

    public Resolution resolve(HttpServletRequest request) {
        Object previous = request.getAttribute(ServletRequestPathUtils.PATH_ATTRIBUTE);
        RequestPath path = ServletRequestPathUtils.parseAndCache(request);
        try {
            for (HandlerMapping mapping : mappings()) {
                HandlerExecutionChain chain;
                try {
                    chain = mapping.getHandler(request);
                } catch (Exception mismatch) {
                    // The path exists but the Accept header or method does not fit. Find the handler without content
                    // negotiation so that its permission still applies (a 406 must not be cheaper than a 403).
                    try {
                        chain = mapping.getHandler(new AnyAccept(request));
                    } catch (Exception stillNot) {
                        continue; // another method or media type: a 405/415 later
                    }
                }
                if (chain == null) {
                    continue;
                }
                Object handler = chain.getHandler();
                // set by the mapping that matched (a request mapping's "/api/v1/alerts/{id}", a resource pattern)
                String matched =
                        request.getAttribute(HandlerMapping.BEST_MATCHING_PATTERN_ATTRIBUTE) instanceof String m
                                ? m
                                : null;
                if (handler instanceof HandlerMethod hm) {
                    Permission p = declared(hm);
                    if (p != null) {
                        return new Resolution(Kind.DECLARED, p, hm.toString(), matched);
                    }
                }
                Declaration d = declaration(request.getMethod(), path);
                if (d != null) {
                    return new Resolution(
                            Kind.DECLARED,
                            d.permission(),
                            String.valueOf(handler),
                            matched != null ? matched : d.pattern().getPatternString());
                }
                return new Resolution(Kind.UNDECLARED, null, String.valueOf(handler), matched);
            }
            Declaration d = declaration(request.getMethod(), path);
            if (d != null) {
                return new Resolution(
                        Kind.DECLARED,
                        d.permission(),
                        "path declaration",
                        d.pattern().getPatternString());
            }
            return new Resolution(Kind.NO_ROUTE, null, null, null);
        } finally {
            if (previous == null) {
                ServletRequestPathUtils.clearParsedRequestPath(request);
            } else {
                request.setAttribute(ServletRequestPathUtils.PATH_ATTRIBUTE, previous);
            }
        }
    }

    /** The request as if it accepted any media type. */
    private static final class AnyAccept extends jakarta.servlet.http.HttpServletRequestWrapper {
        AnyAccept(HttpServletRequest request) {
            super(request);
        }

        @Override
        public String getHeader(String name) {
            return "accept".equalsIgnoreCase(name) ? "*/*" : super.getHeader(name);
        }

        @Override
        public java.util.Enumeration<String> getHeaders(String name) {
            return "accept".equalsIgnoreCase(name)
                    ? java.util.Collections.enumeration(List.of("*/*"))
                    : super.getHeaders(name);
        }
    }

    /** The permission declared on a controller method or its class, or null. */
    public static Permission declared(HandlerMethod hm) {
        RequirePermission a = AnnotatedElementUtils.findMergedAnnotation(hm.getMethod(), RequirePermission.class);
        if (a == null) {
            a = AnnotatedElementUtils.findMergedAnnotation(hm.getBeanType(), RequirePermission.class);
        }
        return a == null ? null : a.value();
    }

    private Declaration declaration(String method, RequestPath path) {
        HttpMethod m = HttpMethod.valueOf(method);
        for (Declaration d : declarations()) {
            if ((d.method() == null || d.method().equals(m)) && d.pattern().matches(path.pathWithinApplication())) {
                return d;
            }
        }
        return null;
    }

    private List<Declaration> declarations() {
        List<Declaration> d = declarations;
        if (d == null) {
            List<Declaration> list = new ArrayList<>();
            PathPatternParser parser = PathPatternParser.defaultInstance;
            for (ApiEndpoint e : BUILT_IN) {
                list.add(new Declaration(e.method(), parser.parse(e.pattern()), e.permission()));
            }
            contributed
                    .orderedStream()
                    .forEach(e -> list.add(new Declaration(e.method(), parser.parse(e.pattern()), e.permission())));
            d = List.copyOf(list);
            declarations = d;
        }
        return d;
    }

    private List<HandlerMapping> mappings() {
        List<HandlerMapping> m = mappings;
        if (m == null) {
            Map<String, HandlerMapping> beans =
                    BeanFactoryUtils.beansOfTypeIncludingAncestors(context, HandlerMapping.class, true, false);
            List<HandlerMapping> list = new ArrayList<>(beans.values());
            AnnotationAwareOrderComparator.sort(list);
            m = List.copyOf(list);
            mappings = m;
        }
        return m;
    }

    /** The handler mappings, in dispatch order (for the route-walking test). */
    public List<HandlerMapping> handlerMappings() {
        return mappings();
    }
}
