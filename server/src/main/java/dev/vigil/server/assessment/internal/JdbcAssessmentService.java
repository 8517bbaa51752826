package dev.vigil.server.assessment.internal;

import com.lowagie.text.Document;
import com.lowagie.text.DocumentException;
import com.lowagie.text.Font;
import com.lowagie.text.FontFactory;
import com.lowagie.text.Paragraph;
import dev.vigil.server.assessment.Assessment;
import dev.vigil.server.assessment.AssessmentService;
import dev.vigil.server.assessment.Evidence;
import dev.vigil.server.assessment.QuestionResult;
import dev.vigil.server.assessment.SammQuestion;
import dev.vigil.server.platform.audit.Actor;
import dev.vigil.server.platform.audit.AuditLog;
import java.io.ByteArrayOutputStream;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;
import tools.jackson.databind.json.JsonMapper;

/**
 * Computes the assessment from {@link FactsCollector} and {@link SammEvaluator}, keeps the assessor's overrides
 * ({@code assessment_overrides}) and stored snapshots ({@code assessment_snapshots}, the whole result as JSON so a
 * snapshot reads back exactly as it was computed), and renders Markdown and PDF reports.
 */
@Service
class JdbcAssessmentService implements AssessmentService {
    private static final JsonMapper JSON =
            JsonMapper.builder().findAndAddModules().build();

    private final JdbcClient jdbc;
    private final Clock clock;
    private final AuditLog audit;
    private final FactsCollector facts;

    JdbcAssessmentService(JdbcClient jdbc, Clock clock, AuditLog audit, FactsCollector facts) {
        this.jdbc = jdbc;
        this.clock = clock;
        this.audit = audit;
        this.facts = facts;
    }

    @Override
    public Assessment compute(Instant asOf) {
        List<QuestionResult> questions = SammEvaluator.evaluate(facts.collect(asOf), overrides());
        return assemble(null, asOf, Actor.current().name(), questions);
    }

    static Assessment assemble(UUID id, Instant asOf, String by, List<QuestionResult> questions) {
        double a = 0;
        double b = 0;
        for (QuestionResult q : questions) {
            if (q.stream().equals("A")) {
                a += q.value();
            } else {
                b += q.value();
            }
        }
        return new Assessment(id, asOf, by, questions, a, b, (a + b) / 2);
    }

    private Map<String, QuestionResult.Override> overrides() {
        Map<String, QuestionResult.Override> out = new HashMap<>();
        jdbc.sql("select * from assessment_overrides").query(rs -> {
            out.put(
                    rs.getString("question_id"),
                    new QuestionResult.Override(
                            rs.getInt("answer"),
                            rs.getString("justification"),
                            rs.getString("assessor"),
                            rs.getTimestamp("created_at").toInstant()));
        });
        return out;
    }

    @Override
    @Transactional
    public Assessment snapshot() {
        Instant now = clock.instant().truncatedTo(ChronoUnit.MICROS);
        Assessment computed = compute(now);
        UUID id = UUID.randomUUID();
        Assessment stored = new Assessment(
                id,
                now,
                computed.createdBy(),
                computed.questions(),
                computed.streamA(),
                computed.streamB(),
                computed.score());
        jdbc.sql("""
                        insert into assessment_snapshots (id, as_of, created_by, stream_a, stream_b, score, body)
                        values (?, ?, ?, ?, ?, ?, ?::jsonb)""")
                .params(
                        id,
                        Timestamp.from(now),
                        stored.createdBy(),
                        stored.streamA(),
                        stored.streamB(),
                        stored.score(),
                        JSON.writeValueAsString(stored))
                .update();
        audit.record(
                "snapshot-taken",
                "assessment",
                id.toString(),
                null,
                Map.of("score", stored.score(), "streamA", stored.streamA(), "streamB", stored.streamB()));
        return stored;
    }

