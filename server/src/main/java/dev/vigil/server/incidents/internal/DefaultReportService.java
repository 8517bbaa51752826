package dev.vigil.server.incidents.internal;

import com.lowagie.text.Chunk;
import com.lowagie.text.Document;
import com.lowagie.text.Element;
import com.lowagie.text.Font;
import com.lowagie.text.FontFactory;
import com.lowagie.text.PageSize;
import com.lowagie.text.Paragraph;
import com.lowagie.text.Phrase;
import com.lowagie.text.pdf.PdfPCell;
import com.lowagie.text.pdf.PdfPTable;
import com.lowagie.text.pdf.PdfWriter;
import dev.vigil.server.incidents.DeadlineStage;
import dev.vigil.server.incidents.Incident;
import dev.vigil.server.incidents.IncidentObligation;
import dev.vigil.server.incidents.IncidentTask;
import dev.vigil.server.incidents.Observable;
import dev.vigil.server.incidents.Rca;
import dev.vigil.server.incidents.ReportService;
import dev.vigil.server.incidents.TimelineEntry;
import dev.vigil.server.platform.audit.AuditLog;
import java.awt.Color;
import java.io.ByteArrayOutputStream;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.UUID;
import org.springframework.stereotype.Service;

/**
 * The incident report. Both formats render the same {@link Report} model: summary, classification (first and final),
 * triage decisions, timeline, tasks, notifications and submissions, observables, RCA. Markdown escapes every
 * log-derived string (table pipes, line breaks, HTML); the PDF is drawn with OpenPDF.
 */
@Service
class DefaultReportService implements ReportService {
    private static final DateTimeFormatter TIME =
            DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss 'UTC'").withZone(ZoneOffset.UTC);

    private final DefaultIncidentService incidents;
    private final Timeline timeline;
    private final DefaultTaskService tasks;
    private final DefaultObligationService obligations;
    private final DefaultRcaService rca;
    private final JdbcTaxonomyService taxonomy;
    private final AuditLog audit;
    private final Clock clock;

    DefaultReportService(
            DefaultIncidentService incidents,
            Timeline timeline,
            DefaultTaskService tasks,
            DefaultObligationService obligations,
            DefaultRcaService rca,
            JdbcTaxonomyService taxonomy,
            AuditLog audit,
            Clock clock) {
        this.incidents = incidents;
        this.timeline = timeline;
        this.tasks = tasks;
        this.obligations = obligations;
        this.rca = rca;
        this.taxonomy = taxonomy;
        this.audit = audit;
        this.clock = clock;
    }

    /** Everything the report shows. */
    record Report(
            Incident incident,
            List<String[]> summary,
            List<TimelineEntry> timeline,
            List<IncidentTask> tasks,
            List<IncidentObligation> obligations,
            List<Observable> observables,
            Rca rca,
            Instant generatedAt) {}

