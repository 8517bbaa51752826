package dev.vigil.server.detection.internal;

import dev.vigil.server.alerts.AlertLevel;
import dev.vigil.server.alerts.NewAlert;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import tools.jackson.databind.json.JsonMapper;

/**
 * By hand, not a test: what one spooled firing costs on this machine (serialize, write, fsync, rename, directory
 * fsync), docs/correlation.md. Arguments: a directory on the disk of the data directory, and the number of firings.
 */
public final class FiringSpoolBench {
    private FiringSpoolBench() {}

    public static void main(String[] args) throws Exception {
        Path dir = Files.createTempDirectory(Path.of(args[0]), "spoolbench");
        int n = Integer.parseInt(args[1]);
        FiringSpool spool = new FiringSpool(dir, JsonMapper.builder().build());
        String event = "{\"message\":\"" + "x".repeat(1500) + "\",\"user\":\"alice\"}";
        String correlation = "{\"group\":{\"user\":\"alice\"},\"window\":\"1h\",\"contributing\":["
                + "{\"rule\":\"r\",\"time\":\"2026-03-01T10:00:00Z\"},".repeat(5) + "{}]}";
        NewAlert a = new NewAlert(
                "rule-id",
                "Five failed logins",
                AlertLevel.HIGH,
                List.of("attack.t1110"),
                "src",
                "app",
                Instant.now(),
                Instant.now(),
                Map.of("user", "alice"),
                Map.of(),
                event,
                event,
                correlation,
                null);
        for (int i = 0; i < 200; i++) { // warm-up
            spool.write(List.of(a), Instant.now());
        }
        long[] ns = new long[n];
        for (int i = 0; i < n; i++) {
            long t = System.nanoTime();
            spool.write(List.of(a), Instant.now());
            ns[i] = System.nanoTime() - t;
        }
        java.util.Arrays.sort(ns);
        long size;
        try (var files = Files.list(dir)) {
            size = files.filter(p -> p.toString().endsWith(".json"))
                    .findFirst()
                    .map(p -> p.toFile().length())
                    .orElse(0L);
        }
        System.out.printf(
                "%d firings of %d bytes: median %.2f ms, p90 %.2f ms, p99 %.2f ms, max %.2f ms%n",
                n, size, ns[n / 2] / 1e6, ns[n * 9 / 10] / 1e6, ns[n * 99 / 100] / 1e6, ns[n - 1] / 1e6);
        try (var files = Files.list(dir)) {
            for (Path p : files.toList()) {
                Files.delete(p);
            }
        }
        Files.delete(dir);
    }
}
