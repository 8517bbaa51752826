package dev.vigil.server.events.internal;

import java.io.Closeable;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.zip.CRC32C;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The event store's write-ahead log: what makes an acknowledgement mean "durable". Appends are queued in memory (no
 * I/O on the caller's thread) and written by one thread in <em>group commits</em>: everything queued since the last
 * commit is written and fsynced ({@link FileChannel#force}) at once, then every appender's future completes. Latency
 * is one write + one fsync (a few ms) plus the commit in progress; throughput is not bound by fsyncs per request.
 *
 * <p>Format: segment files {@code wal-<first id>.log}, each a sequence of records {@code int length, int crc32c,
 * payload}; a payload is {@code long firstId, int count} and per event {@code varint retentionDays, varint length,
 * canonical bytes} ({@link Canonical}). Records are in id order; ids may have gaps (a batch that failed to write).
 *
 * <p>Recovery ({@link #open}): every segment is scanned and checked record by record; a torn tail (a crash in the
 * middle of a write, never acknowledged) is cut off. New appends always start a new segment, so a recovered segment is
 * never written again. Segments are deleted once every event in them is indexed, sealed and evaluated
 * ({@link #deleteThrough}).
 *
 * <p>Failures: a failed write is truncated away and its appenders' futures fail (the clients get 503 and resend); a
 * failed fsync makes the log unusable until restart (after a failed fsync the page cache cannot be trusted).
 */
final class WriteAheadLog implements Closeable {
    private static final Logger log = LoggerFactory.getLogger(WriteAheadLog.class);
    private static final int MAX_RECORD = 1 << 30;

    /** Where one record lies. */
    record RecordRef(long firstSeq, int count, Segment segment, long payloadOffset, int payloadLength) {
        long lastSeq() {
            return firstSeq + count - 1;
        }
    }

    /** One decoded record. */
    record Record(long firstSeq, int[] retentionDays, byte[][] events) {
        int count() {
            return events.length;
        }
    }

    /** Told about ids whose write failed (they will never exist). */
    interface LossListener {
        void lost(long firstSeq, int count);
    }

    /** One segment file. */
    static final class Segment {
        final Path path;
        final long firstSeq;
        final FileChannel channel;
        volatile long lastSeq;
        volatile long size;

        Segment(Path path, long firstSeq, FileChannel channel) {
            this.path = path;
            this.firstSeq = firstSeq;
            this.channel = channel;
            this.lastSeq = firstSeq - 1;
        }
    }

    private static final class Pending {
        final long firstSeq;
        final int count;
        final byte[] payload;
        final CompletableFuture<Void> done = new CompletableFuture<>();

        Pending(long firstSeq, int count, byte[] payload) {
            this.firstSeq = firstSeq;
            this.count = count;
            this.payload = payload;
        }
    }

    private final Path dir;
    private final long segmentBytes;
    private final long maxDelayNanos;
    private final LossListener lossListener;
    private final ConcurrentSkipListMap<Long, RecordRef> records = new ConcurrentSkipListMap<>();
    private final List<Segment> segments = new ArrayList<>();
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition queued = lock.newCondition();
    private List<Pending> queue = new ArrayList<>();
    private boolean closing;
    private volatile IOException failure;
    private Segment active;
    private Thread writer;
    private long lastSeq;
    private long commits;
    private long syncNanos;

    WriteAheadLog(Path dir, long segmentBytes, long maxDelayMillis, LossListener lossListener) {
        this.dir = dir;
        this.segmentBytes = segmentBytes;
        this.maxDelayNanos = TimeUnit.MILLISECONDS.toNanos(maxDelayMillis);
        this.lossListener = lossListener;
    }

    /** Scans the segments (cutting off a torn tail), then starts the writer. Returns the last id in the log, or 0. */
    long open() throws IOException {
        Files.createDirectories(dir);
        List<Path> files = new ArrayList<>();
        try (DirectoryStream<Path> ds = Files.newDirectoryStream(dir, "wal-*.log")) {
            ds.forEach(files::add);
        }
        files.sort(null);
        for (int i = 0; i < files.size(); i++) {
            Path f = files.get(i);
            long first = Long.parseLong(f.getFileName().toString().substring(4, 24));
            FileChannel ch = FileChannel.open(f, StandardOpenOption.READ, StandardOpenOption.WRITE);
            Segment s = new Segment(f, first, ch);
            scan(s, i == files.size() - 1);
            if (s.size == 0 && s.lastSeq < s.firstSeq) {
                ch.close();
                Files.delete(f);
                continue;
            }
            segments.add(s);
            lastSeq = Math.max(lastSeq, s.lastSeq);
        }
        writer = Thread.ofPlatform().name("vigil-events-wal").daemon(true).unstarted(this::loop);
        writer.start();
        return lastSeq;
    }

    private void scan(Segment s, boolean last) throws IOException {
        long size = s.channel.size();
        long pos = 0;
        ByteBuffer header = ByteBuffer.allocate(8);
        while (pos < size) {
            header.clear();
            if (readFully(s.channel, header, pos) < 8) {
                break;
            }
            header.flip();
            int len = header.getInt();
            int crc = header.getInt();
            if (len < 12 || len > MAX_RECORD || pos + 8 + len > size) {
                break;
            }
            ByteBuffer payload = ByteBuffer.allocate(len);
            readFully(s.channel, payload, pos + 8);
            CRC32C c = new CRC32C();
            c.update(payload.array(), 0, len);
            if ((int) c.getValue() != crc) {
                break;
            }
            long firstSeq = payload.getLong(0);
            int count = payload.getInt(8);
            if (count <= 0 || firstSeq <= s.lastSeq) {
                break;
            }
            records.put(firstSeq, new RecordRef(firstSeq, count, s, pos + 8, len));
            s.lastSeq = firstSeq + count - 1;
            pos += 8 + len;
        }
        if (pos < size) {
            if (last) {
                log.warn(
                        "write-ahead log {}: cutting off {} bytes of an incomplete record at offset {} (a write interrupted by a crash; never acknowledged)",
                        s.path.getFileName(),
                        size - pos,
                        pos);
            } else {
                log.error(
                        "write-ahead log {} is damaged at offset {} ({} bytes after it are unreadable); events stored after that point in this segment may be lost",
                        s.path.getFileName(),
                        pos,
                        size - pos);
            }
            s.channel.truncate(pos);
            s.channel.force(true);
        }
        s.size = pos;
    }

    private static int readFully(FileChannel ch, ByteBuffer b, long pos) throws IOException {
        int total = 0;
        while (b.hasRemaining()) {
            int n = ch.read(b, pos + total);
            if (n < 0) {
                break;
            }
            total += n;
        }
        return total;
    }

    /**
     * Queues a record (payload: {@code long firstSeq, int count, entries}); the future completes when it is durable.
     * Callers append in id order.
     *
     * @throws IllegalStateException when the log is closed or failed
     */
    CompletableFuture<Void> append(long firstSeq, int count, byte[] payload) {
        IOException f = failure;
        if (f != null) {
            throw new IllegalStateException("the event store's write-ahead log failed: " + f.getMessage(), f);
        }
        Pending p = new Pending(firstSeq, count, payload);
        lock.lock();
        try {
            if (closing) {
                throw new IllegalStateException("the event store is closed");
            }
            queue.add(p);
            queued.signal();
        } finally {
            lock.unlock();
        }
        return p.done;
    }

    private void loop() {
        while (true) {
            List<Pending> batch;
            lock.lock();
            try {
                while (queue.isEmpty() && !closing) {
                    queued.awaitUninterruptibly();
                }
                if (queue.isEmpty()) {
                    return;
                }
                if (maxDelayNanos > 0 && !closing) {
                    // wait a little for more appends to share this fsync
                    long n = maxDelayNanos;
                    while (n > 0 && !closing) {
                        try {
                            n = queued.awaitNanos(n);
                        } catch (InterruptedException e) {
                            break;
                        }
                    }
                }
                batch = queue;
                queue = new ArrayList<>();
            } finally {
                lock.unlock();
            }
            commit(batch);
        }
    }

    private void commit(List<Pending> batch) {
        if (failure != null) {
            fail(batch, failure);
            return;
        }
        long start = System.nanoTime();
        List<RecordRef> refs = new ArrayList<>(batch.size());
        Segment s = null;
        long before = 0;
        try {
            if (active == null || active.size >= segmentBytes) {
                roll(batch.get(0).firstSeq);
            }
            s = active;
            before = s.size;
            ByteBuffer header = ByteBuffer.allocate(8);
            CRC32C crc = new CRC32C();
            long pos = s.size;
            for (Pending p : batch) {
                crc.reset();
                crc.update(p.payload, 0, p.payload.length);
                header.clear();
                header.putInt(p.payload.length).putInt((int) crc.getValue()).flip();
                writeFully(s.channel, header, pos);
                writeFully(s.channel, ByteBuffer.wrap(p.payload), pos + 8);
                refs.add(new RecordRef(p.firstSeq, p.count, s, pos + 8, p.payload.length));
                pos += 8 + p.payload.length;
            }
            s.size = pos;
        } catch (IOException e) {
            log.error("write-ahead log: writing {} records failed; their requests are answered 503", batch.size(), e);
            if (s != null) {
                try {
                    s.channel.truncate(before);
                    s.size = before;
                } catch (IOException t) {
                    failure = t;
                }
            }
            fail(batch, e);
            return;
        }
        try {
            s.channel.force(false);
        } catch (IOException e) {
            log.error("write-ahead log: fsync failed; the event store refuses writes until restarted", e);
            failure = e;
            fail(batch, e);
            return;
        }
        for (RecordRef r : refs) {
            records.put(r.firstSeq(), r);
            s.lastSeq = r.lastSeq();
        }
        lastSeq = Math.max(lastSeq, s.lastSeq);
        commits++;
        syncNanos += System.nanoTime() - start;
        for (Pending p : batch) {
            p.done.complete(null);
        }
    }

    private void fail(List<Pending> batch, IOException e) {
        for (Pending p : batch) {
            lossListener.lost(p.firstSeq, p.count);
            p.done.completeExceptionally(e);
        }
    }

    private void roll(long firstSeq) throws IOException {
        Path f = dir.resolve(String.format("wal-%020d.log", firstSeq));
        FileChannel ch =
                FileChannel.open(f, StandardOpenOption.CREATE_NEW, StandardOpenOption.READ, StandardOpenOption.WRITE);
        ch.write(ByteBuffer.allocate(0));
        syncDirectory(dir);
        Segment s = new Segment(f, firstSeq, ch);
        synchronized (segments) {
            segments.add(s);
        }
        active = s;
    }

    static void syncDirectory(Path dir) throws IOException {
        try (FileChannel d = FileChannel.open(dir, StandardOpenOption.READ)) {
            d.force(true);
        } catch (IOException e) {
            if (!System.getProperty("os.name", "")
                    .toLowerCase(java.util.Locale.ROOT)
                    .contains("win")) {
                throw e;
            }
        }
    }

    private static void writeFully(FileChannel ch, ByteBuffer b, long pos) throws IOException {
        long p = pos;
        while (b.hasRemaining()) {
            p += ch.write(b, p);
        }
    }

    /** Reads one record. */
    static Record read(RecordRef ref) {
        ByteBuffer b = ByteBuffer.allocate(ref.payloadLength());
        try {
            readFully(ref.segment().channel, b, ref.payloadOffset());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the write-ahead log " + ref.segment().path, e);
        }
        byte[] a = b.array();
        Canonical.Reader r = new Canonical.Reader(a, 12);
        int count = ref.count();
        int[] retention = new int[count];
        byte[][] events = new byte[count][];
        for (int i = 0; i < count; i++) {
            retention[i] = r.readVarint();
            int n = r.readVarint();
            events[i] = java.util.Arrays.copyOfRange(a, r.pos, r.pos + n);
            r.pos += n;
        }
        return new Record(ref.firstSeq(), retention, events);
    }

    /** The records holding any id in {@code (afterSeq, throughSeq]}, in id order, read lazily. */
    Iterator<Record> records(long afterSeq, long throughSeq) {
        Map.Entry<Long, RecordRef> floor = records.floorEntry(afterSeq + 1);
        Long from = floor != null && floor.getValue().lastSeq() > afterSeq ? floor.getKey() : afterSeq + 1;
        Iterator<RecordRef> refs =
                records.subMap(from, true, throughSeq, true).values().iterator();
        return new Iterator<>() {
            @Override
            public boolean hasNext() {
                return refs.hasNext();
            }

            @Override
            public Record next() {
                if (!refs.hasNext()) {
                    throw new NoSuchElementException();
                }
                return read(refs.next());
            }
        };
    }

    /** Deletes every segment (but the one being written) whose events all have ids ≤ {@code seq}. */
    int deleteThrough(long seq) {
        List<Segment> gone = new ArrayList<>();
        synchronized (segments) {
            for (Segment s : segments) {
                if (s != active && s.lastSeq <= seq) {
                    gone.add(s);
                }
            }
            segments.removeAll(gone);
        }
        for (Segment s : gone) {
            records.headMap(s.lastSeq, true)
                    .entrySet()
                    .removeIf(e -> e.getValue().segment() == s);
            try {
                s.channel.close();
                Files.deleteIfExists(s.path);
            } catch (IOException e) {
                log.warn("cannot delete write-ahead log segment {}: {}", s.path, e.getMessage());
            }
        }
        return gone.size();
    }

    long lastSeq() {
        return lastSeq;
    }

    /** Bytes on disk. */
    long bytes() {
        long n = 0;
        synchronized (segments) {
            for (Segment s : segments) {
                n += s.size;
            }
        }
        return n;
    }

    int segmentCount() {
        synchronized (segments) {
            return segments.size();
        }
    }

    long commits() {
        return commits;
    }

    long syncNanos() {
        return syncNanos;
    }

    boolean failed() {
        return failure != null;
    }

    /** Writes and fsyncs what is queued, then stops the writer; appends are refused from now on, reads still work. */
    void stop() {
        lock.lock();
        try {
            closing = true;
            queued.signalAll();
        } finally {
            lock.unlock();
        }
        if (writer != null) {
            try {
                writer.join(TimeUnit.SECONDS.toMillis(60));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /** Stops the writer (see {@link #stop}) and closes the files. */
    @Override
    public void close() {
        stop();
        synchronized (segments) {
            for (Segment s : segments) {
                try {
                    s.channel.close();
                } catch (IOException e) {
                    // closing anyway
                }
            }
        }
    }
}
