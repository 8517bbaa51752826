package dev.vigil.server.platform.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@link StalePostmaster} against real postmasters of the bundled PostgreSQL binaries. */
class StalePostmasterTest {
    private static final Duration TIMEOUT = Duration.ofSeconds(30);

    @TempDir
    Path dir;

    @Test
    void stopsThePostmasterOfItsDataDirectoryReachedThroughASymbolicLink() throws IOException {
        Path real = Files.createDirectories(dir.resolve("real"));
        Path link = Files.createSymbolicLink(dir.resolve("link"), real);
        // started through the link, looked for by the real path ...
        try (EmbeddedPostgres pg = start(link)) {
            ProcessHandle postmaster = postmaster(real);
            assertThat(StalePostmaster.serves(postmaster, real)).isEqualTo(StalePostmaster.Serves.YES);
            assertThat(StalePostmaster.stopIfRunning(real, TIMEOUT)).isTrue();
            assertThat(postmaster.isAlive()).isFalse();
        } catch (IOException expectedOnClose) {
            // closing an EmbeddedPostgres whose postmaster is already stopped may complain; the assertions ran
        }
        // ... and started by the real path, looked for through the link
        try (EmbeddedPostgres pg = start(real)) {
            ProcessHandle postmaster = postmaster(real);
            assertThat(StalePostmaster.stopIfRunning(link, TIMEOUT)).isTrue();
            assertThat(postmaster.isAlive()).isFalse();
        } catch (IOException expectedOnClose) {
            // as above
        }
    }

    @Test
    void removesAPidFileNamingAnotherLiveProcessAndLeavesThatProcessAlone() throws IOException {
        Path other = Files.createDirectories(dir.resolve("other"));
        Path ours = Files.createDirectories(dir.resolve("ours"));
        try (EmbeddedPostgres pg = start(other)) {
            ProcessHandle foreign = postmaster(other);
            // a pid reused by another cluster's postmaster
            Files.writeString(ours.resolve("postmaster.pid"), foreign.pid() + "\n" + ours + "\n");
            assertThat(StalePostmaster.serves(foreign, ours)).isEqualTo(StalePostmaster.Serves.NO);
            assertThat(StalePostmaster.stopIfRunning(ours, TIMEOUT)).isFalse();
            assertThat(ours.resolve("postmaster.pid")).doesNotExist();
            assertThat(foreign.isAlive()).isTrue();
            // a pid reused by a process that is not postgres at all (this JVM)
            Files.writeString(
                    ours.resolve("postmaster.pid"), ProcessHandle.current().pid() + "\n");
            assertThat(StalePostmaster.stopIfRunning(ours, TIMEOUT)).isFalse();
            assertThat(ours.resolve("postmaster.pid")).doesNotExist();
            // the live postmaster's own pid file is left as it is
            assertThat(other.resolve("postmaster.pid")).exists();
        }
    }

    @Test
    void leavesAPidFileOfADeadProcessToPostgres() throws IOException {
        Path ours = Files.createDirectories(dir.resolve("dead"));
        Files.writeString(ours.resolve("postmaster.pid"), Long.MAX_VALUE / 2 + "\n");
        assertThat(StalePostmaster.stopIfRunning(ours, TIMEOUT)).isFalse();
        assertThat(ours.resolve("postmaster.pid")).exists();
    }

    private static EmbeddedPostgres start(Path dataDir) throws IOException {
        return EmbeddedPostgres.builder()
                .setDataDirectory(dataDir)
                .setCleanDataDirectory(false)
                .start();
    }

    private static ProcessHandle postmaster(Path dataDir) throws IOException {
        long pid = Long.parseLong(
                Files.readAllLines(dataDir.resolve("postmaster.pid")).getFirst().trim());
        Optional<ProcessHandle> handle = ProcessHandle.of(pid);
        assertThat(handle).isPresent();
        return handle.get();
    }
}
