package dev.vigil.server.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * Acceptance 1 of issue 5: {@code vigil demo} starts the server on its bundled database, replays the attack story
 * through the syslog and HTTP intake endpoints and sees the alerts raised. This is the real command in-process (its
 * own Spring application and bundled PostgreSQL in a temporary data directory), with {@code --once}.
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
    }
}
