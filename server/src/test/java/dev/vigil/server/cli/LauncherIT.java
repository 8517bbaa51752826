package dev.vigil.server.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The {@code ./vigil} launcher's AOT cache (JDK 25+): created on request ({@code VIGIL_AOT=on}; by default a start never
 * waits for a training run) once per jar, JDK and options, reused, rebuilt when it
 * no longer matches, and never the reason a start fails (disabled, truncated, overwritten with garbage). Runs the real
 * launcher on the packaged {@code target/vigil.jar} ({@code VIGIL_SKIP_BUILD=1}) with its own cache directory
 * ({@code VIGIL_AOT_DIR}) and a cheap training run ({@code VIGIL_AOT_TRAINING=--version}) so that CI does not pay for
 * the demo's training; {@code bench/start-time.sh} measures the real one. Commands that fail fast in picocli
 * ({@code server not-an-option}) prove the JVM started with the cache and ran Vigil's main class; one real server start
 * (from the extracted jar, on a cache the JVM has to refuse) proves the server comes up and stops its PostgreSQL.
 */
class LauncherIT {
    private static final Path LAUNCHER = Path.of("..", "vigil").toAbsolutePath().normalize();
    private static final Duration TIMEOUT = Duration.ofMinutes(Long.getLong("vigil.launcher.timeout-minutes", 10));

    @TempDir
    Path work;

    private Path aotDir;
    private Process server;

    private record Run(int exit, String output) {}

    @AfterEach
    void stopServer() throws Exception {
        if (server != null && server.isAlive()) {
            server.destroy(); // SIGTERM: the shutdown stops the bundled PostgreSQL
            if (!server.waitFor(2, TimeUnit.MINUTES)) {
                server.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
            }
        }
    }

    @Test
    void disabledCacheStartsTheJarAsBefore() throws Exception {
        aotDir = work.resolve("aot");
        Run r = run(Map.of("VIGIL_AOT", "off"), "server", "not-an-option");

        assertThat(r.exit()).as(r.output()).isEqualTo(2);
        assertThat(r.output()).contains("unknown argument: not-an-option").doesNotContain("AOT");
        assertThat(aotDir).doesNotExist();
    }

    @Test
    void findsTheJdkOnThePathWithoutJavaHome() throws Exception {
        // a fresh machine: no JAVA_HOME, a JDK >= 21 as the PATH's java (the launcher runs "$JAVA_HOME/bin/java")
        Path output = work.resolve("no-java-home.log");
        ProcessBuilder pb = new ProcessBuilder(LAUNCHER.toString(), "--version").directory(work.toFile());
        pb.environment().remove("JAVA_HOME");
        pb.environment().put("VIGIL_SKIP_BUILD", "1");
        pb.environment().put("PATH", Path.of(System.getProperty("java.home"), "bin") + ":/usr/local/bin:/usr/bin:/bin");
        Process p = pb.redirectErrorStream(true).redirectOutput(output.toFile()).start();
        assertThat(p.waitFor(2, TimeUnit.MINUTES)).isTrue();
        String out = Files.readString(output, StandardCharsets.UTF_8);
        assertThat(p.exitValue()).as(out).isZero();
        assertThat(out).contains("vigil ");
    }

    @Test
    void offlineCommandsAndHelpNeverCreateTheCache() throws Exception {
        aotDir = work.resolve("aot");
        Run help = run(Map.of("VIGIL_AOT", "on", "VIGIL_AOT_TRAINING", "--version"), "server", "--help");
        Run version = run(Map.of("VIGIL_AOT", "on", "VIGIL_AOT_TRAINING", "--version"), "--version");

        assertThat(help.exit()).as(help.output()).isZero();
        assertThat(help.output()).contains("--data-dir").doesNotContain("AOT");
        assertThat(version.exit()).as(version.output()).isZero();
        assertThat(version.output()).contains("vigil ").doesNotContain("AOT");
        assertThat(aotDir).doesNotExist();
    }

