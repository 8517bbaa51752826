package dev.vigil.server.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** The {@code vigil scan} output contract (issue 2) over the project's own rules and samples. Offline, no Spring. */
class ScanCommandTest {
    static final JsonMapper JSON = JsonMapper.builder().build();

    static List<JsonNode> jsonl(String out) {
        List<JsonNode> l = new ArrayList<>();
        for (String line : out.split("\n")) if (!line.isBlank()) l.add(JSON.readTree(line));
        return l;
    }

    @Test
    void jsonlHasOneDetectionPerLineWithTheContractFields() {
        CliRun r = CliRun.run("scan", "--rules", CliRun.repo("rules"), "--format", "jsonl", CliRun.repo("samples"));
        assertThat(r.exit()).isZero();
        List<JsonNode> ds = jsonl(r.out());
        assertThat(ds).hasSize(17);
        for (JsonNode d : ds) {
            for (String f : List.of(
                    "rule_id", "rule_title", "level", "tags", "timestamp", "source", "line", "fields", "exercise")) {
                assertThat(d.has(f)).as(f + " in " + d).isTrue();
            }
            assertThat(d.get("tags").isArray()).isTrue();
            // a correlation's detection has no single source line: source "correlation", line 0
            if (d.get("source").asString().equals("correlation")) {
                assertThat(d.get("line").asLong()).isZero();
            } else {
                assertThat(d.get("line").asLong()).isPositive();
            }
            assertThat(d.get("fields").isObject()).isTrue();
            assertThat(d.has("event")).isFalse();
        }
        JsonNode certutil = ds.stream()
                .filter(d -> d.get("rule_title").asString().equals("Certutil Downloads a File"))
                .findFirst()
                .orElseThrow();
        assertThat(certutil.get("level").asString()).isEqualTo("high");
        assertThat(certutil.get("source").asString()).endsWith("windows-sysmon.ndjson");
        assertThat(certutil.get("line").asLong()).isEqualTo(5);
        assertThat(certutil.get("timestamp").asString()).isEqualTo("2026-11-20T08:06:45.300Z");
        assertThat(certutil.get("tags").get(0).asString()).isEqualTo("attack.command-and-control");
        assertThat(certutil.get("fields").get("Image").asString()).endsWith("certutil.exe");
    }

    @Test
    void summaryOnStandardErrorCountsTheMalformedRecordAndContinues() {
        CliRun r = CliRun.run("scan", "--rules", CliRun.repo("rules"), "--format", "jsonl", CliRun.repo("samples"));
        assertThat(r.err()).contains("events: 27 read from 4 inputs, 1 failed");
        assertThat(r.err()).containsPattern("windows-sysmon.ndjson:11: malformed JSON");
        assertThat(r.err()).contains("rules: 23 loaded, 0 refused");
        assertThat(r.err()).contains("detections: 17 (critical 1, high 9, medium 7)");
        // five SSH failures on web-01 within two minutes: the starter "SSH Brute Force" correlation fires once
        assertThat(r.err()).contains("correlation: 3 rules, 1 firings");
        assertThat(r.out()).contains("\"rule_title\":\"SSH Brute Force\"");
        assertThat(r.err()).containsPattern("throughput: [0-9,]+ events/s");
        assertThat(r.err()).doesNotContain("\r").doesNotContain("\u001b[");
        assertThat(r.out()).doesNotContain("events:");
    }

    @Test
    void routingOffFindsTheSameDetectionsOnTheSamples() {
        CliRun on = CliRun.run("scan", "--rules", CliRun.repo("rules"), "--format", "jsonl", CliRun.repo("samples"));
        CliRun off = CliRun.run(
                "scan", "--no-routing", "--rules", CliRun.repo("rules"), "--format", "jsonl", CliRun.repo("samples"));
        assertThat(off.out()).isEqualTo(on.out());
        assertThat(off.err()).contains("routing off");
    }

