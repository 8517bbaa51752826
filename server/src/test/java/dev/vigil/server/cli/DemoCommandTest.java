package dev.vigil.server.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * Acceptance 1 of issue 5: {@code vigil demo} starts the server on its bundled database, replays the attack story
 * through the syslog and HTTP intake endpoints and sees the alerts raised. This is the real command in-process (its
 * own Spring application and bundled PostgreSQL in a temporary data directory), with {@code --once}. The incidents
 * the alerts open page the demo's responder, and the pages reach the command's webhook receiver, signed.
 */
class DemoCommandTest {
    @TempDir
    Path dir;

    @Test
    void theDemoRaisesAlertsForEveryStageOfTheStory() {
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        PrintStream original = System.out;
        int code;
        System.setOut(new PrintStream(captured, true, StandardCharsets.UTF_8));
        try {
            code = new CommandLine(new VigilCommand())
                    .execute("demo", "--once", "--data-dir", dir.resolve("demo").toString(), "--port", "0");
        } finally {
            System.setOut(original);
        }
        String output = captured.toString(StandardCharsets.UTF_8);
        original.println(output);
        assertThat(code).as(output).isZero();
        assertThat(output)
                .contains("Admin token    vigil_demo_")
                .contains("(sign in as admin / demo-")
                .contains("SQL Injection Attempt In Request")
                .contains("SSH Login Accepted For Root")
                .contains("Cron Job Downloads And Runs A Script")
                .contains("AWS IAM Administrator Policy Attached")
                .contains("Security Event Log Cleared")
                .contains("PowerShell Runs a Base64-Encoded Command")
                .contains("SSH Brute Force")
                .contains("corp-it: expected log source 'corp-vpn' is not configured");

        // on-call: the incidents page the demo responder through the webhook channel to the command's own receiver,
        // which accepts a delivery only with a valid X-Vigil-Signature (HMAC-SHA256 over "<t>.<body>", recent t)
        Matcher paged = Pattern.compile(
                        "Paged: Demo Responder \\(on call in 'Demo on-call', policy 'default'\\) for (\\d+) of (\\d+)"
                                + " incidents via webhook; the demo's receiver at http://127\\.0\\.0\\.1:\\d+/pages got"
                                + " (\\d+) deliveries, signature verified\n")
                .matcher(output);
        assertThat(paged.find()).as(output).isTrue();
        int pagedIncidents = Integer.parseInt(paged.group(1));
        assertThat(pagedIncidents).isPositive().isEqualTo(Integer.parseInt(paged.group(2)));
        assertThat(Integer.parseInt(paged.group(3))).isGreaterThanOrEqualTo(pagedIncidents);
        assertThat(output)
                .containsPattern("Incidents: \\d+ \\{.*} \\(\\d+ opened by this run, 0 earlier ones with new alerts\\);"
                        + " \\d+ high or critical, paged to on-call:")
                .containsPattern("INC-\\d+ +(critical|high) .* delivered\n")
                .containsPattern("Acknowledge the page of INC-\\d+ \\(to Demo Responder, delivered\\)")
                .containsPattern("http://localhost:\\d+/oncall/action/[A-Za-z0-9_-]+\\.[A-Za-z0-9_-]+\n")
                .containsPattern("/api/v1/oncall/pages/[0-9a-f-]{36}/acknowledge")
                .doesNotContain("not paged")
                .doesNotContain("not delivered")
                .doesNotContain("rejected (bad signature)")
                .doesNotContain("on-call not set up");
    }
}
