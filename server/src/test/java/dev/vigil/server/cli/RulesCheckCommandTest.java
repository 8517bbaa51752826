package dev.vigil.server.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;

/** The {@code vigil rules check} output contract (issue 2). */
class RulesCheckCommandTest {

    static Path rules(Path dir) throws IOException {
        Files.writeString(dir.resolve("good.yml"), """
                title: Good
                id: 7d9c2f57-1d7a-4c7f-9b0e-0a1b2c3d4e5f
                logsource: {product: windows}
                detection:
                    sel: {CommandLine|contains: whoami}
                    condition: sel
                """);
        Files.writeString(dir.resolve("bad.yml"), """
                title: Bad
                id: 2b1f7d0e-5a6c-4e8d-9f0a-1b2c3d4e5f60
                logsource: {product: windows}
                detection:
                    sel: {CommandLine|re|contains: 'x'}
                    condition: sel
                """);
        return dir;
    }

    @Test
    void textListsEveryRefusalWithItsReason(@TempDir Path dir) throws IOException {
        CliRun r = CliRun.run("rules", "check", rules(dir).toString());
        assertThat(r.exit()).isZero();
        assertThat(r.out()).contains("loaded: 1 (1 detection rules").contains("refused: 1");
        assertThat(r.out())
                .contains("bad.yml [2b1f7d0e-5a6c-4e8d-9f0a-1b2c3d4e5f60] detection.sel.CommandLine|re|contains:"
                        + " contradictory modifiers 're' and 'contains'");
    }

    @Test
    void jsonHasTheContractShape(@TempDir Path dir) throws IOException {
        CliRun r = CliRun.run("rules", "check", "--json", rules(dir).toString());
        JsonNode j = ScanCommandTest.JSON.readTree(r.out());
        assertThat(j.get("loaded").asInt()).isEqualTo(1);
        assertThat(j.get("refused").asInt()).isEqualTo(1);
        JsonNode ref = j.get("refusals").get(0);
        assertThat(ref.get("file").asString()).endsWith("bad.yml");
        assertThat(ref.get("id").asString()).isEqualTo("2b1f7d0e-5a6c-4e8d-9f0a-1b2c3d4e5f60");
        assertThat(ref.get("reason").asString()).contains("contradictory modifiers");
        assertThat(ref.get("path").asString()).isEqualTo("detection.sel.CommandLine|re|contains");
    }

    @Test
    void strictFailsWhenSomethingIsRefused(@TempDir Path dir) throws IOException {
        assertThat(CliRun.run("rules", "check", "--strict", rules(dir).toString())
                        .exit())
                .isEqualTo(1);
        assertThat(CliRun.run("rules", "check", "--strict", CliRun.repo("rules"))
                        .exit())
                .isZero();
    }

    @Test
    void placeholderFileMakesPlaceholderRulesLoad(@TempDir Path dir) throws IOException {
        Files.writeString(dir.resolve("ph.yml"), """
                title: Admin logon from elsewhere
                logsource: {product: windows, service: security}
                detection:
                    sel: {EventID: 4624}
                    filter: {IpAddress|expand: '%Admins_Workstations%'}
                    condition: sel and not filter
                """);
        CliRun without = CliRun.run("rules", "check", dir.toString());
        assertThat(without.out()).contains("refused: 1").contains("placeholder %Admins_Workstations% is not defined");
        CliRun with = CliRun.run(
                "rules", "check", "--placeholders", CliRun.repo("config/placeholders.example.yml"), dir.toString());
        assertThat(with.out()).contains("loaded: 1").contains("refused: 0");
    }

    @Test
    void missingPathIsAUsageError(@TempDir Path dir) {
        CliRun r = CliRun.run("rules", "check", dir.resolve("nope").toString());
        assertThat(r.exit()).isEqualTo(2);
        assertThat(r.err()).contains("no such file or directory");
    }

    @Test
    void zipArchivesAreRead(@TempDir Path dir) throws IOException {
        Path zip = dir.resolve("rules.zip");
        try (var z = new java.util.zip.ZipOutputStream(Files.newOutputStream(zip))) {
            z.putNextEntry(new java.util.zip.ZipEntry("sigma/rules/good.yml"));
            z.write(Files.readAllBytes(
                    rules(Files.createDirectory(dir.resolve("src"))).resolve("good.yml")));
            z.closeEntry();
            z.putNextEntry(new java.util.zip.ZipEntry("sigma/README.md"));
            z.write("not a rule".getBytes());
            z.closeEntry();
        }
        CliRun r = CliRun.run("rules", "check", "--json", zip.toString());
        JsonNode j = ScanCommandTest.JSON.readTree(r.out());
        assertThat(j.get("loaded").asInt()).isEqualTo(1);
        assertThat(j.get("refused").asInt()).isZero();
    }
}
