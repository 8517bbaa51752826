package dev.vigil.server.events.internal;

import dev.vigil.engine.event.Event;
import dev.vigil.server.events.EventPage;
import dev.vigil.server.events.EventQuery;
import dev.vigil.server.events.FieldStats;
import dev.vigil.server.events.StoredEvent;
import java.io.Closeable;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import java.util.function.Supplier;
import org.apache.lucene.document.LongField;
import org.apache.lucene.index.DocValues;
import org.apache.lucene.index.IndexReader;
import org.apache.lucene.index.LeafReaderContext;
import org.apache.lucene.index.MultiReader;
import org.apache.lucene.index.QueryTimeoutImpl;
import org.apache.lucene.index.SortedSetDocValues;
import org.apache.lucene.index.StoredFieldVisitor;
import org.apache.lucene.index.StoredFields;
import org.apache.lucene.search.BooleanClause;
import org.apache.lucene.search.BooleanQuery;
import org.apache.lucene.search.Collector;
import org.apache.lucene.search.CollectorManager;
import org.apache.lucene.search.FieldDoc;
import org.apache.lucene.search.IndexSearcher;
import org.apache.lucene.search.LeafCollector;
import org.apache.lucene.search.MatchAllDocsQuery;
import org.apache.lucene.search.Query;
import org.apache.lucene.search.Scorable;
import org.apache.lucene.search.ScoreDoc;
import org.apache.lucene.search.ScoreMode;
import org.apache.lucene.search.Sort;
import org.apache.lucene.search.SortedNumericSelector;
import org.apache.lucene.search.TopFieldCollectorManager;
import org.apache.lucene.search.TopFieldDocs;
import org.apache.lucene.util.BytesRef;

/**
 * Searches over all partitions at once: each call acquires a searcher of every relevant partition (a consistent
 * snapshot, released at the end; retention may delete a partition meanwhile without disturbing it) and searches their
 * union. Results are sorted by time then id (Lucene skips non-competitive documents through the time points), paged
 * with an opaque cursor ({@code searchAfter}), and loaded by decoding the stored canonical bytes.
 */
final class LuceneSearch {
    private final Supplier<Collection<Partition>> partitions;
    private volatile Duration timeout = Duration.ofSeconds(30);

    LuceneSearch(Supplier<Collection<Partition>> partitions) {
        this.partitions = partitions;
    }

    void timeout(Duration d) {
        this.timeout = d;
    }

    /** Searchers of the partitions a query may touch, as one. */
    static final class Snapshot implements Closeable {
        final List<Partition.Lease> leases;
        final IndexSearcher searcher;

        Snapshot(List<Partition.Lease> leases) throws IOException {
            this.leases = leases;
            IndexReader[] readers = new IndexReader[leases.size()];
            for (int i = 0; i < readers.length; i++) {
                readers[i] = leases.get(i).searcher().getIndexReader();
            }
            this.searcher = new IndexSearcher(new MultiReader(readers, false));
        }

        @Override
        public void close() throws IOException {
            for (Partition.Lease l : leases) {
                l.close();
            }
        }
    }

    Snapshot snapshot(EventQuery q) throws IOException {
        LocalDate fromDay = null;
        LocalDate toDay = null;
        if (q != null && q.timeField() == EventQuery.TimeField.RECEIVED) {
            fromDay = q.from() == null ? null : LocalDate.ofInstant(EventDocuments.clamp(q.from()), ZoneOffset.UTC);
            toDay = q.to() == null ? null : LocalDate.ofInstant(EventDocuments.clamp(q.to()), ZoneOffset.UTC);
        }
        List<Partition.Lease> leases = new ArrayList<>();
        try {
            for (Partition p : partitions.get()) {
                if ((fromDay != null && p.day.isBefore(fromDay)) || (toDay != null && p.day.isAfter(toDay))) {
                    continue;
                }
                try {
                    leases.add(p.acquire());
                } catch (org.apache.lucene.store.AlreadyClosedException e) {
                    // dropped by retention just now
                }
            }
            return new Snapshot(leases);
        } catch (IOException | RuntimeException e) {
            for (Partition.Lease l : leases) {
                l.close();
            }
            throw e;
        }
    }

    static String timeField(EventQuery q) {
        return q.timeField() == EventQuery.TimeField.RECEIVED ? EventDocuments.RECEIVED : EventDocuments.TIME;
    }

