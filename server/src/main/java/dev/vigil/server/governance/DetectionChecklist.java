package dev.vigil.server.governance;

import java.time.Instant;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * The detection checklist (enabled rules and correlations by ATT&amp;CK tactic and technique, plus managed entries),
 * its ATT&amp;CK Navigator export, missing-log defects and rule health. Changes are audited (object types
 * {@code checklist-entry}, {@code log-defect}, {@code rule-review}).
 */
public interface DetectionChecklist {

    Checklist checklist(Instant asOf);

    ChecklistEntry createEntry(ChecklistEntryRequest request);

    ChecklistEntry updateEntry(UUID id, ChecklistEntryRequest request);

    boolean deleteEntry(UUID id);

    /** Records a review of the entry; the next review is due {@code nextDue} (null: one year later). */
    ChecklistEntry reviewEntry(UUID id, LocalDate nextDue);

    /**
     * The checklist as an ATT&amp;CK Navigator layer (format 4.5, domain enterprise-attack): one technique object per
     * covered or managed technique and tactic, scored by the number of active rules; gaps are scored 0 and commented.
     */
    Map<String, Object> navigatorLayer(Instant asOf);

    /**
     * Opens a defect for every checklist entry and application whose required log source is not configured or
     * silent at {@code asOf} (once per subject and source while open) and resolves open defects whose source is
     * back; returns the defects opened.
     */
    List<LogDefect> scanLogDefects(Instant asOf);

    /** Defects, newest first; {@code status} {@code open}, {@code resolved} or null for all. */
    List<LogDefect> defects(String status);

    /**
     * One page of the log defects ({@code status} open, resolved or null: all) by {@code openedAt} (newest first by
     * default), the id breaking ties; by offset or keyset cursor. Defects accumulate over the years: the API pages.
     */
    dev.vigil.server.platform.api.Page<LogDefect> defects(String status, dev.vigil.server.platform.api.PageQuery page);

    LogDefect resolveDefect(UUID id, String resolution);

    List<RuleHealth> ruleHealth(Instant asOf);

    /** Records a review of a rule: {@code verdict} keep, tune or disable. */
    RuleHealth reviewRule(String ref, String verdict, String notes);
}
