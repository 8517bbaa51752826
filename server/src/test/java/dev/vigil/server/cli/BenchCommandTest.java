package dev.vigil.server.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code vigil bench} on a small lane with known detections: the row has the lane's events and matches, every option
 * combination (index, routing, decided rules, value memo) counts the same matches, malformed lines are skipped and
 * reported, and bad arguments get a usage error.
 */
class BenchCommandTest {
    static final String RULES = """
            title: Encoded PowerShell
            id: 00000000-0000-4000-8000-0000000000b1
            level: high
            logsource: {category: process_creation, product: windows}
            detection:
                sel:
                    Image|endswith: '\\\\powershell.exe'
                    CommandLine|contains: [' -enc ', ' -encodedcommand ']
                filter:
                    ParentImage|endswith: '\\\\explorer.exe'
                condition: sel and not filter
            ---
            title: Svchost without -k
            id: 00000000-0000-4000-8000-0000000000b2
            level: medium
            logsource: {category: process_creation, product: windows}
            detection:
                sel:
                    Image|endswith: '\\\\svchost.exe'
                flags:
                    CommandLine|re: '-k\\s\\w+'
                condition: sel and not flags
            ---
            title: Cisco config shown
            id: 00000000-0000-4000-8000-0000000000b3
            level: low
            logsource: {product: cisco, service: aaa}
            detection:
                keywords: ['show running-config']
                condition: keywords
            """;

    /** 300 events: 50 encoded PowerShell (10 of them from explorer: filtered), 40 bare svchost, 30 Cisco shows. */
    static Path lane(Path dir) throws IOException {
        List<String> lines = new ArrayList<>();
        for (int i = 0; i < 300; i++) {
            String line;
            if (i < 50) {
                String parent = i < 10 ? "C:\\\\Windows\\\\explorer.exe" : "C:\\\\Windows\\\\System32\\\\cmd.exe";
                line = "{\"Image\":\"C:\\\\Windows\\\\System32\\\\WindowsPowerShell\\\\v1.0\\\\powershell.exe\","
                        + "\"CommandLine\":\"powershell -enc SQBFAFgA" + i + "\",\"ParentImage\":\"" + parent
                        + "\",\"product\":\"windows\",\"category\":\"process_creation\"}";
            } else if (i < 90) {
                line = "{\"Image\":\"C:\\\\Windows\\\\System32\\\\svchost.exe\",\"CommandLine\":\"svchost.exe "
                        + (i % 2 == 0 ? "" : "-x") + "\",\"product\":\"windows\",\"category\":\"process_creation\"}";
            } else if (i < 120) {
                line = "{\"message\":\"User admin executed: SHOW running-config " + i
                        + "\",\"product\":\"cisco\",\"service\":\"aaa\"}";
            } else if (i < 200) {
                line =
                        "{\"Image\":\"C:\\\\Windows\\\\System32\\\\svchost.exe\",\"CommandLine\":\"svchost.exe -k netsvcs -p\","
                                + "\"product\":\"windows\",\"category\":\"process_creation\"}";
            } else {
                line = "{\"message\":\"User ops executed: show version " + i
                        + "\",\"product\":\"cisco\",\"service\":\"aaa\"}";
            }
            lines.add(line);
        }
        lines.add(150, "{not json");
        Files.createDirectories(dir.resolve("lanes"));
        Path lane = dir.resolve("lanes").resolve("mixed.ndjson");
        Files.write(lane, lines);
        return dir.resolve("lanes");
    }

    static Map<String, String> row(CliRun r) {
        assertThat(r.exit()).as(r.err()).isZero();
        String[] lines = r.out().split("\n");
        String[] head = lines[1].split("\t");
        String[] values = lines[2].split("\t");
        Map<String, String> m = new HashMap<>();
        for (int i = 0; i < head.length; i++) m.put(head[i], values[i]);
        return m;
    }

    @Test
    void reportsEventsMatchesAndRatesForEveryOptionCombination(@TempDir Path dir) throws IOException {
        Path lanes = lane(dir);
        Path rules = Files.writeString(dir.resolve("rules.yml"), RULES);
        String[] base = {
            "bench",
            "--rules",
            rules.toString(),
            "--lanes",
            lanes.toString(),
            "--repeat",
            "2",
            "--runs",
            "1",
            "--warmup",
            "0",
            "--format",
            "tsv"
        };
        Map<String, String> full = row(CliRun.run(base));
        assertThat(full.get("lane")).isEqualTo("mixed");
        assertThat(full.get("events")).isEqualTo("600");
        // 40 encoded PowerShell + 40 bare svchost + 30 Cisco shows, twice
        assertThat(full.get("matches")).isEqualTo("220");
        assertThat(full.get("rules")).isEqualTo("3");
        assertThat(Double.parseDouble(full.get("events_per_s"))).isPositive();
        assertThat(Double.parseDouble(full.get("parse_only_per_s"))).isPositive();
        assertThat(Double.parseDouble(full.get("detect_parse_ratio"))).isPositive();
        for (String[] extra : List.of(
                new String[] {"--no-index"},
                new String[] {"--no-routing"},
                new String[] {"--no-decide"},
                new String[] {"--no-memo"},
                new String[] {"--batch", "1"},
                new String[] {"--batch", "7"},
                new String[] {"--batch", "4096"},
                new String[] {"--no-index", "--no-routing"})) {
            List<String> args = new ArrayList<>(List.of(base));
            args.addAll(List.of(extra));
            assertThat(row(CliRun.run(args.toArray(new String[0]))).get("matches"))
                    .as(String.join(" ", extra))
                    .isEqualTo("220");
        }
        CliRun table = CliRun.run(
                "bench",
                "--rules",
                rules.toString(),
                "--lanes",
                lanes.toString(),
                "--repeat",
                "1",
                "--runs",
                "1",
                "--warmup",
                "0");
        assertThat(table.exit()).isZero();
        assertThat(table.out())
                .contains("batch 64")
                .contains("decide on")
                .contains("mixed")
                .contains("1 malformed lines skipped");
    }

    @Test
    void badArgumentsGetAUsageError(@TempDir Path dir) throws IOException {
        Path lanes = lane(dir);
        Path rules = Files.writeString(dir.resolve("rules.yml"), RULES);
        CliRun r = CliRun.run("bench", "--rules", rules.toString(), "--lanes", lanes.toString(), "--runs", "0");
        assertThat(r.exit()).isEqualTo(2);
        assertThat(r.err()).contains("runs must be at least 1");
        CliRun b = CliRun.run("bench", "--rules", rules.toString(), "--lanes", lanes.toString(), "--batch", "0");
        assertThat(b.exit()).isEqualTo(2);
        assertThat(b.err()).contains("batch must be at least 1");
        assertThat(CliRun.run("bench", "--rules", dir.resolve("missing").toString(), "--lanes", lanes.toString())
                        .err())
                .contains("no such file or directory");
        assertThat(CliRun.run(
                                "bench",
                                "--rules",
                                rules.toString(),
                                "--lanes",
                                dir.resolve("none").toString())
                        .err())
                .contains("not a directory");
    }
}
