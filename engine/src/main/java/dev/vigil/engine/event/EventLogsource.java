package dev.vigil.engine.event;

import java.util.List;

/**
 * The Sigma logsources an event belongs to, as a pipeline (or the sender) determined them: one product, and any
 * number of categories and services (a Security 4688 event is both {@code service: security} and {@code category:
 * process_creation}). Used by routing: a rule is a candidate when each logsource component it names is among the
 * event's. Values are lower-case.
 */
public record EventLogsource(String product, List<String> categories, List<String> services) {
    public EventLogsource {
        categories = categories == null ? List.of() : List.copyOf(categories);
        services = services == null ? List.of() : List.copyOf(services);
    }

    public static EventLogsource of(String product, String category, String service) {
        return new EventLogsource(
                product == null ? null : product,
                category == null ? List.of() : List.of(category),
                service == null ? List.of() : List.of(service));
    }

    /** True when nothing is known (routing cannot decide: the event is evaluated against every rule). */
    public boolean isUnknown() {
        return product == null && categories.isEmpty() && services.isEmpty();
    }
}
