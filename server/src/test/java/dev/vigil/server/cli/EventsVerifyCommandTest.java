package dev.vigil.server.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vigil.server.events.IntegrityService;
import dev.vigil.server.events.Verification;
import dev.vigil.server.testing.TestApi;
import dev.vigil.server.testing.VigilServerTest;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.JdbcTemplate;
import picocli.CommandLine;

/**
 * {@code vigil events verify} against the running server: clean when nothing was touched (exit 0), the exact batch
 * when a ledger row was changed (exit 1); every run is kept with its trigger.
 */
@VigilServerTest
class EventsVerifyCommandTest {
    @LocalServerPort
    int port;

    @Autowired
    DataSource dataSource;

    @Autowired
    IntegrityService integrity;

    record Run(int code, String out) {}

    Run verify() {
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        PrintStream original = System.out;
        System.setOut(new PrintStream(captured, true, StandardCharsets.UTF_8));
        try {
            int code = new CommandLine(new VigilCommand())
                    .execute(
                            "events",
                            "verify",
                            "--url",
                            "http://127.0.0.1:" + port,
                            "--token",
                            VigilServerTest.ADMIN_TOKEN);
            return new Run(code, captured.toString(StandardCharsets.UTF_8));
        } finally {
            System.setOut(original);
        }
    }

    @Test
    void verifiesCleanThenReportsTheChangedBatchAndKeepsEveryRun() throws InterruptedException {
        TestApi api = TestApi.admin(port);
        api.post("/api/v1/ingest/verify-cli", "application/x-ndjson", "{\"vcli\":1}\n{\"vcli\":2}\n");
        for (int i = 0;
                i < 300
                        && api.get("/api/v1/events/search?q=vcli:*")
                                        .json()
                                        .get("total")
                                        .asLong()
                                < 2;
                i++) {
            Thread.sleep(100); // indexed (and so sealed by the verification's checkpoint)
        }
        Run clean = verify();
        assertThat(clean.code()).as(clean.out()).isZero();
        assertThat(clean.out()).contains("CLEAN").contains("chain head: batch");

        JdbcTemplate jdbc = new JdbcTemplate(dataSource);
        long batch = jdbc.queryForObject("select max(batch_no) from event_batches", Long.class);
        int count =
                jdbc.queryForObject("select event_count from event_batches where batch_no = ?", Integer.class, batch);
        jdbc.update("update event_batches set event_count = event_count + 1 where batch_no = ?", batch);
        try {
            Run tampered = verify();
            assertThat(tampered.code()).as(tampered.out()).isEqualTo(1);
            assertThat(tampered.out())
                    .contains("TAMPERED")
                    .contains("CHAIN_BROKEN")
                    .contains("batch " + batch + " ");
        } finally {
            jdbc.update("update event_batches set event_count = ? where batch_no = ?", count, batch);
        }
        assertThat(verify().code()).isZero();
        assertThat(integrity.recent(3)).extracting(Verification::trigger).containsOnly("cli");
        assertThat(integrity.recent(3)).extracting(Verification::status).containsExactly("clean", "tampered", "clean");
    }
}