    @Test
    void withEventIncludesTheNormalisedEvent() {
        CliRun r = CliRun.run(
                "scan",
                "--rules",
                CliRun.repo("rules"),
                "--format",
                "jsonl",
                "--with-event",
                CliRun.repo("samples/windows-evtx.json"));
        List<JsonNode> ds = jsonl(r.out());
        assertThat(ds).isNotEmpty();
        assertThat(ds.get(0).get("event").get("CommandLine").asString()).contains("whoami");
        assertThat(ds.get(0).get("event").get("Provider_Name").asString()).isEqualTo("Microsoft-Windows-Sysmon");
    }

    @Test
    void csvHasAHeaderAndQuotesCells() {
        CliRun r = CliRun.run("scan", "--rules", CliRun.repo("rules"), "--format", "csv", CliRun.repo("samples"));
        String[] lines = r.out().split("\n");
        assertThat(lines[0]).isEqualTo("rule_id,rule_title,level,status,timestamp,source,line,tags,fields,exercise");
        assertThat(lines).hasSize(18);
        assertThat(r.out()).contains("\"cs-uri-query=id=1 UNION SELECT username,password FROM users\"");
    }

    @Test
    void tableIsTheDefault() {
        CliRun r = CliRun.run("scan", "--rules", CliRun.repo("rules"), CliRun.repo("samples"));
        assertThat(r.out()).startsWith("LEVEL").contains("Shadow Copies Deleted");
    }

    @Test
    void gzipAndControlCharactersInEvents(@TempDir Path dir) throws IOException {
        Path gz = dir.resolve("evil.ndjson.gz");
        try (OutputStream o = new GZIPOutputStream(Files.newOutputStream(gz))) {
            o.write(("{\"product\":\"linux\",\"service\":\"auth\",\"process\":{\"name\":\"sudo\"},\"message\":"
                            + "\"mallory : USER=root ; COMMAND=/bin/bash \\u001b[2J\\u001b]0;pwned\\u0007\"}\n")
                    .getBytes(StandardCharsets.UTF_8));
        }
        CliRun table = CliRun.run("scan", "--rules", CliRun.repo("rules"), dir.toString());
        assertThat(table.exit()).isZero();
        assertThat(table.out())
                .contains("Sudo Used To Start A Shell Or Read Credentials")
                .contains("\\x1b[2J")
                .doesNotContain("\u001b");
        CliRun jsonl = CliRun.run("scan", "--rules", CliRun.repo("rules"), "--format", "jsonl", gz.toString());
        assertThat(jsonl.out()).contains("\\u001B[2J").doesNotContain("\u001b");
    }

    @Test
    void exitStatusForMissingRulesAndInputs(@TempDir Path dir) {
        CliRun noRules = CliRun.run("scan", "--rules", dir.resolve("nope").toString(), CliRun.repo("samples"));
        assertThat(noRules.exit()).isEqualTo(2);
        assertThat(noRules.err()).contains("no such file or directory");
        CliRun noInput = CliRun.run(
                "scan",
                "--rules",
                CliRun.repo("rules"),
                dir.resolve("missing.ndjson").toString());
        assertThat(noInput.exit()).isEqualTo(2);
        CliRun someMissing = CliRun.run(
                "scan",
                "--rules",
                CliRun.repo("rules"),
                "--format",
                "jsonl",
                CliRun.repo("samples/linux-auth.ndjson"),
                dir.resolve("missing.ndjson").toString());
        assertThat(someMissing.exit()).isEqualTo(1);
        // linux-auth: sudo to a shell, a new user and the SSH brute-force correlation
        assertThat(jsonl(someMissing.out())).hasSize(3);
        CliRun badFormat =
                CliRun.run("scan", "--rules", CliRun.repo("rules"), "--format", "xml", CliRun.repo("samples"));
        assertThat(badFormat.exit()).isEqualTo(2);
        assertThat(badFormat.err()).contains("unknown format 'xml'");
    }

    @Test
    void noRuleLoadedIsAnError(@TempDir Path dir) throws IOException {
        Files.writeString(dir.resolve("bad.yml"), "title: broken\nlogsource: {product: x}\n");
        CliRun r = CliRun.run("scan", "--rules", dir.toString(), CliRun.repo("samples"));
        assertThat(r.exit()).isEqualTo(2);
        assertThat(r.err()).contains("no rule loaded").contains("not a Sigma rule");
    }
}
