package dev.vigil.server.detection.internal;

import dev.vigil.server.alerts.NewAlert;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.databind.json.JsonMapper;

/**
 * Correlation alerts waiting for the alert store, kept on local disk so a crash or restart while the store is down
 * does not lose them (the correlation state has moved on and will not produce them again). One file per alert,
 * {@code <alert id>.json} in {@code <data dir>/detection/firings/}: written to a {@code .tmp} file, fsynced, renamed
 * atomically into place and the directory fsynced — a firing is counted as deferred only then. It is deleted once the
 * alert store has it. Its alert id is fixed when it is spooled, and the alert store skips an id it already has, so a
 * crash between "stored" and "deleted" stores nothing twice when the file is retried at the next start.
 *
 * <p>At start ({@link #load}) every file is read back, oldest first. A file that cannot be read or parsed is moved to
 * {@code corrupt/} (kept for inspection, counted, logged), never a reason to stop the start; a {@code .tmp} file is a
 * write a crash interrupted before the firing was counted as spooled: moved to {@code corrupt/} too. An alert the
 * store refuses as a bad value is moved to {@code refused/} ({@link #setAside}).
 *
 * <p>{@code corrupt/} and {@code refused/} are bounded: each keeps at most {@code maxSetAsideFiles} files and {@code
 * maxSetAsideBytes} bytes (the newest set aside; the newest one is kept even when it alone is larger). The oldest
 * beyond the bound are deleted, each logged with its name and counted ({@link #pruned}); what is kept is reported by
 * {@link #kept}.
 *
 * <p>Files hold {@code {"version":1,"since":<first deferred>,"alert":<NewAlert>}}, plain JSON an operator can read.
 */
final class FiringSpool {
    private static final Logger log = LoggerFactory.getLogger(FiringSpool.class);
    private static final String SUFFIX = ".json";
    private static final String TMP = ".tmp";
    static final String CORRUPT = "corrupt";
    static final String REFUSED = "refused";

    /** A spooled firing: its alert (with its fixed id), when it was first deferred, and its file. */
    record Entry(NewAlert alert, Instant since, Path file) {}

    /** The JSON form of a file. */
    record Stored(int version, Instant since, NewAlert alert) {}

    /** What {@link #load} found: the readable entries (oldest first) and the number of files set aside. */
    record Loaded(List<Entry> entries, int corrupt) {}

    /** A spool file is written in blocks of this many bytes. */
    static final int BLOCK = 64 << 10;

    /** Observes the blocks of a spool file as they are written (before the fsync and the rename). */
    interface BlockHook {
        void written(Path tmp, long written, long total);
    }

    /**
     * Called after each block of a spool file is written; a no-op. The crash test sets it in its child JVM to stop
     * the process in the middle of a write (FiringSpoolCrashTest), nothing else does.
     */
    static volatile BlockHook afterBlock = (tmp, written, total) -> {};

    /** The defaults of {@code vigil.detection.correlation.max-set-aside-files} and {@code -size}. */
    static final int DEFAULT_MAX_SET_ASIDE_FILES = 1000;

    static final long DEFAULT_MAX_SET_ASIDE_BYTES = 64L << 20;

    private final Path dir;
    private final JsonMapper json;
    private final int maxSetAsideFiles;
    private final long maxSetAsideBytes;
    /** Per sub-directory ({@link #CORRUPT}, {@link #REFUSED}): files kept, and files deleted to keep the bound. */
    private final java.util.Map<String, java.util.concurrent.atomic.AtomicInteger> kept =
            new java.util.concurrent.ConcurrentHashMap<>();

    private final java.util.Map<String, java.util.concurrent.atomic.AtomicLong> pruned =
            new java.util.concurrent.ConcurrentHashMap<>();

    FiringSpool(Path dir, JsonMapper json) {
        this(dir, json, DEFAULT_MAX_SET_ASIDE_FILES, DEFAULT_MAX_SET_ASIDE_BYTES);
    }

