package dev.vigil.engine;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vigil.engine.rule.CorrelationRule;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RuleLoaderTest {
    static final String RULE = """
            title: Whoami
            id: %s
            status: %s
            logsource: {product: windows, category: process_creation}
            detection:
                sel: {CommandLine|contains: whoami}
                condition: sel
            """;

    static String rule(String id, String status) {
        return RULE.formatted(id, status);
    }

    @Test
    void directoriesAreReadRecursivelySkippingHiddenFoldersAndOtherFiles(@TempDir Path dir) throws IOException {
        Files.createDirectories(dir.resolve("a/b"));
        Files.createDirectories(dir.resolve(".git"));
        Files.writeString(dir.resolve("a/b/one.yml"), rule("00000000-0000-4000-8000-000000000001", "test"));
        Files.writeString(dir.resolve("a/two.yaml"), rule("00000000-0000-4000-8000-000000000002", "test"));
        Files.writeString(dir.resolve(".git/three.yml"), rule("00000000-0000-4000-8000-000000000003", "test"));
        Files.writeString(dir.resolve("a/notes.txt"), "not yaml");
        LoadResult r = RuleLoader.create(LoaderOptions.defaults()).load(List.of(dir));
        assertThat(r.rules())
                .extracting(x -> x.info().id())
                .containsExactly("00000000-0000-4000-8000-000000000001", "00000000-0000-4000-8000-000000000002");
        assertThat(r.refusals()).isEmpty();
    }

    @Test
    void zipArchivesAreReadWithTheirEntryNames(@TempDir Path dir) throws IOException {
        Path zip = dir.resolve("sigma.zip");
        try (ZipOutputStream z = new ZipOutputStream(Files.newOutputStream(zip))) {
            z.putNextEntry(new ZipEntry("rules/windows/one.yml"));
            z.write(rule("00000000-0000-4000-8000-000000000001", "test").getBytes());
            z.putNextEntry(new ZipEntry("rules/bad.yml"));
            z.write("title: [".getBytes());
        }
        LoadResult r = RuleLoader.create(LoaderOptions.defaults()).load(List.of(zip));
        assertThat(r.rules()).hasSize(1);
        assertThat(r.rules().get(0).info().file()).isEqualTo(zip + "!/rules/windows/one.yml");
        assertThat(r.refusals()).singleElement().satisfies(f -> {
            assertThat(f.file()).isEqualTo(zip + "!/rules/bad.yml");
            assertThat(f.reason()).startsWith("invalid YAML").contains("line 1");
        });
    }

    @Test
    void oversizedNonUtf8AndMissingFilesAreRefusedWithAReason(@TempDir Path dir) throws IOException {
        Files.writeString(
                dir.resolve("big.yml"),
                "# " + "x".repeat(5000) + "\n" + rule("00000000-0000-4000-8000-000000000001", "test"));
        Files.write(dir.resolve("latin1.yml"), new byte[] {'t', 'i', 't', 'l', 'e', ':', ' ', (byte) 0xE9});
        LoaderOptions small = new LoaderOptions(null, 1024, 10);
        LoadResult r = RuleLoader.create(small).load(List.of(dir, dir.resolve("missing.yml")));
        assertThat(r.rules()).isEmpty();
        assertThat(r.refusals())
                .extracting(Refusal::reason)
                .containsExactlyInAnyOrder(
                        "file is " + Files.size(dir.resolve("big.yml")) + " bytes, larger than the limit of 1024",
                        "not valid UTF-8",
                        "no such file or directory");
    }

    @Test
    void rulesFiltersAndCorrelationsFromOneMultiDocumentFile() {
        LoadResult r = RuleLoader.create(LoaderOptions.defaults()).loadText("multi.yml", """
                title: Failed logon
                id: 00000000-0000-4000-8000-000000000010
                name: failed_logon
                logsource: {product: windows, service: security}
                detection:
                    sel: {EventID: 4625}
                    condition: sel
                ---
                title: Many failed logons
                id: 00000000-0000-4000-8000-000000000011
                level: high
                correlation:
                    type: event_count
                    rules: [failed_logon]
                    group-by: [TargetUserName]
                    timespan: 5m
                    condition: {gte: 10}
                    generate: true
                ---
                title: Not the scanner
                logsource: {product: windows}
                filter:
                    rules: [failed_logon]
                    scanner: {IpAddress: 10.0.0.5}
                    condition: not scanner
                """);
        assertThat(r.refusals()).isEmpty();
        assertThat(r.rules()).hasSize(1);
        assertThat(r.filters()).hasSize(1);
        CorrelationRule c = r.correlations().get(0);
        assertThat(c.type()).isEqualTo("event_count");
        assertThat(c.rules()).containsExactly("failed_logon");
        assertThat(c.groupBy()).containsExactly("TargetUserName");
        assertThat(c.timespan()).isEqualTo("5m");
        assertThat(c.condition()).isEqualTo(Map.of("gte", 10));
        assertThat(c.generate()).isTrue();
        assertThat(c.level()).isEqualTo("high");
        assertThat(c.raw()).containsKey("correlation");
        RuleSet set = RuleSet.compile(r, CompileOptions.defaults());
        assertThat(set.compiled().get(0).filters()).containsExactly("Not the scanner");
        assertThat(set.correlations()).hasSize(1);
    }

    @Test
    void excludedStatusesAreListedAsRefusals() {
        LoadResult r = RuleLoader.create(LoaderOptions.defaults())
                .loadText(
                        "d.yml",
                        rule("00000000-0000-4000-8000-000000000001", "deprecated") + "---\n"
                                + rule("00000000-0000-4000-8000-000000000002", "stable"));
        RuleSet set = RuleSet.compile(r, new CompileOptions(true, Set.of("deprecated", "unsupported")));
        assertThat(set.size()).isEqualTo(1);
        assertThat(set.refusals()).singleElement().satisfies(f -> {
            assertThat(f.ruleId()).isEqualTo("00000000-0000-4000-8000-000000000001");
            assertThat(f.reason()).isEqualTo("status 'deprecated' is excluded");
        });
    }

    @Test
    void resultsCombine() {
        RuleLoader l = RuleLoader.create(LoaderOptions.defaults());
        LoadResult a = l.loadText("a.yml", rule("00000000-0000-4000-8000-000000000001", "test"));
        LoadResult b = l.loadText("b.yml", "title: [");
        LoadResult both = a.plus(b);
        assertThat(both.rules()).hasSize(1);
        assertThat(both.refusals()).hasSize(1);
    }
}
