package dev.vigil.server.incidents;

import java.util.UUID;

/**
 * The incident report: summary, classification (first and final), timeline, tasks and actions, notifications and
 * submissions, root-cause analysis. Markdown for wikis and tickets, PDF for the file.
 */
public interface ReportService {

    String markdown(UUID incidentId);

    byte[] pdf(UUID incidentId);
}