    FiringSpool(Path dir, JsonMapper json, int maxSetAsideFiles, long maxSetAsideBytes) {
        this.dir = dir;
        this.json = json;
        this.maxSetAsideFiles = Math.max(1, maxSetAsideFiles);
        this.maxSetAsideBytes = Math.max(0, maxSetAsideBytes);
        for (String where : List.of(CORRUPT, REFUSED)) {
            kept.put(where, new java.util.concurrent.atomic.AtomicInteger());
            pruned.put(where, new java.util.concurrent.atomic.AtomicLong());
        }
        try {
            Files.createDirectories(dir);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create the correlation firing spool " + dir, e);
        }
        // a bound lowered since the last start applies now
        prune(CORRUPT);
        prune(REFUSED);
    }

    /** Files kept in the sub-directory {@code where} ({@link #CORRUPT} or {@link #REFUSED}). */
    int kept(String where) {
        return kept.get(where).get();
    }

    /** Files deleted from {@code where} since start to keep its bound (each logged). */
    long pruned(String where) {
        return pruned.get(where).get();
    }

    Path directory() {
        return dir;
    }

    /**
     * Writes the alerts durably (each file fsynced, then the directory once). Returns the entries in order; the alerts
     * carry their id ({@link NewAlert#id()}, drawn here when missing).
     *
     * @throws UncheckedIOException when a file cannot be written: the files written by this call are removed again
     */
    List<Entry> write(List<NewAlert> alerts, Instant since) {
        List<Entry> written = new ArrayList<>(alerts.size());
        try {
            for (NewAlert a : alerts) {
                NewAlert alert = a.id() == null ? a.withId(UUID.randomUUID()) : a;
                Path file = dir.resolve(alert.id() + SUFFIX);
                Path tmp = dir.resolve(alert.id() + TMP);
                byte[] bytes = json.writeValueAsBytes(new Stored(1, since, alert));
                try (FileChannel ch = FileChannel.open(
                        tmp,
                        StandardOpenOption.CREATE,
                        StandardOpenOption.TRUNCATE_EXISTING,
                        StandardOpenOption.WRITE)) {
                    ByteBuffer buf = ByteBuffer.wrap(bytes);
                    while (buf.hasRemaining()) {
                        ByteBuffer block = buf.slice(buf.position(), Math.min(BLOCK, buf.remaining()));
                        while (block.hasRemaining()) {
                            ch.write(block);
                        }
                        buf.position(buf.position() + block.position());
                        afterBlock.written(tmp, buf.position(), bytes.length);
                    }
                    ch.force(true);
                }
                Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
                written.add(new Entry(alert, since, file));
            }
            syncDirectory();
            return written;
        } catch (IOException | RuntimeException e) {
            for (Entry w : written) {
                deleteQuietly(w.file());
            }
            throw e instanceof IOException io
                    ? new UncheckedIOException("cannot spool correlation alerts to " + dir, io)
                    : (RuntimeException) e;
        }
    }