    @Override
    public List<Assessment> history() {
        return jdbc.sql("select body from assessment_snapshots order by as_of desc limit 200")
                .query((rs, n) -> JSON.readValue(rs.getString("body"), Assessment.class))
                .list();
    }

    @Override
    public Optional<Assessment> get(UUID id) {
        return jdbc.sql("select body from assessment_snapshots where id = ?")
                .param(id)
                .query((rs, n) -> JSON.readValue(rs.getString("body"), Assessment.class))
                .optional();
    }

    @Override
    @Transactional
    public QuestionResult.Override override(String questionId, int answer, String justification) {
        SammQuestion q = SammQuestion.byId(questionId);
        if (answer < 0 || answer > 3) {
            throw new IllegalArgumentException("answer must be 0 (No) to 3 (most or all)");
        }
        if (justification == null || justification.isBlank()) {
            throw new IllegalArgumentException("an override needs a justification");
        }
        if (justification.length() > 5000) {
            throw new IllegalArgumentException("justification must be at most 5000 characters");
        }
        QuestionResult.Override before = overrides().get(q.id());
        Instant now = clock.instant().truncatedTo(ChronoUnit.MICROS);
        QuestionResult.Override o = new QuestionResult.Override(
                answer, justification.strip(), Actor.current().name(), now);
        jdbc.sql("""
                        insert into assessment_overrides (question_id, answer, justification, assessor, created_at)
                        values (?, ?, ?, ?, ?) on conflict (question_id) do update set answer = excluded.answer,
                        justification = excluded.justification, assessor = excluded.assessor,
                        created_at = excluded.created_at""")
                .params(q.id(), answer, o.justification(), o.assessor(), Timestamp.from(now))
                .update();
        audit.record("answer-overridden", "assessment", q.id(), before, o);
        return o;
    }

    @Override
    @Transactional
    public boolean clearOverride(String questionId) {
        SammQuestion q = SammQuestion.byId(questionId);
        QuestionResult.Override before = overrides().get(q.id());
        if (before == null) {
            return false;
        }
        jdbc.sql("delete from assessment_overrides where question_id = ?")
                .param(q.id())
                .update();
        audit.record("override-cleared", "assessment", q.id(), before, null);
        return true;
    }

    // ---------------------------------------------------------------- exports

    private static String pct(double v) {
        return String.format(Locale.ROOT, "%.2f", v);
    }

    /** Escapes text for a Markdown table cell or line (no HTML, no link syntax from data). */
    static String md(String s) {
        if (s == null) {
            return "";
        }
        StringBuilder b = new StringBuilder(s.length());
        for (char c : s.toCharArray()) {
            switch (c) {
                case '\\', '`', '*', '_', '[', ']', '<', '>', '|', '#', '!' ->
                    b.append('\\').append(c);
                case '\n', '\r' -> b.append(' ');
                default -> b.append(c);
            }
        }
        return b.toString();
    }

