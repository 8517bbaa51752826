package dev.vigil.server.incidents.internal;

import java.util.List;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * {@code vigil.incidents.*}.
 *
 * @param rcaRequiredFor severities whose incidents need a completed or waived RCA before closing ({@code all}: every
 *     incident)
 * @param groupBy the default grouping key parts (triage rules may override them)
 * @param groupWindow the default grouping window
 * @param deadlineScanInterval how often the deadline sweep runs in addition to the per-stage timers
 * @param baseUrl the public URL of the UI, for links in notifications and reports (null: relative links)
 * @param paging paging the owning team through on-call: {@code enabled}, and {@code min-severity} (default high)
 */
@ConfigurationProperties("vigil.incidents")
public record IncidentProperties(
        @DefaultValue({"high", "critical"}) List<String> rcaRequiredFor,
        @DefaultValue({"rule", "entities"}) List<String> groupBy,
        @DefaultValue("1h") String groupWindow,
        @DefaultValue("5m") String deadlineScanInterval,
        String baseUrl,
        @DefaultValue Paging paging) {

    /** When a new (or newly raised) incident pages its team. */
    public record Paging(
            @DefaultValue("true") boolean enabled,
            @DefaultValue("high") String minSeverity) {}
}
