package dev.vigil.server.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;

/**
 * {@code vigil scan} partitions correlation by exercise exactly as the server does ({@code ExerciseCorrelationTest}
 * is the server's side of the same story): events marked {@code vigil.exercise} (a replay's, e.g. in an export of
 * stored events) correlate only with events of their exercise, unmarked ones only with production. The starter rules
 * ({@code rules/web}: ten rejected admin logins of one client within five minutes) over one file mixing both.
 */
class ScanExerciseTest {
    static final String BRUTE_FORCE = "1a55629a-dfeb-4214-84ee-d2ec2bad8f2a";
    static final Instant T = Instant.parse("2026-11-20T10:00:00Z");

    static String failedAdminLogin(Instant t, String ip, UUID exercise) {
        return "{\"@timestamp\":\"" + t + "\",\"c-ip\":\"" + ip
                + "\",\"cs-method\":\"POST\",\"cs-uri-stem\":\"/admin/login\",\"sc-status\":401,"
                + "\"category\":\"webserver\"" + (exercise == null ? "" : ",\"vigil.exercise\":\"" + exercise + "\"")
                + "}";
    }

    static void failures(List<String> lines, Instant from, String ip, UUID exercise, int n) {
        for (int i = 0; i < n; i++) lines.add(failedAdminLogin(from.plusMillis(i * 10L), ip, exercise));
    }

    static CliRun scan(Path file, String... more) {
        List<String> args = new ArrayList<>(List.of("scan", "--rules", CliRun.repo("rules/web"), "--format", "jsonl"));
        args.addAll(List.of(more));
        args.add(file.toString());
        return CliRun.run(args.toArray(String[]::new));
    }

    static List<JsonNode> bruteForce(CliRun r) {
        return ScanCommandTest.jsonl(r.out()).stream()
                .filter(d -> d.get("rule_id").asString().equals(BRUTE_FORCE))
                .toList();
    }

    @Test
    void aDrillNeitherRaisesNorCompletesAProductionCorrelation(@TempDir Path dir) throws IOException {
        UUID exercise = UUID.fromString("0b0e7c3a-5d2f-4c8e-9a41-7f3e2d1c00c1");
        String ip = "198.51.100.23";
        List<String> lines = new ArrayList<>();
        // 6 production failures (the threshold is 10) ...
        failures(lines, T, ip, null, 6);
        // ... and 6 replayed ones of the same client in the same minutes: 12 together, but in two partitions
        failures(lines, T.plusMillis(100), ip, exercise, 6);
        // the drill's own failures reach the threshold: 10 of the exercise
        failures(lines, T.plusMillis(200), ip, exercise, 4);
        Path file = Files.write(dir.resolve("mixed.ndjson"), lines);

        CliRun r = scan(file, "--with-event");
        assertThat(r.exit()).as(r.err()).isZero();
        // exactly the server's answer: one brute-force alert for the client, the exercise's, completed by the drill
        List<JsonNode> ds = bruteForce(r);
        assertThat(ds).as(r.out()).singleElement().satisfies(f -> {
            assertThat(f.get("source").asString()).isEqualTo("exercise-" + exercise + ".correlation");
            assertThat(f.get("exercise").asString()).isEqualTo(exercise.toString());
            assertThat(f.get("fields").get("c-ip").asString()).isEqualTo(ip);
            assertThat(f.get("event").get("vigil.exercise").asString()).isEqualTo(exercise.toString());
            // the tenth failure of the drill completes it, not the twelfth event of the file
            assertThat(f.get("timestamp").asString())
                    .isEqualTo(T.plusMillis(230).toString());
        });
        assertThat(r.err())
                .contains("correlation: 1 rules, 1 firings")
                .contains("exercises: 1 detections of 1 exercise");

        // the table says which partition the alert belongs to
        CliRun table = CliRun.run("scan", "--rules", CliRun.repo("rules/web"), file.toString());
        assertThat(table.out()).contains("[EXERCISE] Admin Login Brute Force");
        CliRun csv = CliRun.run("scan", "--rules", CliRun.repo("rules/web"), "--format", "csv", file.toString());
        assertThat(csv.out().lines().filter(l -> l.startsWith(BRUTE_FORCE)))
                .singleElement()
                .satisfies(l -> assertThat(l).endsWith("," + exercise));
    }

    @Test
    void productionAndEachExerciseCountApart(@TempDir Path dir) throws IOException {
        UUID one = UUID.fromString("11111111-2222-4333-8444-555555555555");
        UUID two = UUID.fromString("66666666-7777-4888-9999-aaaaaaaaaaaa");
        String ip = "203.0.113.99";
        List<String> lines = new ArrayList<>();
        failures(lines, T, ip, null, 9);
        failures(lines, T.plusSeconds(1), ip, one, 9);
        failures(lines, T.plusSeconds(2), ip, two, 9);
        // a mark that is not an exercise id is production, as in the server
        lines.add(failedAdminLogin(T.plusSeconds(3), ip, null).replace("}", ",\"vigil.exercise\":\"drill\"}"));
        Path file = Files.write(dir.resolve("mixed.ndjson"), lines);

        // 28 failures of one client within a minute, but 10 only in production (9 + the unmarked "drill" one)
        List<JsonNode> ds = bruteForce(scan(file));
        assertThat(ds).singleElement().satisfies(f -> {
            assertThat(f.get("source").asString()).isEqualTo("correlation");
            assertThat(f.get("exercise").isNull()).isTrue();
            assertThat(f.get("timestamp").asString()).isEqualTo(T.plusSeconds(3).toString());
        });

        // one more failure of exercise one completes its correlation, and only its own
        lines.add(failedAdminLogin(T.plusSeconds(4), ip, one));
        Files.write(file, lines);
        assertThat(bruteForce(scan(file)))
                .extracting(f -> f.get("source").asString())
                .containsExactly("correlation", "exercise-" + one + ".correlation");
    }
}