    @Override
    public String markdown(Assessment a) {
        StringBuilder b = new StringBuilder();
        b.append("# SAMM Incident Management self-assessment\n\n");
        b.append("As of ")
                .append(a.asOf().truncatedTo(ChronoUnit.SECONDS))
                .append(", by ")
                .append(md(a.createdBy()));
        b.append(a.id() == null ? " (live computation)" : " (snapshot " + a.id() + ")")
                .append(".\n\n");
        b.append("| Stream | Score (0–3) |\n|---|---|\n");
        b.append("| A: Incident detection | ").append(pct(a.streamA())).append(" |\n");
        b.append("| B: Incident response | ").append(pct(a.streamB())).append(" |\n");
        b.append("| **Practice (mean)** | **").append(pct(a.score())).append("** |\n\n");
        for (QuestionResult q : a.questions()) {
            b.append("## ").append(q.id()).append(": ").append(md(q.question())).append("\n\n");
            b.append("**Answer:** ")
                    .append(md(q.answerText()))
                    .append(" (")
                    .append(q.value())
                    .append(")");
            if (q.override() != null) {
                b.append(" — overridden by ")
                        .append(md(q.override().assessor()))
                        .append(" (computed: ")
                        .append(md(SammQuestion.byId(q.id()).answers().get(q.computedAnswer())))
                        .append("). Justification: ")
                        .append(md(q.override().justification()));
            }
            b.append("\n\n").append(md(q.explanation())).append("\n\n");
            b.append("| Quality criterion | Met | Why | Evidence |\n|---|---|---|---|\n");
            for (QuestionResult.Criterion c : q.criteria()) {
                b.append("| ")
                        .append(md(c.text()))
                        .append(" | ")
                        .append(c.met() ? "yes" : "**no**")
                        .append(" | ");
                b.append(md(c.explanation())).append(" | ");
                b.append(String.join(
                        ", ",
                        c.evidence().stream()
                                .map(e -> md(e.label()) + " (" + md(e.href()) + ")")
                                .toList()));
                b.append(" |\n");
            }
            b.append("\nEvidence: ");
            b.append(String.join(
                    ", ",
                    q.evidence().stream()
                            .map(e -> md(e.label()) + " (" + md(e.href()) + ")")
                            .toList()));
            b.append("\n\n");
        }
        b.append("Scoring: answers weigh 0, 0.25, 0.5 and 1; a stream's score is the sum of its three answers and the"
                + " practice score their mean. An answer is capped at \"for some\" while one of its quality criteria"
                + " is not met.\n");
        return b.toString();
    }

    @Override
    public byte[] pdf(Assessment a) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        Document doc = new Document();
        try {
            com.lowagie.text.pdf.PdfWriter.getInstance(doc, out);
            doc.addTitle("SAMM Incident Management self-assessment");
            doc.addCreator("Vigil");
            doc.open();
            Font h1 = FontFactory.getFont(FontFactory.HELVETICA_BOLD, 16);
            Font h2 = FontFactory.getFont(FontFactory.HELVETICA_BOLD, 12);
            Font body = FontFactory.getFont(FontFactory.HELVETICA, 10);
            Font small = FontFactory.getFont(FontFactory.HELVETICA, 8);
            doc.add(new Paragraph("SAMM Incident Management self-assessment", h1));
            doc.add(new Paragraph(
                    "As of " + a.asOf().truncatedTo(ChronoUnit.SECONDS) + ", by " + a.createdBy()
                            + (a.id() == null ? " (live computation)" : " (snapshot " + a.id() + ")"),
                    body));
            doc.add(new Paragraph(
                    "Stream A (incident detection): " + pct(a.streamA()) + " / 3    Stream B (incident response): "
                            + pct(a.streamB()) + " / 3    Practice score: " + pct(a.score()),
                    h2));
            for (QuestionResult q : a.questions()) {
                doc.add(new Paragraph(" ", body));
                doc.add(new Paragraph(q.id() + ": " + q.question(), h2));
                doc.add(new Paragraph(
                        "Answer: " + q.answerText() + " (" + q.value() + ")"
                                + (q.override() == null
                                        ? ""
                                        : " - overridden by " + q.override().assessor() + ": "
                                                + q.override().justification()),
                        body));
                doc.add(new Paragraph(q.explanation(), body));
                for (QuestionResult.Criterion c : q.criteria()) {
                    doc.add(new Paragraph(
                            (c.met() ? "[met] " : "[NOT met] ") + c.text() + " - " + c.explanation() + " Evidence: "
                                    + String.join(
                                            ", ",
                                            c.evidence().stream()
                                                    .map(Evidence::href)
                                                    .toList()),
                            small));
                }
            }
            doc.close();
        } catch (DocumentException e) {
            throw new IllegalStateException("could not render the assessment PDF", e);
        }
        return out.toByteArray();
    }
}
