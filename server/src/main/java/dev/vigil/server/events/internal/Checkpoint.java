package dev.vigil.server.events.internal;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.Properties;

/**
 * The store's recovery point, {@code DATA_DIR/events/checkpoint}: every event with an id ≤ {@code indexedThrough} is
 * in a Lucene commit, and every event with an id ≤ {@code evaluatedThrough} has been evaluated by detection. Written
 * atomically (temporary file, fsync, rename, directory fsync) after each Lucene commit. A missing or unreadable file
 * means "nothing known": recovery then re-reads the whole write-ahead log (and skips what the index already holds).
 */
record Checkpoint(long indexedThrough, long evaluatedThrough) {
    static final String FILE = "checkpoint";

    static Checkpoint read(Path dir) {
        Path f = dir.resolve(FILE);
        if (!Files.exists(f)) {
            return new Checkpoint(0, 0);
        }
        try {
            Properties p = new Properties();
            try (var in = Files.newBufferedReader(f, StandardCharsets.UTF_8)) {
                p.load(in);
            }
            return new Checkpoint(
                    Long.parseLong(p.getProperty("indexedThrough", "0").strip()),
                    Long.parseLong(p.getProperty("evaluatedThrough", "0").strip()));
        } catch (IOException | RuntimeException e) {
            return new Checkpoint(0, 0);
        }
    }

    void write(Path dir) throws IOException {
        Path tmp = dir.resolve(FILE + ".tmp");
        byte[] text = ("indexedThrough=" + indexedThrough + "\nevaluatedThrough=" + evaluatedThrough + "\n")
                .getBytes(StandardCharsets.UTF_8);
        try (FileChannel ch = FileChannel.open(
                tmp, StandardOpenOption.CREATE, StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING)) {
            ByteBuffer b = ByteBuffer.wrap(text);
            while (b.hasRemaining()) {
                ch.write(b);
            }
            ch.force(true);
        }
        Files.move(tmp, dir.resolve(FILE), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        WriteAheadLog.syncDirectory(dir);
    }
}
