package dev.vigil.server.incidents;

import dev.vigil.server.platform.api.Page;
import dev.vigil.server.platform.api.PageQuery;
import java.io.Reader;
import java.io.Writer;
import java.util.List;
import java.util.UUID;

/** The war-room timeline of an incident, with CSV export and import. */
public interface TimelineService {

    /** Adds a manual entry (note, decision, communication, action). */
    TimelineEntry add(UUID incidentId, NewTimelineEntry entry);

    /**
     * Adds an automatic entry on behalf of another module (evidence, on-call pages, notifications): {@code kind} is
     * one of the automatic kinds of {@link TimelineEntry}; the actor is the caller's.
     */
    TimelineEntry record(UUID incidentId, String kind, String summary, String details);

    /**
     * Every entry in time order (ties in the order they were written). Unbounded: for the report and the CSV export;
     * lists shown to people or API clients use {@link #page}.
     */
    List<TimelineEntry> list(UUID incidentId);

    /**
     * One page of the entries ordered by {@code at} (sort {@code at,asc}, the default, or {@code at,desc}), ties in
     * the order they were written; by offset or by keyset cursor ({@link Page#nextCursor()}).
     */
    Page<TimelineEntry> page(UUID incidentId, PageQuery page);

    /**
     * Writes the timeline as CSV (RFC 4180, header {@code at,kind,automatic,actor,summary,details,audience,channel}).
     * Cells that a spreadsheet would execute as a formula are prefixed with an apostrophe.
     */
    void exportCsv(UUID incidentId, Writer out);

    /**
     * Imports manual entries from CSV with the same header (the columns {@code at}, {@code kind} and
     * {@code summary} are required; rows with {@code automatic} true, e.g. from another incident's export, are
     * skipped; {@code actor} is ignored: imported entries are written by the importer). All rows are checked first;
     * if any is invalid nothing is imported and every problem is reported.
     */
    ImportResult importCsv(UUID incidentId, Reader in);

    /** The outcome of an import: rows imported and skipped, or the problems found (line number and reason). */
    record ImportResult(int imported, int skipped, List<String> errors) {}
}
