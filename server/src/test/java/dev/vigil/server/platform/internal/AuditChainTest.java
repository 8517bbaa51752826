package dev.vigil.server.platform.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.vigil.server.cli.VigilCommand;
import dev.vigil.server.platform.DataDirectory;
import dev.vigil.server.platform.api.PageQuery;
import dev.vigil.server.platform.audit.Actor;
import dev.vigil.server.platform.audit.AuditEntry;
import dev.vigil.server.platform.audit.AuditQuery;
import dev.vigil.server.platform.audit.ChainVerification;
import dev.vigil.server.testing.TestPostgres;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.jdbc.datasource.DataSourceTransactionManager;
import org.springframework.jdbc.datasource.DriverManagerDataSource;
import org.springframework.transaction.support.TransactionTemplate;
import picocli.CommandLine;

/**
 * The audit log's hash chain on a database of its own (so that tampering cannot disturb other tests): appends from
 * concurrent writers stay one gap-free chain, ordinary statements cannot change it, and an entry edited, deleted or
 * cut off directly in PostgreSQL is detected — acceptance 3 of issue 6 through {@code ./vigil audit verify}.
 */
class AuditChainTest {
    @TempDir
    Path dataDir;

    String url;
    DriverManagerDataSource ds;
    JdbcClient jdbc;
    JdbcAuditLog audit;

    @BeforeEach
    void freshDatabase() {
        url = TestPostgres.newDatabase();
        ds = new DriverManagerDataSource(url, TestPostgres.username(), TestPostgres.password());
        Flyway.configure()
                .dataSource(ds)
                .locations("classpath:db/migration")
                .outOfOrder(true)
                .load()
                .migrate();
        jdbc = JdbcClient.create(ds);
        audit = new JdbcAuditLog(
                jdbc,
                ds,
                new TransactionTemplate(new DataSourceTransactionManager(ds)),
                Clock.fixed(Instant.parse("2026-11-22T10:00:00.123456789Z"), ZoneOffset.UTC),
                event -> {},
                new DataDirectory(dataDir),
                new SimpleMeterRegistry());
    }

    private void record(int n) {
        for (int i = 0; i < n; i++) {
            audit.record(
                    new Actor("user", "u-" + i, "alice"),
                    "updated",
                    "rule",
                    "rule-" + i,
                    Map.of("enabled", true, "title", "<script>x</script>"),
                    Map.of("enabled", false, "title", "ünïcode \"quoted\""));
        }
    }

    private CommandResult verifyCommand(String... extra) throws Exception {
        Path password = dataDir.resolve("db-password");
        Files.writeString(password, TestPostgres.password(), StandardCharsets.UTF_8);
        List<String> args = new ArrayList<>(List.of(
                "audit",
                "verify",
                "--jdbc-url",
                url,
                "--db-user",
                TestPostgres.username(),
                "--db-password-file",
                password.toString()));
        args.addAll(List.of(extra));
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine cl = new CommandLine(new VigilCommand());
        cl.setOut(new PrintWriter(out, true));
        cl.setErr(new PrintWriter(err, true));
        int code = cl.execute(args.toArray(String[]::new));
        return new CommandResult(code, out + err.toString());
    }

    record CommandResult(int exit, String output) {}

    /** Runs statements as the database owner with the append-only triggers bypassed: what an intruder could do. */
    private void tamper(String sql) {
        jdbc.sql("set session_replication_role = replica; " + sql + "; set session_replication_role = origin")
                .update();
    }

    @Test
    void anIntactChainVerifies() throws Exception {
        record(5);
        ChainVerification v = audit.verify();
        assertThat(v.intact()).isTrue();
        assertThat(v.entries()).isEqualTo(5);
        assertThat(v.headSeq()).isEqualTo(5);
        CommandResult cli = verifyCommand();
        assertThat(cli.exit()).as(cli.output()).isZero();
        assertThat(cli.output()).contains("audit log intact: 5 entries");
        AuditEntry last = audit.find(AuditQuery.ALL, PageQuery.of(0, 1)).items().getFirst();
        assertThat(last.seq()).isEqualTo(5);
        assertThat(last.after()).isEqualTo("{\"enabled\":false,\"title\":\"ünïcode \\\"quoted\\\"\"}");
    }

