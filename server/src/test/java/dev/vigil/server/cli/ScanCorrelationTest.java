package dev.vigil.server.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;

/** {@code vigil scan} evaluates correlation rules and kill chains in event-time order (issue 4). */
class ScanCorrelationTest {
    static final String RULES = """
            title: Failed login
            id: failed-login
            name: failed_login
            level: low
            tags: [attack.credential-access]
            logsource: {category: authentication}
            detection:
                sel: {EventType: failure}
                condition: sel
            ---
            title: Successful login
            id: successful-login
            name: successful_login
            level: low
            tags: [attack.initial-access]
            logsource: {category: authentication}
            detection:
                sel: {EventType: success}
                condition: sel
            ---
            title: Failures then success
            id: brute-then-success
            level: high
            correlation:
                type: temporal_ordered
                rules: [failed_login, successful_login]
                group-by: [User]
                timespan: 10m
            """;

    static String event(int second, String type, String user, String host) {
        return "{\"@timestamp\":\"2026-03-01T10:%02d:%02dZ\",\"EventType\":\"%s\",\"User\":\"%s\",\"Computer\":\"%s\"}"
                .formatted(second / 60, second % 60, type, user, host);
    }

    @Test
    void correlationFiringsFollowEventTimeNotLineOrder(@TempDir Path dir) throws IOException {
        Path rules = Files.writeString(dir.resolve("rules.yml"), RULES);
        List<String> lines = new ArrayList<>(List.of(
                event(0, "failure", "alice", "h1"),
                event(30, "success", "alice", "h1"),
                event(40, "success", "bob", "h2"),
                event(50, "failure", "bob", "h2")));
        Collections.reverse(lines); // the file is newest first
        Path events = Files.write(dir.resolve("auth.ndjson"), lines);
        CliRun r = CliRun.run("scan", "--rules", rules.toString(), "--format", "jsonl", events.toString());
        assertThat(r.exit()).as(r.err()).isZero();
        List<JsonNode> ds = ScanCommandTest.jsonl(r.out());
        assertThat(ds).hasSize(1); // generate: false hides the base detections; bob's order is wrong
        JsonNode f = ds.get(0);
        assertThat(f.get("rule_id").asString()).isEqualTo("brute-then-success");
        assertThat(f.get("source").asString()).isEqualTo("correlation");
        assertThat(f.get("fields").get("User").asString()).isEqualTo("alice");
        assertThat(r.err()).contains("correlation: 1 rules, 1 firings, 0 kill-chain; 4 detections correlated, 0 late");
    }

    @Test
    void killChainScoringIsOptIn(@TempDir Path dir) throws IOException {
        Path rules = Files.writeString(
                dir.resolve("rules.yml"),
                RULES.replace("rules: [failed_login", "generate: true\n        rules: [failed_login"));
        Path config = Files.writeString(
                dir.resolve("kc.yml"),
                "kill-chain:\n  min-tactics: 2\n  risk-threshold: 0\n  entities: {host: [Computer]}\n");
        Path events = Files.write(
                dir.resolve("auth.ndjson"),
                List.of(event(0, "success", "carol", "h9"), event(60, "failure", "carol", "h9")));
        CliRun off = CliRun.run("scan", "--rules", rules.toString(), "--format", "jsonl", events.toString());
        assertThat(ScanCommandTest.jsonl(off.out()))
                .extracting(d -> d.get("rule_id").asString())
                .containsExactly("successful-login", "failed-login");
        CliRun on = CliRun.run(
                "scan",
                "--rules",
                rules.toString(),
                "--kill-chain-config",
                config.toString(),
                "--format",
                "jsonl",
                events.toString());
        List<JsonNode> ds = ScanCommandTest.jsonl(on.out());
        assertThat(ds)
                .extracting(d -> d.get("rule_id").asString())
                .containsExactly("successful-login", "failed-login", "vigil-kill-chain");
        assertThat(ds.get(2).get("fields").get("host").asString()).isEqualTo("h9");
        CliRun bad = CliRun.run(
                "scan", "--rules", rules.toString(), "--kill-chain-config", rules.toString(), events.toString());
        assertThat(bad.exit()).isEqualTo(2);
        assertThat(bad.err()).contains("kill-chain config");
    }
}
