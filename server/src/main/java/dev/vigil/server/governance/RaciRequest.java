package dev.vigil.server.governance;

import java.util.List;

/** Creates or replaces the assignment of ({@code incidentType}, {@code activity}). */
public record RaciRequest(
        String incidentType,
        String activity,
        List<String> responsible,
        String accountable,
        List<String> consulted,
        List<String> informed) {}