    /** Every spooled firing, oldest first; unreadable files are set aside in {@code corrupt/} and counted. */
    Loaded load() {
        List<Entry> entries = new ArrayList<>();
        int corrupt = 0;
        List<Path> files = new ArrayList<>();
        try (DirectoryStream<Path> s = Files.newDirectoryStream(dir)) {
            for (Path p : s) {
                if (Files.isRegularFile(p)) {
                    files.add(p);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the correlation firing spool " + dir, e);
        }
        files.sort(Comparator.naturalOrder());
        for (Path p : files) {
            String name = p.getFileName().toString();
            if (!name.endsWith(SUFFIX)) {
                corrupt++;
                setAside(p, CORRUPT, name.endsWith(TMP) ? "an interrupted write" : "not a spool file");
                continue;
            }
            try {
                Stored s = json.readValue(Files.readAllBytes(p), Stored.class);
                if (s == null
                        || s.version() != 1
                        || s.alert() == null
                        || s.since() == null
                        || s.alert().id() == null) {
                    throw new IllegalArgumentException("not a version 1 spool entry with an alert id and time");
                }
                entries.add(new Entry(s.alert(), s.since(), p));
            } catch (IOException | RuntimeException e) {
                corrupt++;
                setAside(p, CORRUPT, e.toString());
            }
        }
        entries.sort(Comparator.comparing(Entry::since));
        return new Loaded(entries, corrupt);
    }

    /** Deletes a firing's file once its alert is stored. */
    void remove(Entry e) {
        try {
            Files.deleteIfExists(e.file());
        } catch (IOException ex) {
            // stored already: a retry at the next start stores nothing (same id)
            log.warn(
                    "could not delete the spooled correlation alert {} (its alert is stored): {}",
                    e.file(),
                    ex.toString());
        }
    }

    /** Moves {@code file} to the sub-directory {@code where} ({@code corrupt/}, {@code refused/}), logging why. */
    void setAside(Path file, String where, String why) {
        Path target = dir.resolve(where).resolve(file.getFileName());
        try {
            Files.createDirectories(target.getParent());
            Files.move(file, target, StandardCopyOption.REPLACE_EXISTING);
            // the time it was set aside orders the bound (the newest are kept)
            Files.setLastModifiedTime(target, java.nio.file.attribute.FileTime.from(Instant.now()));
            log.error("correlation firing spool: {} set aside as {} ({})", file.getFileName(), target, why);
            prune(where);
        } catch (IOException e) {
            log.error(
                    "correlation firing spool: could not move {} to {} ({}); deleting it",
                    file,
                    target,
                    why + "; " + e);
            deleteQuietly(file);
        }
    }

    /** A file set aside, with what orders the bound. */
    private record Aside(Path file, long size, java.nio.file.attribute.FileTime time) {}

    /**
     * Deletes the oldest files of {@code where} beyond {@link #maxSetAsideFiles} and {@link #maxSetAsideBytes} (each
     * logged and counted) and records what is kept.
     */
    private synchronized void prune(String where) {
        Path sub = dir.resolve(where);
        if (!Files.isDirectory(sub)) {
            kept.get(where).set(0);
            return;
        }
        List<Aside> files = new ArrayList<>();
        try (DirectoryStream<Path> s = Files.newDirectoryStream(sub)) {
            for (Path p : s) {
                try {
                    java.nio.file.attribute.BasicFileAttributes a =
                            Files.readAttributes(p, java.nio.file.attribute.BasicFileAttributes.class);
                    if (a.isRegularFile()) {
                        files.add(new Aside(p, a.size(), a.lastModifiedTime()));
                    }
                } catch (IOException e) {
                    // gone meanwhile
                }
            }
        } catch (IOException e) {
            log.warn("correlation firing spool: cannot list {} to keep its bound: {}", sub, e.toString());
            return;
        }
        // newest first
        files.sort(Comparator.comparing(Aside::time)
                .thenComparing(a -> a.file().getFileName().toString())
                .reversed());
        long bytes = 0;
        int keep = 0;
        for (Aside a : files) {
            if (keep > 0 && (keep >= maxSetAsideFiles || bytes + a.size() > maxSetAsideBytes)) {
                break;
            }
            keep++;
            bytes += a.size();
        }
        int left = keep;
        for (Aside a : files.subList(keep, files.size())) {
            try {
                Files.deleteIfExists(a.file());
                pruned.get(where).incrementAndGet();
                log.warn(
                        "correlation firing spool: deleted {} from {}/ (set aside {}) to keep it within {} files and {}"
                                + " bytes",
                        a.file().getFileName(),
                        where,
                        a.time(),
                        maxSetAsideFiles,
                        maxSetAsideBytes);
            } catch (IOException e) {
                left++;
                log.warn("correlation firing spool: could not delete {}: {}", a.file(), e.toString());
            }
        }
        kept.get(where).set(left);
    }

    private void syncDirectory() {
        try (FileChannel ch = FileChannel.open(dir, StandardOpenOption.READ)) {
            ch.force(true);
        } catch (IOException e) {
            // some file systems cannot open a directory; the files themselves are fsynced
            log.debug("could not fsync the spool directory {}: {}", dir, e.toString());
        }
    }

    private static void deleteQuietly(Path p) {
        try {
            Files.deleteIfExists(p);
        } catch (IOException ignored) {
            // best effort
        }
    }
}