    static Query query(EventQuery q) {
        Query user = EventQueryParser.parseQuery(q.query());
        if (q.from() == null && q.to() == null) {
            return user;
        }
        long from = q.from() == null ? Long.MIN_VALUE : EventDocuments.millis(q.from());
        long to = q.to() == null ? Long.MAX_VALUE : EventDocuments.millis(q.to()) - 1;
        BooleanQuery.Builder b = new BooleanQuery.Builder();
        if (!(user instanceof MatchAllDocsQuery)) {
            b.add(user, BooleanClause.Occur.MUST);
        }
        b.add(LongField.newRangeQuery(timeField(q), from, to), BooleanClause.Occur.FILTER);
        return b.build();
    }

    static Sort sort(EventQuery q) {
        boolean reverse = q.order() == EventQuery.Order.NEWEST_FIRST;
        return new Sort(
                LongField.newSortField(timeField(q), reverse, SortedNumericSelector.Type.MIN),
                LongField.newSortField(EventDocuments.ID, reverse, SortedNumericSelector.Type.MIN));
    }

    // ------------------------------------------------------------------------------------------------ search

    EventPage search(EventQuery q) {
        long start = System.nanoTime();
        Query query = query(q);
        Sort sort = sort(q);
        FieldDoc after = decodeCursor(q);
        try (Snapshot s = snapshot(q)) {
            s.searcher.setTimeout(new QueryTimeoutImpl(timeout.toMillis()));
            long total = s.searcher.count(query);
            TopFieldDocs top = s.searcher.search(query, new TopFieldCollectorManager(sort, q.size(), after, q.size()));
            List<StoredEvent> events = load(s.searcher, top.scoreDocs);
            String next = null;
            if (top.scoreDocs.length == q.size() && total > q.size()) {
                next = encodeCursor(q, (FieldDoc) top.scoreDocs[top.scoreDocs.length - 1]);
            }
            return new EventPage(total, events, next, (System.nanoTime() - start) / 1_000_000, s.searcher.timedOut());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (IndexSearcher.TooManyClauses e) {
            throw new IllegalArgumentException(
                    "the query expands to too many terms (" + e.getMessage() + "); narrow it");
        } catch (RuntimeException e) {
            throw rethrow(e);
        }
    }

    private static RuntimeException rethrow(RuntimeException e) {
        String n = e.getClass().getSimpleName();
        if (n.equals("TooComplexToDeterminizeException") || n.equals("TooManyNestedClauses")) {
            return new IllegalArgumentException("the query is too complex: " + e.getMessage(), e);
        }
        return e;
    }

    long count(EventQuery q) {
        try (Snapshot s = snapshot(q)) {
            return s.searcher.count(query(q));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (RuntimeException e) {
            throw rethrow(e);
        }
    }

    List<StoredEvent> get(Collection<Long> ids) {
        if (ids.isEmpty()) {
            return List.of();
        }
        long[] a = ids.stream().mapToLong(Long::longValue).distinct().toArray();
        EventQuery q = new EventQuery(
                null, null, null, null, EventQuery.Order.OLDEST_FIRST, Math.min(a.length, EventQuery.MAX_SIZE), null);
        try (Snapshot s = snapshot(null)) {
            Query query = LongField.newSetQuery(EventDocuments.ID, a);
            TopFieldDocs top = s.searcher.search(
                    query,
                    new TopFieldCollectorManager(
                            new Sort(LongField.newSortField(EventDocuments.ID, false, SortedNumericSelector.Type.MIN)),
                            q.size(),
                            null,
                            q.size()));
            return load(s.searcher, top.scoreDocs);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    long scan(EventQuery q, int batchSize, Predicate<List<StoredEvent>> visitor) {
        Query query = query(q);
        Sort sort = sort(q);
        int n = Math.max(1, Math.min(batchSize, EventQuery.MAX_SIZE));
        long visited = 0;
        try (Snapshot s = snapshot(q)) {
            FieldDoc after = decodeCursor(q);
            while (true) {
                TopFieldDocs top = s.searcher.search(query, new TopFieldCollectorManager(sort, n, after, n));
                if (top.scoreDocs.length == 0) {
                    break;
                }
                List<StoredEvent> page = load(s.searcher, top.scoreDocs);
                visited += page.size();
                if (!visitor.test(page) || top.scoreDocs.length < n) {
                    break;
                }
                after = (FieldDoc) top.scoreDocs[top.scoreDocs.length - 1];
            }
            return visited;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (RuntimeException e) {
            throw rethrow(e);
        }
    }

    // ------------------------------------------------------------------------------------------------ stats

    FieldStats stats(EventQuery q, List<String> fields, int top, int sample) {
        int topN = Math.max(1, Math.min(top, 100));
        int sampleN = Math.max(1, Math.min(sample, 100_000));
        Query query = query(q);
        try (Snapshot s = snapshot(q)) {
            s.searcher.setTimeout(new QueryTimeoutImpl(timeout.toMillis()));
            long total = s.searcher.count(query);
            Map<String, Map<String, Long>> keywords = s.searcher.search(
                    query, new KeywordCounts(List.of(EventDocuments.SOURCE, EventDocuments.APPLICATION)));
            TopFieldDocs newest = s.searcher.search(
                    query,
                    new TopFieldCollectorManager(
                            sort(q.withOrder(EventQuery.Order.NEWEST_FIRST)), sampleN, null, sampleN));
            List<StoredEvent> events = load(s.searcher, newest.scoreDocs);
            Map<String, Map<String, Long>> values = new LinkedHashMap<>();
            Map<String, Long> present = new HashMap<>();
            boolean all = fields == null || fields.isEmpty();
            for (StoredEvent e : events) {
                Event ev = Event.parseJson(e.event());
                Map<String, Boolean> seen = new HashMap<>();
                for (int i = 0; i < ev.size(); i++) {
                    String name = ev.name(i);
                    if (!all && !fields.contains(name)) {
                        continue;
                    }
                    if (seen.put(name, Boolean.TRUE) == null) {
                        present.merge(name, 1L, Long::sum);
                    }
                    String text = ev.text(i);
                    String v = text == null ? "null" : text.length() > 256 ? text.substring(0, 256) : text;
                    Map<String, Long> counts = values.computeIfAbsent(name, k -> new HashMap<>());
                    if (counts.size() < 100_000 || counts.containsKey(v)) {
                        counts.merge(v, 1L, Long::sum);
                    }
                }
            }
            List<String> names = new ArrayList<>(values.keySet());
            if (all) {
                names.sort(Comparator.comparing((String n) -> -present.getOrDefault(n, 0L))
                        .thenComparing(n -> n));
                if (names.size() > 50) {
                    names = names.subList(0, 50);
                }
            } else {
                names = new ArrayList<>(fields);
            }
            List<FieldStats.Field> out = new ArrayList<>();
            for (String name : names) {
                Map<String, Long> counts = values.getOrDefault(name, Map.of());
                out.add(new FieldStats.Field(
                        name, present.getOrDefault(name, 0L), counts.size(), topValues(counts, topN)));
            }
            return new FieldStats(
                    total,
                    events.size(),
                    events.size() == total,
                    topValues(keywords.getOrDefault(EventDocuments.SOURCE, Map.of()), topN),
                    topValues(keywords.getOrDefault(EventDocuments.APPLICATION, Map.of()), topN),
                    out);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (RuntimeException e) {
            throw rethrow(e);
        }
    }

    private static List<FieldStats.ValueCount> topValues(Map<String, Long> counts, int n) {
        return counts.entrySet().stream()
                .sorted(Map.Entry.<String, Long>comparingByValue().reversed().thenComparing(Map.Entry.comparingByKey()))
                .limit(n)
                .map(e -> new FieldStats.ValueCount(e.getKey(), e.getValue()))
                .toList();
    }

    /** Exact value counts of keyword (sorted-set doc values) fields over every match. */
    private static final class KeywordCounts
            implements CollectorManager<KeywordCounts.Counter, Map<String, Map<String, Long>>> {
        private final List<String> fields;

        KeywordCounts(List<String> fields) {
            this.fields = fields;
        }

        final class Counter implements Collector {
            final Map<String, Map<String, Long>> counts = new HashMap<>();

            @Override
            public LeafCollector getLeafCollector(LeafReaderContext context) throws IOException {
                SortedSetDocValues[] dv = new SortedSetDocValues[fields.size()];
                long[][] ords = new long[fields.size()][];
                for (int f = 0; f < dv.length; f++) {
                    dv[f] = DocValues.getSortedSet(context.reader(), fields.get(f));
                    ords[f] = new long[(int) Math.min(Integer.MAX_VALUE - 8, dv[f].getValueCount())];
                }
                return new LeafCollector() {
                    @Override
                    public void setScorer(Scorable scorer) {}

                    @Override
                    public void collect(int doc) throws IOException {
                        for (int f = 0; f < dv.length; f++) {
                            if (dv[f].advanceExact(doc)) {
                                for (int i = 0; i < dv[f].docValueCount(); i++) {
                                    ords[f][(int) dv[f].nextOrd()]++;
                                }
                            }
                        }
                    }

                    @Override
                    public void finish() throws IOException {
                        for (int f = 0; f < dv.length; f++) {
                            Map<String, Long> m = counts.computeIfAbsent(fields.get(f), k -> new HashMap<>());
                            for (int o = 0; o < ords[f].length; o++) {
                                if (ords[f][o] > 0) {
                                    BytesRef term = dv[f].lookupOrd(o);
                                    m.merge(term.utf8ToString(), ords[f][o], Long::sum);
                                }
                            }
                        }
                    }
                };
            }

            @Override
            public ScoreMode scoreMode() {
                return ScoreMode.COMPLETE_NO_SCORES;
            }
        }

        @Override
        public Counter newCollector() {
            return new Counter();
        }

        @Override
        public Map<String, Map<String, Long>> reduce(Collection<Counter> collectors) {
            Map<String, Map<String, Long>> out = new HashMap<>();
            for (Counter c : collectors) {
                c.counts.forEach((f, m) -> {
                    Map<String, Long> o = out.computeIfAbsent(f, k -> new HashMap<>());
                    m.forEach((v, n) -> o.merge(v, n, Long::sum));
                });
            }
            return out;
        }
    }

    // ------------------------------------------------------------------------------------------------ loading

    List<StoredEvent> load(IndexSearcher searcher, ScoreDoc[] docs) throws IOException {
        List<StoredEvent> out = new ArrayList<>(docs.length);
        StoredFields sf = searcher.storedFields();
        for (ScoreDoc d : docs) {
            byte[] c = canonical(sf, d.doc);
            long id = d instanceof FieldDoc fd ? (Long) fd.fields[fd.fields.length - 1] : -1;
            if (c == null) {
                continue;
            }
            out.add(toStored(id, c));
        }
        return out;
    }

    static byte[] canonical(StoredFields sf, int doc) throws IOException {
        byte[][] holder = new byte[1][];
        sf.document(doc, new StoredFieldVisitor() {
            @Override
            public Status needsField(org.apache.lucene.index.FieldInfo fieldInfo) {
                if (fieldInfo.name.equals(EventDocuments.CANONICAL)) {
                    return Status.YES;
                }
                return holder[0] == null ? Status.NO : Status.STOP;
            }

            @Override
            public void binaryField(org.apache.lucene.index.FieldInfo fieldInfo, byte[] value) {
                holder[0] = value;
            }
        });
        return holder[0];
    }

    static StoredEvent toStored(long id, byte[] c) {
        Canonical.Decoded d;
        try {
            d = Canonical.decode(c);
        } catch (IllegalArgumentException e) {
            String note =
                    "{\"_unreadable\":\"" + e.getMessage().replace("\\", "\\\\").replace("\"", "\\\"") + "\"}";
            return new StoredEvent(id, null, Instant.EPOCH, "?", null, null, null, note, () -> {
                throw new IllegalStateException("stored event " + id + " is unreadable (tampered?)");
            });
        }
        return new StoredEvent(
                id,
                d.eventTime(),
                d.receivedAt(),
                d.source(),
                d.application(),
                d.logsource(),
                d.raw(),
                d.json(),
                () -> d.ingested(id));
    }

    // ------------------------------------------------------------------------------------------------ cursor

    static String encodeCursor(EventQuery q, FieldDoc last) {
        String s = (q.timeField() == EventQuery.TimeField.RECEIVED ? "r" : "e")
                + (q.order() == EventQuery.Order.NEWEST_FIRST ? "d" : "a")
                + ":" + last.fields[0] + ":" + last.fields[1];
        return Base64.getUrlEncoder().withoutPadding().encodeToString(s.getBytes(StandardCharsets.UTF_8));
    }

    static FieldDoc decodeCursor(EventQuery q) {
        if (q.cursor() == null || q.cursor().isBlank()) {
            return null;
        }
        try {
            String s = new String(Base64.getUrlDecoder().decode(q.cursor().strip()), StandardCharsets.UTF_8);
            String[] p = s.split(":");
            String expect = (q.timeField() == EventQuery.TimeField.RECEIVED ? "r" : "e")
                    + (q.order() == EventQuery.Order.NEWEST_FIRST ? "d" : "a");
            if (p.length != 3 || !p[0].equals(expect)) {
                throw new IllegalArgumentException("the cursor belongs to a search with another order or time field");
            }
            return new FieldDoc(
                    Integer.MAX_VALUE, Float.NaN, new Object[] {Long.parseLong(p[1]), Long.parseLong(p[2])});
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("invalid cursor: " + e.getMessage(), e);
        }
    }
}
