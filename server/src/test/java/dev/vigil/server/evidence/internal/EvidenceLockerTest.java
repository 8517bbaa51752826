package dev.vigil.server.evidence.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.vigil.server.evidence.CustodyEntry;
import dev.vigil.server.evidence.EvidenceIntegrityException;
import dev.vigil.server.evidence.EvidenceItem;
import dev.vigil.server.incidents.Incident;
import dev.vigil.server.incidents.IncidentService;
import dev.vigil.server.incidents.IncidentSeverity;
import dev.vigil.server.incidents.NewIncident;
import dev.vigil.server.incidents.ReportService;
import dev.vigil.server.incidents.TimelineService;
import dev.vigil.server.testing.VigilServerTest;
import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * The evidence locker on the real server and file system: the server's SHA-256, the append-only chain of custody
 * (the database refuses changes), the integrity re-check on every download (tampered bytes are refused and the
 * failure recorded), and the incident report carrying evidence, timeline and classification.
 */
@VigilServerTest
class EvidenceLockerTest {
    @Autowired
    JdbcEvidenceLocker locker;

    @Autowired
    IncidentService incidents;

    @Autowired
    TimelineService timeline;

    @Autowired
    ReportService reports;

    @Autowired
    JdbcClient jdbc;

    static String sha256(byte[] b) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(b));
    }

    @Test
    void uploadsAreHashedByTheServerCustodyIsAppendOnlyAndTamperedBytesAreRefused() throws Exception {
        Incident i = incidents.create(new NewIncident(
                "Evidence check",
                null,
                IncidentSeverity.HIGH,
                2,
                null,
                null,
                null,
                null,
                null,
                null,
                null,
                null,
                null));
        byte[] content = "GET /orders?id=1 union select card from payments\n".getBytes(StandardCharsets.UTF_8);
        EvidenceItem item =
                locker.upload(i.id(), "access.log", "text/plain", "web server log", new ByteArrayInputStream(content));
        assertThat(item.sha256()).isEqualTo(sha256(content));
        assertThat(item.size()).isEqualTo(content.length);
        assertThat(item.integrity()).isEqualTo("intact");

        try (InputStream in = locker.open(item.id(), "analysis").content()) {
            assertThat(in.readAllBytes()).isEqualTo(content);
        }
        locker.recordCustody(item.id(), "transferred", "forensics lab, bag 17", "handed to Dr. Lee");
        List<CustodyEntry> custody = locker.custody(item.id());
        assertThat(custody)
                .extracting(CustodyEntry::action)
                .startsWith("collected")
                .contains("transferred");
        assertThat(custody.getFirst().sha256()).isEqualTo(item.sha256());
        assertThat(custody).extracting(CustodyEntry::seq).isSorted();

        // The chain of custody cannot be rewritten, not even with SQL.
        assertThatThrownBy(() -> jdbc.sql("update evidence_custody set actor = 'mallory' where evidence_id = ?")
                        .param(item.id())
                        .update())
                .hasMessageContaining("append-only");
        assertThatThrownBy(() -> jdbc.sql("delete from evidence_custody where evidence_id = ?")
                        .param(item.id())
                        .update())
                .hasMessageContaining("append-only");

        // Bytes changed behind the server's back: the download is refused and the failure is on record.
        Files.write(locker.path(item.id()), "tampered".getBytes(StandardCharsets.UTF_8));
        assertThatThrownBy(() -> locker.open(item.id(), "court")).isInstanceOf(EvidenceIntegrityException.class);
        assertThat(locker.get(item.id()).orElseThrow().integrity()).isEqualTo("mismatch");
        assertThat(locker.custody(item.id())).extracting(CustodyEntry::action).contains("integrity-failure");
        assertThat(timeline.list(i.id()))
                .anyMatch(e -> e.kind().equals("evidence") && e.summary().startsWith("INTEGRITY FAILURE"));
        // Downloads and the failure are in the audit log.
        assertThat(jdbc.sql("select action from audit_log where object_type = 'evidence' and object_id = ?")
                        .param(item.id().toString())
                        .query(String.class)
                        .list())
                .contains("evidence.collect", "evidence.download", "evidence.custody", "evidence.integrity-failure");

        String report = reports.markdown(i.id());
        assertThat(report).contains("Evidence check", "access.log");
        byte[] pdf = reports.pdf(i.id());
        assertThat(new String(pdf, 0, 5, StandardCharsets.US_ASCII)).isEqualTo("%PDF-");
    }
}
