package dev.vigil.server.oncall;

import java.util.List;
import java.util.Objects;
import java.util.UUID;

/**
 * Starts paging about a subject.
 *
 * @param subjectType what is being paged about, e.g. {@code incident} or {@code alert}
 * @param subjectId its id; one open page per (type, id): starting again returns the open page
 * @param title one line, shown in every notification
 * @param summary more text, or null
 * @param severity {@code critical} uses the important notification rules
 * @param policyId the escalation policy, or null for the configured default policy
 * @param links links shown in notifications (e.g. to the incident)
 */
public record PageRequest(
        String subjectType,
        String subjectId,
        String title,
        String summary,
        Severity severity,
        UUID policyId,
        List<PageLink> links) {
    public PageRequest {
        if (subjectType == null || subjectType.isBlank() || subjectId == null || subjectId.isBlank()) {
            throw new IllegalArgumentException("subjectType and subjectId are required");
        }
        if (title == null || title.isBlank()) {
            throw new IllegalArgumentException("title is required");
        }
        Objects.requireNonNull(severity, "severity");
        if (title.length() > 500) {
            title = title.substring(0, 500);
        }
        if (summary != null && summary.length() > 4000) {
            summary = summary.substring(0, 4000);
        }
        links = links == null ? List.of() : List.copyOf(links);
    }

    /** A label and URL. */
    public record PageLink(String label, String url) {}
}
