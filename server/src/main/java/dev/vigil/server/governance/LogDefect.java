package dev.vigil.server.governance;

import java.time.Instant;
import java.time.LocalDate;
import java.util.UUID;

/**
 * Missing log data, tracked as a defect (SAMM IM3-A): a checklist entry or an application needs a log source that
 * is not configured or has gone silent. Opened by the defect scan with an owner and a due date, resolved by the scan
 * when the source delivers again (or by hand).
 *
 * @param subjectKind {@code checklist} or {@code application}
 * @param subject the checklist entry id or the application name
 * @param reason {@code SOURCE_NOT_CONFIGURED} or {@code SOURCE_SILENT}
 * @param status {@code open} or {@code resolved}
 */
public record LogDefect(
        UUID id,
        String subjectKind,
        String subject,
        String subjectName,
        String source,
        String reason,
        String message,
        String owner,
        LocalDate dueDate,
        String status,
        Instant openedAt,
        Instant resolvedAt,
        String resolution) {
    public boolean open() {
        return "open".equals(status);
    }
}
