package dev.vigil.server.governance;

import java.time.Instant;
import java.util.List;

/**
 * The detection checklist as of {@code asOf} and its coverage heatmap (ATT&amp;CK tactics in kill-chain order ×
 * techniques).
 */
public record Checklist(Instant asOf, List<ChecklistEntry> entries, List<TacticRow> heatmap) {

    /** One tactic of the heatmap. */
    public record TacticRow(String tactic, int rules, List<Cell> techniques) {}

    /**
     * One technique cell: how many active rules cover it, whether a managed entry names it, whether it is a gap
     * (managed but without rule) or misses log data.
     */
    public record Cell(String technique, int rules, boolean managed, boolean gap, boolean missingLogs) {}

    public long managedCount() {
        return entries.stream().filter(ChecklistEntry::managed).count();
    }
}