    Report build(UUID id) {
        Incident i = incidents.get(id).orElseThrow(() -> new NoSuchElementException("no incident " + id));
        List<String[]> s = new ArrayList<>();
        s.add(new String[] {"Status", i.status().id()});
        s.add(new String[] {"Severity / priority", i.severity().id() + " / " + i.priorityLabel()});
        s.add(new String[] {"Phase", i.phase().id()});
        s.add(new String[] {
            "Outcome", i.outcome() == null ? "not set" : i.outcome().id()
        });
        s.add(new String[] {"First classification", label(i.firstClassification())});
        s.add(new String[] {"Final classification", label(i.finalClassification())});
        s.add(new String[] {"Current classification", label(i.classification())});
        s.add(new String[] {"Incident lead", orDash(i.lead())});
        s.add(new String[] {"Owning team", orDash(i.owningTeam())});
        s.add(new String[] {"Assignees", join(i.assignees())});
        s.add(new String[] {"Affected applications", join(i.applications())});
        s.add(new String[] {"Affected assets", join(i.assets())});
        s.add(new String[] {"ATT&CK techniques", join(i.techniques())});
        s.add(new String[] {"ATT&CK tactics", join(i.tactics())});
        s.add(new String[] {"Data types", join(i.dataTypes())});
        s.add(new String[] {"Jurisdictions", join(i.jurisdictions())});
        s.add(new String[] {"Alerts", String.valueOf(i.alertCount())});
        s.add(new String[] {"Occurred", time(i.occurredAt())});
        s.add(new String[] {"Detected", time(i.detectedAt())});
        s.add(new String[] {"Reported", time(i.reportedAt())});
        s.add(new String[] {"Acknowledged", time(i.acknowledgedAt())});
        s.add(new String[] {"Contained", time(i.containedAt())});
        s.add(new String[] {"Resolved", time(i.resolvedAt())});
        s.add(new String[] {"Closed", time(i.closedAt())});
        for (Map.Entry<String, Instant> m : new java.util.TreeMap<>(i.milestones()).entrySet()) {
            s.add(new String[] {"Milestone " + m.getKey(), time(m.getValue())});
        }
        for (Map.Entry<String, Incident.TriageDecision> d : new java.util.TreeMap<>(i.triage()).entrySet()) {
            s.add(new String[] {
                "Decided " + d.getKey(),
                d.getValue().value() + " (by " + d.getValue().rule() + ")"
            });
        }
        return new Report(
                i,
                s,
                timeline.list(id),
                tasks.list(id),
                obligations.forIncident(id),
                incidents.observables(id),
                rca.get(id).orElse(null),
                clock.instant());
    }

    private String label(dev.vigil.server.incidents.Classification c) {
        return c == null ? "-" : taxonomy.label(c) + " (" + c + ")";
    }

    static String time(Instant t) {
        return t == null ? "-" : TIME.format(t);
    }

    private static String orDash(String s) {
        return s == null || s.isBlank() ? "-" : s;
    }

    private static String join(List<String> l) {
        return l.isEmpty() ? "-" : String.join(", ", l);
    }

    // --- Markdown