    @Test
    void anEntryEditedDirectlyInPostgresqlIsDetectedByTheCommand() throws Exception {
        record(5);
        tamper("update audit_log set after_json = '{\"enabled\":true}' where seq = 3");
        CommandResult cli = verifyCommand();
        assertThat(cli.exit()).as(cli.output()).isEqualTo(1);
        assertThat(cli.output()).contains("AUDIT LOG TAMPERED", "entry 3 was modified", "first bad entry: 3");
        assertThat(audit.verify().intact()).isFalse();
    }

    @Test
    void anEditedActorOrTimeIsDetectedToo() throws Exception {
        record(3);
        tamper("update audit_log set actor_name = 'mallory' where seq = 1");
        assertThat(audit.verify().firstBadSeq()).isEqualTo(1);
    }

    @Test
    void aDeletedEntryIsDetected() throws Exception {
        record(5);
        tamper("delete from audit_log where seq = 2");
        CommandResult cli = verifyCommand();
        assertThat(cli.exit()).isEqualTo(1);
        assertThat(cli.output()).contains("entry 2 is missing");
    }

    @Test
    void aRewrittenChainIsDetectedByItsLinks() {
        record(4);
        // Replace entry 2 with a consistent-looking one: its own hash is recomputed, but entry 3 still links to the
        // original hash.
        AuditEntry two = audit.find(new AuditQuery(null, null, null, "rule-1", null, null, null), PageQuery.of(0, 1))
                .items()
                .getFirst();
        AuditEntry forged = new AuditEntry(
                two.seq(),
                two.id(),
                two.occurredAt(),
                two.actorType(),
                two.actorId(),
                "mallory",
                two.sourceIp(),
                two.action(),
                two.objectType(),
                two.objectId(),
                two.before(),
                two.after(),
                two.prevHash(),
                null);
        byte[] hash = dev.vigil.server.platform.audit.AuditChain.hash(
                java.util.HexFormat.of().parseHex(two.prevHash()), forged);
        tamper("update audit_log set actor_name = 'mallory', hash = decode('"
                + java.util.HexFormat.of().formatHex(hash) + "', 'hex') where seq = 2");
        ChainVerification v = audit.verify();
        assertThat(v.intact()).isFalse();
        assertThat(v.firstBadSeq()).isEqualTo(3);
        assertThat(v.problem()).contains("does not link");
    }

    @Test
    void entriesCutOffTheEndAreDetectedAgainstTheLastCheckpoint() throws Exception {
        record(5);
        assertThat(audit.verify().intact()).isTrue(); // checkpoint at 5, and DATA_DIR/audit-head
        tamper("delete from audit_log where seq >= 4");
        ChainVerification v = audit.verify();
        assertThat(v.intact()).isFalse();
        assertThat(v.problem()).contains("entries were removed from the end");
        assertThat(Files.readString(dataDir.resolve("audit-head"))).startsWith("5 ");
    }

    @Test
    void ordinaryStatementsCannotChangeTheLog() {
        record(1);
        assertThatThrownBy(
                        () -> jdbc.sql("update audit_log set actor_name = 'x'").update())
                .hasMessageContaining("append-only");
        assertThatThrownBy(() -> jdbc.sql("delete from audit_log").update()).hasMessageContaining("append-only");
        assertThatThrownBy(() -> jdbc.sql("truncate audit_log").update()).hasMessageContaining("append-only");
    }

    @Test
    void concurrentWritersKeepOneGapFreeChain() throws Exception {
        int threads = 8;
        int each = 25;
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            List<Future<?>> futures = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                futures.add(pool.submit(() -> record(each)));
            }
            for (Future<?> f : futures) {
                f.get();
            }
        } finally {
            pool.shutdown();
        }
        ChainVerification v = audit.verify();
        assertThat(v.intact()).as(String.valueOf(v.problem())).isTrue();
        assertThat(v.entries()).isEqualTo((long) threads * each);
        assertThat(jdbc.sql("select max(seq) from audit_log").query(Long.class).single())
                .isEqualTo((long) threads * each);
    }

    @Test
    void csvExportCellsCannotRunAsFormulas() {
        assertThat(AuditCsv.cell("=HYPERLINK(\"http://x\")")).isEqualTo("\"'=HYPERLINK(\"\"http://x\"\")\"");
        assertThat(AuditCsv.cell("-1+2")).isEqualTo("\"'-1+2\"");
        assertThat(AuditCsv.cell("plain")).isEqualTo("plain");
        assertThat(AuditCsv.cell("a,b")).isEqualTo("\"a,b\"");
    }
}
