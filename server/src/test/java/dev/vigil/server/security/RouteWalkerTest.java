package dev.vigil.server.security;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vigil.server.platform.access.Permission;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.method.HandlerMethod;

/** The route walker fails the build for an undeclared route and for a route left open. */
class RouteWalkerTest {

    static class Unannotated {
        @GetMapping("/api/v1/forgotten")
        String forgotten() {
            return "";
        }
    }

    private static HandlerMethod handler() throws NoSuchMethodException {
        return new HandlerMethod(new Unannotated(), Unannotated.class.getDeclaredMethod("forgotten"));
    }

    @Test
    void anUndeclaredRouteIsAProblem() throws Exception {
        RouteWalker.Route r = new RouteWalker.Route(
                "GET", "/api/v1/forgotten", "/api/v1/forgotten", null, false, false, handler(), null);
        List<String> problems = RouteWalker.problems(List.of(r), (route, caller) -> 200);
        assertThat(problems).singleElement().asString().contains("declares no permission");
    }

    @Test
    void aRouteOpenToAnonymousOrToCallersWithoutThePermissionIsAProblem() throws Exception {
        RouteWalker.Route r = new RouteWalker.Route(
                "GET", "/api/v1/alerts", "/api/v1/alerts", null, false, false, handler(), Permission.ALERTS_READ);
        assertThat(RouteWalker.problems(List.of(r), (route, caller) -> 200))
                .anySatisfy(p -> assertThat(p).contains("open to anonymous callers"))
                .anySatisfy(p -> assertThat(p).contains("without ALERTS_READ got 200"));
        RouteWalker.Http correct = (route, caller) -> switch (caller) {
            case ANONYMOUS -> 401;
            case INGEST, METRICS -> 403;
            default -> 200;
        };
        assertThat(RouteWalker.problems(List.of(r), correct)).isEmpty();
    }

    @Test
    void concretePathsFillVariablesAndWildcards() {
        assertThat(RouteWalker.concrete("/api/v1/rules/{ref}/enable")).isEqualTo("/api/v1/rules/x1/enable");
        assertThat(RouteWalker.concrete("/assets/**")).isEqualTo("/assets/x");
        assertThat(RouteWalker.concrete("/{index}/_bulk")).isEqualTo("/x1/_bulk");
    }
}
