package dev.vigil.server.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vigil.server.testing.VigilServerTest;
import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.test.web.server.LocalServerPort;
import picocli.CommandLine;

/** {@code vigil ingest}: offline files through the HTTP intake of a running server, with file:line for rejects. */
@VigilServerTest
class IngestCommandTest {
    @LocalServerPort
    int port;

    @TempDir
    Path dir;

    @Test
    void sendsPlainAndGzipFilesInChunksAndReportsRejectedLinesWithTheirFileLine() throws Exception {
        Path plain = dir.resolve("a.ndjson");
        Files.writeString(plain, "{\"n\":1}\n{\"n\":2}\nbroken\n{\"n\":4}\n{\"n\":5}\n");
        Path gz = dir.resolve("b.ndjson.gz");
        try (OutputStream out = new GZIPOutputStream(Files.newOutputStream(gz))) {
            out.write("{\"m\":1}\n{\"m\":2}\n".getBytes(StandardCharsets.UTF_8));
        }
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        PrintStream original = System.out;
        int code;
        System.setOut(new PrintStream(captured, true, StandardCharsets.UTF_8));
        try {
            code = new CommandLine(new VigilCommand())
                    .execute(
                            "ingest",
                            "--source",
                            "default-http",
                            "--url",
                            "http://127.0.0.1:" + port,
                            "--token",
                            VigilServerTest.ADMIN_TOKEN,
                            "--chunk-lines",
                            "2",
                            dir.toString());
        } finally {
            System.setOut(original);
        }
        String output = captured.toString(StandardCharsets.UTF_8);
        assertThat(code).as(output).isEqualTo(3); // some lines were rejected
        assertThat(output)
                .contains(plain + ":3: invalid JSON")
                .contains(plain + ": 4 accepted, 1 rejected")
                .contains(gz + ": 2 accepted, 0 rejected")
                .contains("total: 6 accepted, 1 rejected into source default-http");
    }
}
