package dev.vigil.server.governance;

import java.time.LocalDate;
import java.util.List;

/** Creates or replaces a managed checklist entry; {@code reviewDue} defaults to one year from today. */
public record ChecklistEntryRequest(
        String technique,
        String tactic,
        String title,
        String description,
        String source,
        String sourceRef,
        String owner,
        LocalDate reviewDue,
        List<String> requiredSources) {}
