package dev.vigil.server.web;

import dev.vigil.server.platform.access.Permission;
import java.util.Map;

/**
 * A dashboard widget, contributed as a bean. The dashboard shows the widgets the caller's permissions allow, in
 * {@link #order()}, each loaded (and refreshed every {@link #refreshSeconds()}) by htmx from
 * {@code /dashboard/widgets/{id}}, which renders {@link #template()} with {@link #model()}. Reserved orders: alerts
 * 10, open incidents by severity 20, on call now 30, intake health 40, rules 50, audit chain 60.
 */
public interface DashboardWidget {

    /** URL-safe id, e.g. {@code alerts-per-hour}. */
    String id();

    String title();

    Permission permission();

    int order();

    /** A Thymeleaf fragment, e.g. {@code widgets/alerts :: widget}; everything log-derived is rendered with th:text. */
    String template();

    /** The fragment's model, computed on each load. */
    Map<String, Object> model();

    default int refreshSeconds() {
        return 30;
    }
}