    @Test
    void offlineEngineCommandsRunWithTheSimdPrefilterUnlessTurnedOff() throws Exception {
        aotDir = work.resolve("aot");
        Path lanes = Files.createDirectories(work.resolve("lanes"));
        Files.writeString(
                lanes.resolve("tiny.ndjson"),
                "{\"message\":\"<189>Jan 6 %AAA-5-USER_LOGGED: User ops executed: show running-config\"}\n",
                StandardCharsets.UTF_8);
        Path rules = Path.of("..", "rules").toAbsolutePath().normalize();
        String[] bench = {
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
            "0"
        };
        Run on = run(Map.of(), bench);
        Run off = run(Map.of("VIGIL_SIMD", "off"), bench);
        Run server = run(Map.of("VIGIL_AOT", "off"), "server", "not-an-option");

        assertThat(on.exit()).as(on.output()).isZero();
        assertThat(on.output()).contains("simd prefilter on").contains("tiny");
        assertThat(off.exit()).as(off.output()).isZero();
        assertThat(off.output()).contains("simd prefilter off").doesNotContain("incubator");
        assertThat(server.output()).doesNotContain("incubator"); // the server commands start without the module
    }

    @Test
    void cacheIsCreatedOnceReusedRebuiltWhenTruncatedOrStaleAndAGarbageCacheStillStarts() throws Exception {
        assumeJdk25();
        aotDir = work.resolve("aot");
        Map<String, String> env = Map.of("VIGIL_AOT", "on", "VIGIL_AOT_TRAINING", "--version");
        Path cache = aotDir.resolve("vigil.aot");

        // by default no start waits for a training run: it says how to create the cache and starts as before
        Run plain = run(Map.of("VIGIL_AOT_TRAINING", "--version"), "server", "not-an-option");
        assertThat(plain.exit()).as(plain.output()).isEqualTo(2);
        assertThat(plain.output()).contains("no AOT cache for this build").contains("VIGIL_AOT=on");
        assertThat(cache).doesNotExist();

        Run first = run(env, "server", "not-an-option");
        assertThat(first.exit()).as(first.output()).isEqualTo(2);
        assertThat(first.output())
                .contains("creating the AOT cache")
                .contains("unknown argument: not-an-option")
                .doesNotContain("AOT cache not used");
        assertThat(cache).isNotEmptyFile();
        assertThat(aotDir.resolve("stamp")).content().contains("aot " + Files.size(cache));
        assertThat(aotDir.resolve("app/vigil.jar")).isRegularFile();
        assertThat(aotDir.resolve("app/lib")).isDirectory();
        FileTime written = Files.getLastModifiedTime(cache);

        Run second = run(env, "server", "not-an-option");
        assertThat(second.exit()).as(second.output()).isEqualTo(2);
        assertThat(second.output()).doesNotContain("AOT").doesNotContainIgnoringCase("warning");
        assertThat(Files.getLastModifiedTime(cache)).isEqualTo(written);
        // the default mode uses a valid cache
        Run reused = run(Map.of("VIGIL_AOT_TRAINING", "--version"), "server", "not-an-option");
        assertThat(reused.exit()).as(reused.output()).isEqualTo(2);
        assertThat(reused.output()).doesNotContain("AOT").doesNotContainIgnoringCase("warning");
        assertThat(Files.getLastModifiedTime(cache)).isEqualTo(written);

        try (RandomAccessFile f = new RandomAccessFile(cache.toFile(), "rw")) {
            f.setLength(f.length() / 2); // a truncated cache: the launcher writes a new one
        }
        Run truncated = run(env, "server", "not-an-option");
        assertThat(truncated.exit()).as(truncated.output()).isEqualTo(2);
        assertThat(truncated.output()).contains("creating the AOT cache").doesNotContain("AOT cache not used");
        assertThat(aotDir.resolve("stamp")).content().contains("aot " + Files.size(cache));

        // the same size, other bytes: the stamp still matches, so the JVM itself has to refuse the file and go on
        byte[] garbage = new byte[(int) Math.min(Files.size(cache), 1 << 20)];
        Arrays.fill(garbage, (byte) 0x5a);
        try (RandomAccessFile f = new RandomAccessFile(cache.toFile(), "rw")) {
            f.seek(0);
            f.write(garbage);
        }
        Run garbageRun = run(env, "server", "not-an-option");
        assertThat(garbageRun.exit()).as(garbageRun.output()).isEqualTo(2);
        assertThat(garbageRun.output())
                .contains("unknown argument: not-an-option")
                .contains("[aot]"); // the JVM's warning: it refused the file and ran without it

        // one real start (on the garbage cache, the harder case): the server becomes ready and stops cleanly
        Path log = work.resolve("server.log");
        Path data = work.resolve("data");
        server = launcher(
                        env,
                        log,
                        "server",
                        "--port",
                        "0",
                        "--data-dir",
                        data.toString(),
                        "--vigil.ingest.syslog.enabled=false")
                .start();
        long deadline = System.nanoTime() + TIMEOUT.toNanos();
        while (!Files.readString(log, StandardCharsets.UTF_8).contains("Started VigilMain")) {
            assertThat(server.isAlive())
                    .as("the server exited: %s", Files.readString(log, StandardCharsets.UTF_8))
                    .isTrue();
            assertThat(System.nanoTime()).as("ready within %s", TIMEOUT).isLessThan(deadline);
            TimeUnit.MILLISECONDS.sleep(200);
        }
        assertThat(server.info().arguments().map(List::of).orElse(List.of()))
                .as("the launcher exec'd java with the cache")
                .anySatisfy(a -> assertThat(a).startsWith("-XX:AOTCache="));
        server.destroy();
        assertThat(server.waitFor(2, TimeUnit.MINUTES)).isTrue();
        assertThat(data.resolve("pg/postmaster.pid"))
                .as("the bundled PostgreSQL stopped")
                .doesNotExist();

        Map<String, String> otherOptions = new HashMap<>(env);
        otherOptions.put("VIGIL_JAVA_OPTS", "-Dvigil.launcher-test=1"); // other JVM options: a new cache
        Run stale = run(otherOptions, "server", "not-an-option");
        assertThat(stale.exit()).as(stale.output()).isEqualTo(2);
        assertThat(stale.output()).contains("creating the AOT cache").doesNotContain("AOT cache not used");
        assertThat(aotDir.resolve("stamp")).content().contains("opts -Dvigil.launcher-test=1");
    }

