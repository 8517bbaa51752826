package dev.vigil.server.incidents;

import java.time.Instant;
import java.util.List;
import java.util.Map;

/** Read-only figures for dashboards and governance (issue 10). */
public interface IncidentStatistics {

    /** Facts of the incidents created in [from, to), oldest first. */
    List<IncidentFacts> facts(Instant from, Instant to);

    /** Open incidents (not closed or merged) per severity id ({@code low} .. {@code critical}). */
    Map<String, Long> openBySeverity();
}