    @Override
    public String markdown(UUID id) {
        Report r = build(id);
        audit.record("incident.report", "incident", id.toString(), null, Map.of("format", "markdown"));
        Incident i = r.incident();
        StringBuilder md = new StringBuilder();
        md.append("# ")
                .append(i.reference())
                .append(": ")
                .append(inline(i.title()))
                .append("\n\n");
        md.append("_Incident report generated ").append(time(r.generatedAt())).append(" by Vigil._\n\n");
        md.append("## Summary\n\n| Field | Value |\n|---|---|\n");
        for (String[] row : r.summary()) {
            md.append("| ")
                    .append(cell(row[0]))
                    .append(" | ")
                    .append(cell(row[1]))
                    .append(" |\n");
        }
        if (i.description() != null) {
            md.append("\n## Description\n\n").append(block(i.description())).append("\n");
        }
        md.append("\n## Timeline\n\n");
        if (r.timeline().isEmpty()) {
            md.append("No entries.\n");
        } else {
            md.append("| Time | Kind | Who | What |\n|---|---|---|---|\n");
            for (TimelineEntry e : r.timeline()) {
                String what = e.summary();
                if (e.audience() != null) {
                    what += " (told: " + e.audience() + (e.channel() == null ? "" : ", via " + e.channel()) + ")";
                }
                md.append("| ")
                        .append(time(e.at()))
                        .append(" | ")
                        .append(cell(e.kind()))
                        .append(" | ")
                        .append(cell(e.actor()))
                        .append(" | ")
                        .append(cell(what))
                        .append(" |\n");
            }
        }
        md.append("\n## Tasks and actions\n\n");
        if (r.tasks().isEmpty()) {
            md.append("No tasks.\n");
        } else {
            md.append("| # | Task | Owner | Mandatory | Due | Status | Done by |\n|---|---|---|---|---|---|---|\n");
            for (IncidentTask t : r.tasks()) {
                md.append("| ")
                        .append(t.position())
                        .append(" | ")
                        .append(cell(t.title()))
                        .append(" | ")
                        .append(cell(orDash(t.assignee() != null ? t.assignee() : t.ownerRole())))
                        .append(" | ")
                        .append(t.mandatory() ? "yes" : "no")
                        .append(" | ")
                        .append(time(t.dueAt()))
                        .append(" | ")
                        .append(t.status())
                        .append(" | ")
                        .append(cell(t.completedBy() == null ? "-" : t.completedBy() + " " + time(t.completedAt())))
                        .append(" |\n");
            }
        }
        md.append("\n## Notifications\n\n");
        if (r.obligations().isEmpty()) {
            md.append("No notification obligations.\n");
        }
        for (IncidentObligation o : r.obligations()) {
            md.append("### ").append(inline(o.name())).append("\n\n");
            md.append("Regulation: ")
                    .append(inline(orDash(o.regulation())))
                    .append(". Status: ")
                    .append(o.status());
            if (o.notRequiredReason() != null) {
                md.append(" - ").append(inline(o.notRequiredReason()));
            }
            md.append(
                    ".\n\n| Stage | Due | State | Submitted | To | Late / justification |\n|---|---|---|---|---|---|\n");
            for (DeadlineStage s : o.stages()) {
                md.append("| ")
                        .append(cell(s.name()))
                        .append(" | ")
                        .append(
                                s.dueAt() == null
                                        ? "waiting for trigger"
                                        : time(s.dueAt()) + (s.asap() ? " (ASAP)" : ""))
                        .append(" | ")
                        .append(s.state())
                        .append(" | ")
                        .append(time(s.submittedAt()))
                        .append(" | ")
                        .append(cell(orDash(s.submittedTo())))
                        .append(" | ")
                        .append(cell(Boolean.TRUE.equals(s.late()) ? "late: " + s.lateJustification() : "-"))
                        .append(" |\n");
            }
            md.append("\n");
        }
        md.append("\n## Observables\n\n");
        if (r.observables().isEmpty()) {
            md.append("None recorded.\n");
        } else {
            md.append("| Kind | Value | IOC | Note |\n|---|---|---|---|\n");
            for (Observable o : r.observables()) {
                md.append("| ")
                        .append(cell(o.kind()))
                        .append(" | `")
                        .append(o.value().replace("`", "'").replace("|", "\\|").replace("\n", " "))
                        .append("` | ")
                        .append(o.ioc() ? "yes" : "no")
                        .append(" | ")
                        .append(cell(orDash(o.description())))
                        .append(" |\n");
            }
        }
        md.append("\n## Root-cause analysis\n\n");
        Rca a = r.rca();
        if (a == null) {
            md.append("No root-cause analysis.\n");
        } else {
            if (a.waived()) {
                md.append("**Waived** by ")
                        .append(inline(a.waivedBy()))
                        .append(" on ")
                        .append(time(a.waivedAt()))
                        .append(": ")
                        .append(inline(a.waivedReason()))
                        .append("\n\n");
            }
            if (a.completed()) {
                md.append("Completed by ")
                        .append(inline(a.completedBy()))
                        .append(" on ")
                        .append(time(a.completedAt()))
                        .append(".\n\n");
            }
            if (a.summary() != null) {
                md.append("### Summary\n\n").append(block(a.summary())).append("\n\n");
            }
            if (!a.causes().isEmpty()) {
                md.append("### Root causes\n\n");
                a.causes()
                        .forEach(c -> md.append("- **")
                                .append(c.category())
                                .append("**: ")
                                .append(inline(c.description()))
                                .append('\n'));
                md.append('\n');
            }
            if (!a.contributingFactors().isEmpty()) {
                md.append("### Contributing factors\n\n");
                a.contributingFactors()
                        .forEach(c -> md.append("- ").append(inline(c)).append('\n'));
                md.append('\n');
            }
            if (!a.correctiveActions().isEmpty()) {
                md.append("### Corrective actions\n\n| Action | Owner | Due | Status |\n|---|---|---|---|\n");
                for (Rca.CorrectiveAction c : a.correctiveActions()) {
                    md.append("| ")
                            .append(cell(c.action()))
                            .append(" | ")
                            .append(cell(orDash(c.owner())))
                            .append(" | ")
                            .append(c.due() == null ? "-" : c.due().toString())
                            .append(" | ")
                            .append(c.status())
                            .append(" |\n");
                }
                md.append('\n');
            }
            if (a.lessonsLearned() != null) {
                md.append("### Lessons learned\n\n")
                        .append(block(a.lessonsLearned()))
                        .append("\n");
            }
        }
        return md.toString();
    }