    @Test
    void failedTrainingStartsWithoutTheCache() throws Exception {
        assumeJdk25();
        aotDir = work.resolve("aot");
        // a training run the JVM refuses to start: no cache is written, the launcher says so once and starts as before
        Run r = run(
                Map.of("VIGIL_AOT", "on", "VIGIL_AOT_TRAINING", "--version", "VIGIL_JAVA_OPTS", "-XX:AOTMode=off"),
                "server",
                "not-an-option");

        assertThat(r.exit()).as(r.output()).isEqualTo(2);
        assertThat(r.output()).contains("AOT cache not used").contains("unknown argument: not-an-option");
        assertThat(r.output().lines().filter(l -> l.contains("AOT cache not used")))
                .hasSize(1);
    }

    private static void assumeJdk25() {
        assumeTrue(Runtime.version().feature() >= 25, "the AOT cache needs JDK 25 (this is the JDK the tests run on)");
    }

    private ProcessBuilder launcher(Map<String, String> env, Path output, String... args) throws IOException {
        List<String> command = new ArrayList<>(List.of(LAUNCHER.toString()));
        command.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(command).directory(work.toFile());
        pb.environment().keySet().removeIf(k -> k.startsWith("VIGIL_") && !k.equals("VIGIL_SHARED"));
        pb.environment().put("VIGIL_SKIP_BUILD", "1"); // the jar `package` just built
        pb.environment().put("VIGIL_AOT_DIR", aotDir.toString());
        pb.environment()
                .put("JAVA_HOME", Path.of(System.getProperty("java.home")).toString());
        pb.environment().putAll(env);
        pb.redirectErrorStream(true)
                .redirectOutput(output.toFile())
                .redirectInput(ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile()));
        return pb;
    }

    private Run run(Map<String, String> env, String... args) throws Exception {
        Path output = Files.createTempFile(work, "launcher", ".log");
        Process p = launcher(env, output, args).start();
        if (!p.waitFor(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) {
            p.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
            throw new AssertionError("the launcher did not finish in " + TIMEOUT + ": "
                    + Files.readString(output, StandardCharsets.UTF_8));
        }
        return new Run(p.exitValue(), Files.readString(output, StandardCharsets.UTF_8));
    }
}
