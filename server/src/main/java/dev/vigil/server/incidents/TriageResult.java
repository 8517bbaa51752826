package dev.vigil.server.incidents;

import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * What triage decided for one alert, and which rule decided each attribute ({@code default} when none did).
 *
 * @param matched the names of the rules that matched, in order
 * @param suppressed a matching rule said {@code action: suppress}: no incident
 */
public record TriageResult(
        IncidentSeverity severity,
        int priority,
        Classification classification,
        String team,
        String playbook,
        String escalationPolicy,
        List<String> groupBy,
        Duration groupWindow,
        boolean suppressed,
        Map<String, String> decidedBy,
        List<String> matched) {}
