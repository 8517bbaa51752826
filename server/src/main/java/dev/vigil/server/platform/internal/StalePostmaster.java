package dev.vigil.server.platform.internal;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Stops a PostgreSQL postmaster left running by a Vigil JVM that was killed ({@code kill -9}, OOM killer, power
 * button on a VM that kept the container): {@code pg_ctl} detaches the postmaster, so it outlives the JVM and keeps
 * {@code postmaster.pid} and the data directory locked, and the next {@code pg_ctl start} would fail.
 *
 * <p>Invariant: only a live process whose executable is {@code postgres} and whose data directory is <em>this</em> one
 * (compared as files, so a data directory reached through a symbolic link is recognised) is stopped. A {@code postmaster.pid} naming a dead process is left to PostgreSQL (it removes it itself);
 * one naming a live process that is not our postmaster (the pid was reused) is deleted, because PostgreSQL would
 * otherwise refuse to start. Stopping sends SIGINT (PostgreSQL's fast shutdown: a clean stop with a checkpoint), then SIGTERM, then SIGKILL as the last resort (PostgreSQL recovers from WAL on the next start).
 */
final class StalePostmaster {
    private static final Logger log = LoggerFactory.getLogger(StalePostmaster.class);

    private StalePostmaster() {}

    /** Returns true when a live postmaster was found and stopped. */
    static boolean stopIfRunning(Path pgDir, Duration timeout) throws IOException {
        Path pidFile = pgDir.resolve("postmaster.pid");
        if (!Files.isRegularFile(pidFile)) {
            return false;
        }
        List<String> lines = Files.readAllLines(pidFile);
        if (lines.isEmpty() || lines.getFirst().isBlank()) {
            return false;
        }
        long pid;
        try {
            pid = Long.parseLong(lines.getFirst().trim());
        } catch (NumberFormatException e) {
            log.warn("Ignoring unreadable {}", pidFile);
            return false;
        }
        Optional<ProcessHandle> handle = ProcessHandle.of(pid).filter(ProcessHandle::isAlive);
        if (handle.isEmpty()) {
            return false;
        }
        ProcessHandle process = handle.get();
        String command = process.info().command().orElse("");
        boolean postgres = Path.of(command).getFileName() != null
                && Path.of(command).getFileName().toString().equals("postgres");
        Serves serves = postgres ? serves(process, pgDir) : Serves.NO;
        if (serves == Serves.UNKNOWN) {
            // a live postgres whose data directory we cannot tell: neither stop it nor delete its pid file
            throw new IOException("pid " + pid + " named by " + pidFile
                    + " is a live postgres whose data directory cannot be determined; stop it or remove the file");
        }
        if (serves == Serves.NO) {
            log.warn(
                    "{} names pid {} which is not a postmaster of this data directory ({}); removing the stale file",
                    pidFile,
                    pid,
                    command);
            Files.deleteIfExists(pidFile);
            return false;
        }
        log.warn("A postmaster (pid {}) from a previous run is still serving {}; stopping it", pid, pgDir);
        // SIGINT is PostgreSQL's "fast shutdown": abort sessions, write a shutdown checkpoint, exit. (pg_ctl would
        // do the same but refuses to run as root, which containers often are.)
        try {
            Process kill = new ProcessBuilder("kill", "-INT", Long.toString(pid))
                    .redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                    .start();
            kill.waitFor(10, TimeUnit.SECONDS);
        } catch (IOException e) {
            log.debug("kill -INT {} failed; falling back to SIGTERM", pid, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while stopping the stale postmaster", e);
        }
        if (waitForExit(process, timeout)) {
            return true;
        }
        process.destroy();
        if (waitForExit(process, timeout)) {
            return true;
        }
        log.warn("Postmaster {} ignored SIGTERM; killing it (PostgreSQL will recover from its WAL)", pid);
        process.destroyForcibly();
        if (!waitForExit(process, timeout)) {
            throw new IOException("cannot stop the postmaster (pid " + pid + ") still serving " + pgDir);
        }
        return true;
    }

    enum Serves {
        YES,
        NO,
        UNKNOWN
    }

    /**
     * Whether the postgres process serves {@code pgDir}, compared as files (symbolic links, {@code ..} and relative
     * paths resolved on both sides): its working directory on Linux (the postmaster changes into its data directory),
     * else the {@code -D} argument of its command line.
     */
    static Serves serves(ProcessHandle process, Path pgDir) {
        Path cwd = Path.of("/proc", Long.toString(process.pid()), "cwd");
        try {
            return Files.isSameFile(cwd, pgDir) ? Serves.YES : Serves.NO;
        } catch (IOException | SecurityException e) {
            log.debug("cannot read {}; falling back to the command line", cwd, e);
        }
        String[] args = process.info().arguments().orElse(null);
        if (args == null) {
            return Serves.UNKNOWN;
        }
        for (int i = 0; i < args.length; i++) {
            String dir = null;
            if (args[i].equals("-D") && i + 1 < args.length) {
                dir = args[i + 1];
            } else if (args[i].startsWith("-D") && args[i].length() > 2) {
                dir = args[i].substring(2);
            }
            if (dir != null) {
                try {
                    return Files.isSameFile(Path.of(dir), pgDir) ? Serves.YES : Serves.NO;
                } catch (IOException e) {
                    return Serves.NO; // its data directory no longer exists: not ours
                }
            }
        }
        return Serves.UNKNOWN;
    }

    private static boolean waitForExit(ProcessHandle process, Duration timeout) {
        try {
            process.onExit().get(timeout.toMillis(), TimeUnit.MILLISECONDS);
            return true;
        } catch (java.util.concurrent.TimeoutException e) {
            return !process.isAlive();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return !process.isAlive();
        } catch (java.util.concurrent.ExecutionException e) {
            return !process.isAlive();
        }
    }
}