    /** Text in a table cell: one line, pipes and HTML escaped. */
    static String cell(String s) {
        return inline(s).replace("|", "\\|");
    }

    /** Inline text: one line, HTML and Markdown emphasis characters escaped. */
    static String inline(String s) {
        if (s == null) {
            return "";
        }
        return escapeHtml(s)
                .replace("\r", " ")
                .replace("\n", " ")
                .replace("\\", "\\\\")
                .replace("*", "\\*")
                .replace("_", "\\_")
                .replace("`", "\\`")
                .replace("[", "\\[")
                .replace("]", "\\]");
    }

    /** A paragraph block: HTML escaped, kept as quoted lines. */
    static String block(String s) {
        StringBuilder out = new StringBuilder();
        for (String line : s.split("\r?\n", -1)) {
            out.append("> ").append(inline(line)).append('\n');
        }
        return out.toString();
    }

    private static String escapeHtml(String s) {
        return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;");
    }

    // --- PDF

    @Override
    public byte[] pdf(UUID id) {
        Report r = build(id);
        audit.record("incident.report", "incident", id.toString(), null, Map.of("format", "pdf"));
        Incident i = r.incident();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        Document doc = new Document(PageSize.A4, 36, 36, 42, 42);
        PdfWriter.getInstance(doc, out);
        doc.addTitle(i.reference() + ": " + i.title());
        doc.addCreator("Vigil");
        doc.open();
        Font h1 = FontFactory.getFont(FontFactory.HELVETICA_BOLD, 16);
        Font h2 = FontFactory.getFont(FontFactory.HELVETICA_BOLD, 12);
        Font body = FontFactory.getFont(FontFactory.HELVETICA, 9);
        Font small = FontFactory.getFont(FontFactory.HELVETICA, 7.5f, Color.DARK_GRAY);
        doc.add(new Paragraph(i.reference() + ": " + i.title(), h1));
        doc.add(new Paragraph("Incident report generated " + time(r.generatedAt()) + " by Vigil", small));
        section(doc, "Summary", h2);
        PdfPTable summary = table(new float[] {1.3f, 3f});
        for (String[] row : r.summary()) {
            summary.addCell(cell(row[0], small));
            summary.addCell(cell(row[1], body));
        }
        doc.add(summary);
        if (i.description() != null) {
            section(doc, "Description", h2);
            doc.add(new Paragraph(i.description(), body));
        }
        section(doc, "Timeline", h2);
        PdfPTable tl = table(new float[] {1.4f, 0.8f, 0.9f, 3.5f});
        header(tl, small, "Time", "Kind", "Who", "What");
        for (TimelineEntry e : r.timeline()) {
            tl.addCell(cell(time(e.at()), small));
            tl.addCell(cell(e.kind(), small));
            tl.addCell(cell(e.actor(), small));
            String what = e.summary()
                    + (e.audience() == null
                            ? ""
                            : " (told: " + e.audience() + (e.channel() == null ? "" : ", via " + e.channel()) + ")");
            tl.addCell(cell(what, body));
        }
        doc.add(tl);
        section(doc, "Tasks and actions", h2);
        PdfPTable tt = table(new float[] {3f, 1.2f, 0.7f, 1.3f, 0.8f});
        header(tt, small, "Task", "Owner", "Mandatory", "Due", "Status");
        for (IncidentTask t : r.tasks()) {
            tt.addCell(cell(t.title(), body));
            tt.addCell(cell(orDash(t.assignee() != null ? t.assignee() : t.ownerRole()), small));
            tt.addCell(cell(t.mandatory() ? "yes" : "no", small));
            tt.addCell(cell(time(t.dueAt()), small));
            tt.addCell(cell(t.status(), small));
        }
        doc.add(tt);
        section(doc, "Notifications", h2);
        if (r.obligations().isEmpty()) {
            doc.add(new Paragraph("No notification obligations.", body));
        }
        for (IncidentObligation o : r.obligations()) {
            doc.add(new Paragraph(o.name() + " (" + o.status() + ")", body));
            PdfPTable ot = table(new float[] {1.6f, 1.4f, 0.8f, 1.4f, 1.5f});
            header(ot, small, "Stage", "Due", "State", "Submitted", "To / late");
            for (DeadlineStage s : o.stages()) {
                ot.addCell(cell(s.name(), body));
                ot.addCell(cell(s.dueAt() == null ? "waiting" : time(s.dueAt()), small));
                ot.addCell(cell(s.state(), small));
                ot.addCell(cell(time(s.submittedAt()), small));
                ot.addCell(cell(
                        orDash(s.submittedTo())
                                + (Boolean.TRUE.equals(s.late()) ? " - late: " + s.lateJustification() : ""),
                        small));
            }
            doc.add(ot);
        }
        if (!r.observables().isEmpty()) {
            section(doc, "Observables", h2);
            PdfPTable obs = table(new float[] {0.8f, 3f, 0.5f});
            header(obs, small, "Kind", "Value", "IOC");
            for (Observable o : r.observables()) {
                obs.addCell(cell(o.kind(), small));
                obs.addCell(cell(o.value(), body));
                obs.addCell(cell(o.ioc() ? "yes" : "no", small));
            }
            doc.add(obs);
        }
        section(doc, "Root-cause analysis", h2);
        Rca a = r.rca();
        if (a == null) {
            doc.add(new Paragraph("No root-cause analysis.", body));
        } else {
            if (a.waived()) {
                doc.add(new Paragraph(
                        "Waived by " + a.waivedBy() + " on " + time(a.waivedAt()) + ": " + a.waivedReason(), body));
            }
            if (a.summary() != null) {
                doc.add(new Paragraph("Summary: " + a.summary(), body));
            }
            for (Rca.Cause c : a.causes()) {
                doc.add(new Paragraph("Root cause (" + c.category() + "): " + c.description(), body));
            }
            for (String c : a.contributingFactors()) {
                doc.add(new Paragraph("Contributing factor: " + c, body));
            }
            for (Rca.CorrectiveAction c : a.correctiveActions()) {
                doc.add(new Paragraph(
                        "Corrective action: " + c.action() + " - owner " + orDash(c.owner()) + ", due "
                                + (c.due() == null ? "-" : c.due()) + ", " + c.status(),
                        body));
            }
            if (a.lessonsLearned() != null) {
                doc.add(new Paragraph("Lessons learned: " + a.lessonsLearned(), body));
            }
        }
        doc.close();
        return out.toByteArray();
    }

    private static void section(Document doc, String title, Font font) {
        Paragraph p = new Paragraph(title, font);
        p.setSpacingBefore(10);
        p.setSpacingAfter(4);
        doc.add(p);
    }

    private static PdfPTable table(float[] widths) {
        PdfPTable t = new PdfPTable(widths);
        t.setWidthPercentage(100);
        t.setHeaderRows(0);
        return t;
    }

    private static void header(PdfPTable t, Font font, String... titles) {
        for (String s : titles) {
            PdfPCell c = new PdfPCell(new Phrase(s, font));
            c.setBackgroundColor(new Color(230, 230, 230));
            t.addCell(c);
        }
        t.setHeaderRows(1);
    }

    private static PdfPCell cell(String text, Font font) {
        PdfPCell c = new PdfPCell(new Phrase(new Chunk(text == null ? "" : text, font)));
        c.setVerticalAlignment(Element.ALIGN_TOP);
        c.setPadding(3);
        return c;
    }
}
