package dev.vigil.server.incidents;

import java.time.Instant;
import java.util.List;
import java.util.UUID;

/**
 * Stakeholders and mandatory notification timeframes: the stakeholder groups, business calendars and obligation
 * templates (configuration), and the obligations of each incident with their deadlines. Deadlines are recomputed
 * whenever an anchor changes; durable timers (db-scheduler) mark stages at risk and overdue and escalate them
 * ({@link IncidentEvents.DeadlineAtRisk}, {@link IncidentEvents.DeadlineMissed}).
 */
public interface ObligationService {

    List<StakeholderGroup> groups();

    StakeholderGroup saveGroup(StakeholderGroup group);

    boolean deleteGroup(String key);

    List<BusinessCalendar> calendars();

    BusinessCalendar saveCalendar(BusinessCalendar calendar);

    List<ObligationTemplate> templates();

    ObligationTemplate saveTemplate(ObligationTemplate template);

    /** A template as a YAML document (kebab-case keys, as in the presets), for editing. */
    String templateYaml(String key);

    /** Saves a template from a YAML document (validated completely first; unknown keys are refused). */
    ObligationTemplate saveTemplateYaml(String yaml);

    /**
     * Applies the template's current definition to the open obligations made from it (they keep the definition they
     * were attached with otherwise) and recomputes their deadlines. An obligation whose stages differ from the
     * template's is left as it is (its timeline says why). Returns how many obligations were updated.
     */
    int applyTemplate(String key);

    List<IncidentObligation> forIncident(UUID incidentId);

    /** Attaches a template by hand (the reason goes to the timeline). Attaching one already attached is refused. */
    IncidentObligation attach(UUID incidentId, String templateKey, String reason);

    /** Marks an obligation as not required for this incident; the reason is required. */
    IncidentObligation markNotRequired(UUID incidentId, UUID obligationId, String reason);

    /** Records a submission; a late one needs a justification. Later stages anchored to it get their deadlines. */
    DeadlineStage submit(UUID incidentId, UUID stageId, Submission submission);

    /**
     * Attaches the templates whose conditions the incident now meets and recomputes every open stage's deadline
     * (called after each incident change).
     */
    void refresh(UUID incidentId);

    /** Marks stages at risk or overdue as of {@code now} and escalates them; returns how many changed. */
    int escalate(Instant now);

    /** Open stages with a deadline before {@code until}, soonest first (dashboards, reminders). */
    List<DeadlineStage> upcoming(Instant until, int limit);
}
