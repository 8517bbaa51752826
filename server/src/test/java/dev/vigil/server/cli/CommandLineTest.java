package dev.vigil.server.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vigil.server.detection.RuleService;
import dev.vigil.server.testing.VigilServerTest;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import picocli.CommandLine;

/** The commands that talk to a running server, against the shared test server. */
@VigilServerTest
class CommandLineTest {
    @LocalServerPort
    int port;

    @Autowired
    RuleService rules;

    @TempDir
    Path dir;

    @Test
    void rulesImportSendsADirectoryAndPrintsWhatHappened() throws Exception {
        String id = UUID.randomUUID().toString();
        Files.createDirectories(dir.resolve("team/linux"));
        Files.writeString(dir.resolve("team/linux/backdoor.yml"), """
                title: Backdoor Marker
                id: %s
                logsource:
                  product: linux
                detection:
                  selection:
                    message|contains: backdoor-marker
                  condition: selection
                level: high
                """.formatted(id));
        Files.writeString(dir.resolve("team/linux/broken.yml"), "title: x\nid: not-a-rule\n");
        Files.writeString(dir.resolve("team/notes.txt"), "ignored");

        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        PrintStream original = System.out;
        int code;
        System.setOut(new PrintStream(captured, true, StandardCharsets.UTF_8));
        try {
            code = new CommandLine(new VigilCommand())
                    .execute(
                            "rules",
                            "import",
                            "--url",
                            "http://127.0.0.1:" + port,
                            "--token",
                            VigilServerTest.ADMIN_TOKEN,
                            dir.resolve("team").toString());
        } finally {
            System.setOut(original);
        }
        String output = captured.toString(StandardCharsets.UTF_8);
        assertThat(code).as(output).isZero();
        assertThat(output).contains("1 added").contains("refused team!/linux/broken.yml");
        assertThat(rules.get(id)).hasValueSatisfying(r -> assertThat(r.active()).isTrue());
    }

    @Test
    void rulesImportWithoutAServerSaysSo() {
        int code = new CommandLine(new VigilCommand())
                .execute("rules", "import", "--url", "http://127.0.0.1:1", "--token", "x", dir.toString());
        assertThat(code).isNotZero();
    }
}
