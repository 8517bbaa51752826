package dev.vigil.server.governance;

/**
 * Published (durably) when the scan opens a missing-log defect, for the organisation's issue tracker (outgoing
 * webhooks) and notifications.
 */
public record LogDefectOpened(LogDefect defect) {}
