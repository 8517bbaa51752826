package dev.vigil.server.events.internal;

import java.io.Closeable;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.apache.lucene.codecs.lucene104.Lucene104Codec;
import org.apache.lucene.document.Document;
import org.apache.lucene.index.DirectoryReader;
import org.apache.lucene.index.IndexReader;
import org.apache.lucene.index.IndexWriter;
import org.apache.lucene.index.IndexWriterConfig;
import org.apache.lucene.index.LeafReaderContext;
import org.apache.lucene.index.PointValues;
import org.apache.lucene.search.IndexSearcher;
import org.apache.lucene.search.ReferenceManager;
import org.apache.lucene.search.SearcherManager;
import org.apache.lucene.store.Directory;
import org.apache.lucene.store.FSDirectory;
import org.apache.lucene.util.NumericUtils;

/**
 * One time partition of the store: the events received on one UTC day whose source keeps them for the same number of
 * days ({@code 2025-06-01_r90}), in its own Lucene index directory. Retention drops whole partitions.
 *
 * <p>A partition has an {@link IndexWriter} while it is written (today's, or one being recovered) and a
 * near-real-time {@link SearcherManager} over it; an idle partition's writer is closed (committing) and it is searched
 * through a reader of its last commit. Adds hold the read side of a lock, opening and closing the writer the write
 * side, so a writer is never closed under an add.
 */
final class Partition implements Closeable {
    private static final Pattern NAME = Pattern.compile("(\\d{4}-\\d{2}-\\d{2})_r(\\d{1,5})");

    /** Index settings shared by all partitions. */
    record Settings(double ramBufferMb, Lucene104Codec.Mode compression) {}

    final String name;
    final LocalDate day;
    final int retentionDays;
    final Path path;
    private final Settings settings;
    private final Directory directory;
    private final ReentrantReadWriteLock lock = new ReentrantReadWriteLock();
    private IndexWriter writer;
    private volatile ReferenceManager<IndexSearcher> searchers;
    private volatile long lastWriteNanos = System.nanoTime();
    private volatile boolean dirty;

    private Partition(String name, LocalDate day, int retentionDays, Path path, Settings settings) throws IOException {
        this.name = name;
        this.day = day;
        this.retentionDays = retentionDays;
        this.path = path;
        this.settings = settings;
        Files.createDirectories(path);
        this.directory = FSDirectory.open(path);
    }

    static String nameOf(LocalDate day, int retentionDays) {
        return day + "_r" + retentionDays;
    }

    /** Parses a partition directory name; null when it is not one. */
    static Object[] parse(String name) {
        Matcher m = NAME.matcher(name);
        if (!m.matches()) {
            return null;
        }
        try {
            return new Object[] {LocalDate.parse(m.group(1)), Integer.parseInt(m.group(2))};
        } catch (RuntimeException e) {
            return null;
        }
    }

    /** Opens (creating when missing) the partition in {@code root}. */
    static Partition open(Path root, LocalDate day, int retentionDays, Settings settings) throws IOException {
        String name = nameOf(day, retentionDays);
        Partition p = new Partition(name, day, retentionDays, root.resolve(name), settings);
        if (DirectoryReader.indexExists(p.directory)) {
            p.searchers = new SearcherManager(p.directory, null);
        } else {
            p.openWriter();
        }
        return p;
    }

    private void openWriter() throws IOException {
        IndexWriterConfig c = new IndexWriterConfig(EventQueryParser.rawAnalyzer());
        c.setOpenMode(IndexWriterConfig.OpenMode.CREATE_OR_APPEND);
        c.setCodec(new Lucene104Codec(settings.compression()));
        c.setRAMBufferSizeMB(settings.ramBufferMb());
        c.setCommitOnClose(true);
        IndexWriter w = new IndexWriter(directory, c);
        ReferenceManager<IndexSearcher> old = searchers;
        writer = w;
        searchers = new SearcherManager(w, null);
        if (old != null) {
            old.close();
        }
    }

    /** Adds documents (several threads at once). */
    void add(List<Document> docs) throws IOException {
        lock.readLock().lock();
        boolean ok = false;
        try {
            if (writer != null) {
                add(writer, docs);
                ok = true;
            }
        } finally {
            lock.readLock().unlock();
        }
        if (!ok) {
            lock.writeLock().lock();
            try {
                if (writer == null) {
                    openWriter();
                }
                add(writer, docs);
            } finally {
                lock.writeLock().unlock();
            }
        }
        lastWriteNanos = System.nanoTime();
        dirty = true;
    }

    /**
     * Adds the batch in one call; when Lucene refuses it (an unindexable value), each document alone, and a refused
     * one as its {@linkplain EventDocuments#metadata metadata} only, so that the event is still stored.
     */
    private static void add(IndexWriter w, List<Document> docs) throws IOException {
        try {
            w.addDocuments(docs);
        } catch (IllegalArgumentException e) {
            for (Document d : docs) {
                try {
                    w.addDocument(d);
                } catch (IllegalArgumentException refused) {
                    Document min = new Document();
                    d.getFields().forEach(f -> {
                        String n = f.name();
                        if (n.equals(EventDocuments.ID)
                                || n.equals(EventDocuments.TIME)
                                || n.equals(EventDocuments.RECEIVED)
                                || n.equals(EventDocuments.SOURCE)
                                || n.equals(EventDocuments.APPLICATION)
                                || n.equals(EventDocuments.CANONICAL)) {
                            min.add(f);
                        }
                    });
                    w.addDocument(min);
                }
            }
        }
    }

    /** Commits pending changes with {@code userData}; false when there was nothing to commit. */
    boolean commit(Map<String, String> userData) throws IOException {
        lock.readLock().lock();
        try {
            if (writer == null || !dirty) {
                return false;
            }
            dirty = false;
            writer.setLiveCommitData(userData.entrySet());
            writer.commit();
            return true;
        } catch (IOException | RuntimeException e) {
            dirty = true;
            throw e;
        } finally {
            lock.readLock().unlock();
        }
    }

    /** Closes the writer (committing) when it has not been written for {@code idleNanos}; searching goes on. */
    boolean closeWriterIfIdle(long idleNanos, Map<String, String> userData) throws IOException {
        if (System.nanoTime() - lastWriteNanos < idleNanos) {
            return false;
        }
        lock.writeLock().lock();
        try {
            if (writer == null || System.nanoTime() - lastWriteNanos < idleNanos) {
                return false;
            }
            writer.setLiveCommitData(userData.entrySet());
            writer.close();
            writer = null;
            dirty = false;
            ReferenceManager<IndexSearcher> old = searchers;
            searchers = new SearcherManager(directory, null);
            old.close();
            return true;
        } finally {
            lock.writeLock().unlock();
        }
    }

    boolean writable() {
        return writer != null;
    }

    void refresh() throws IOException {
        searchers.maybeRefresh();
    }

    /** Blocks until the searcher sees every add completed before the call. */
    void refreshBlocking() throws IOException {
        searchers.maybeRefreshBlocking();
    }

    /** A searcher of this partition, to {@linkplain Lease#close() release} after use. */
    record Lease(ReferenceManager<IndexSearcher> manager, IndexSearcher searcher) implements Closeable {
        @Override
        public void close() throws IOException {
            manager.release(searcher);
        }
    }

    Lease acquire() throws IOException {
        // the manager may be swapped (writer opened or closed) between reading and acquiring: retry
        while (true) {
            ReferenceManager<IndexSearcher> m = searchers;
            try {
                return new Lease(m, m.acquire());
            } catch (org.apache.lucene.store.AlreadyClosedException e) {
                if (m == searchers) {
                    throw e;
                }
            }
        }
    }

    /** The largest event id in the partition (as searchable now), or 0. */
    long maxId() throws IOException {
        try (Lease l = acquire()) {
            return maxId(l.searcher().getIndexReader());
        }
    }

    static long maxId(IndexReader r) throws IOException {
        long max = 0;
        for (LeafReaderContext c : r.leaves()) {
            PointValues pv = c.reader().getPointValues(EventDocuments.ID);
            if (pv != null && pv.size() > 0) {
                max = Math.max(max, NumericUtils.sortableBytesToLong(pv.getMaxPackedValue(), 0));
            }
        }
        return max;
    }

    /** Bytes on disk. */
    long bytes() {
        return bytes(path);
    }

    static long bytes(Path path) {
        try (Stream<Path> files = Files.list(path)) {
            return files.mapToLong(f -> {
                        try {
                            return Files.size(f);
                        } catch (IOException e) {
                            return 0;
                        }
                    })
                    .sum();
        } catch (IOException e) {
            return 0;
        }
    }

    /** Commits and closes everything (on shutdown). */
    @Override
    public void close() throws IOException {
        closeAll(true);
    }

    /** Drops uncommitted changes and closes, as a crash would (tests only). */
    void abandonForTest() throws IOException {
        closeAll(false);
    }

    /** Closes without committing (retention drops the partition next) and deletes the directory. */
    void closeAndDelete() throws IOException {
        closeAll(false);
        deleteTree(path);
    }

    /** Closes the searchers, the writer (committing or rolling back its pending changes) and the directory. */
    private void closeAll(boolean commit) throws IOException {
        lock.writeLock().lock();
        try {
            if (searchers != null) {
                searchers.close();
            }
            if (writer != null) {
                if (commit) {
                    writer.close();
                } else {
                    writer.rollback();
                }
                writer = null;
            }
            directory.close();
        } finally {
            lock.writeLock().unlock();
        }
    }

    static void deleteTree(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> files = Files.walk(dir)) {
            for (Path f : files.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(f);
            }
        } catch (UncheckedIOException e) {
            throw e.getCause();
        }
    }

    @Override
    public String toString() {
        return name;
    }
}
