package dev.vigil.server.events.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.vigil.engine.event.Event;
import dev.vigil.server.events.EventPage;
import dev.vigil.server.events.EventQuery;
import dev.vigil.server.events.FieldStats;
import dev.vigil.server.events.StoredEvent;
import dev.vigil.server.ingest.DurableJournal;
import dev.vigil.server.normalize.IngestedEvent;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class LuceneEventStoreTest {
    StoreFixture f;

    @BeforeEach
    void open() throws Exception {
        f = new StoreFixture();
        f.open();
    }

    @AfterEach
    void close() throws Exception {
        f.close();
    }

    long count(String q) {
        return f.store.count(EventQuery.of(q));
    }

    @Test
    void storesEventsSearchableByFieldRawTextRangeAndId() throws Exception {
        List<IngestedEvent> web = f.ingest(f.events("web", 50, "alpha"), true);
        f.ingest(f.events("db", 50, "beta"), true);
        f.store.refresh();

        assertThat(count("")).isEqualTo(100);
        assertThat(count("tag:alpha")).isEqualTo(50);
        assertThat(count("tag:ALPHA"))
                .as("field values match case-insensitively")
                .isEqualTo(50);
        assertThat(count("user:USER3 AND _source:web")).isEqualTo(7);
        assertThat(count("msg:*number\\ 1*")).as("wildcards over whole values").isEqualTo(22);
        assertThat(count("n:[10 TO 19]")).as("numeric ranges").isEqualTo(20);
        assertThat(count("n:{10 TO 19}")).isEqualTo(16);
        assertThat(count("hello")).as("bare words search the raw record").isEqualTo(100);
        assertThat(count("user:*")).as("field:* means present").isEqualTo(100);
        assertThat(count("nosuchfield:*")).isZero();
        assertThat(count("_application:app-db")).isEqualTo(50);
        assertThat(count("_id:[" + web.get(0).id() + " TO " + web.get(9).id() + "]"))
                .isEqualTo(10);

        IngestedEvent original = web.get(3);
        StoredEvent stored = f.store.get(original.id()).orElseThrow();
        assertThat(stored.source()).isEqualTo("web");
        assertThat(stored.application()).isEqualTo("app-web");
        assertThat(stored.raw()).isEqualTo(original.raw());
        assertThat(stored.receivedAt()).isEqualTo(original.receivedAt());
        IngestedEvent back = stored.toIngested();
        assertThat(back.id()).isEqualTo(original.id());
        assertThat(back.event().toJson()).isEqualTo(original.event().toJson());
        assertThat(back.event().logsource()).isEqualTo(original.event().logsource());
        assertThat(f.store.get(List.of(web.get(1).id(), web.get(0).id(), 999_999L)))
                .extracting(StoredEvent::id)
                .containsExactly(web.get(0).id(), web.get(1).id());
        assertThatThrownBy(() -> count("tag:(")).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void pagesNewestFirstWithACursorAndFiltersByTime() throws Exception {
        List<IngestedEvent> all = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            all.addAll(f.ingest(f.events("web", 10, "t" + i), true));
            f.clock.advance(Duration.ofMinutes(1));
        }
        f.store.refresh();
        EventQuery q = EventQuery.of("").withSize(30);
        Set<Long> seen = new HashSet<>();
        long previous = Long.MAX_VALUE;
        int pages = 0;
        String cursor = null;
        do {
            EventPage p = f.store.search(q.withCursor(cursor));
            pages++;
            assertThat(p.total()).isEqualTo(100);
            for (StoredEvent e : p.events()) {
                assertThat(e.id()).isLessThan(previous);
                previous = e.id();
                assertThat(seen.add(e.id())).isTrue();
            }
            cursor = p.nextCursor();
        } while (cursor != null);
        assertThat(pages).isEqualTo(4);
        assertThat(seen).hasSize(100);

        Instant t3 = Instant.parse("2025-06-01T10:03:00Z");
        EventQuery window = EventQuery.of("")
                .withRange(t3, t3.plus(Duration.ofMinutes(2)))
                .withTimeField(EventQuery.TimeField.RECEIVED);
        assertThat(f.store.count(window)).isEqualTo(20);
        assertThat(f.store
                        .search(window.withOrder(EventQuery.Order.OLDEST_FIRST).withSize(1))
                        .events()
                        .get(0)
                        .id())
                .isEqualTo(all.get(30).id());
    }

    @Test
    void fieldStatisticsCountSourcesExactlyAndTopValues() throws Exception {
        f.ingest(f.events("web", 70, "alpha"), true);
        f.ingest(f.events("db", 30, "beta"), true);
        f.store.refresh();
        FieldStats s = f.store.stats(EventQuery.of(""), List.of("user", "tag"), 3, 1000);
        assertThat(s.total()).isEqualTo(100);
        assertThat(s.exact()).isTrue();
        assertThat(s.sources())
                .containsExactly(new FieldStats.ValueCount("web", 70), new FieldStats.ValueCount("db", 30));
        assertThat(s.fields()).extracting(FieldStats.Field::name).containsExactly("user", "tag");
        assertThat(s.fields().get(1).top())
                .containsExactly(new FieldStats.ValueCount("alpha", 70), new FieldStats.ValueCount("beta", 30));
        assertThat(s.fields().get(0).distinct()).isEqualTo(7);
    }

    @Test
    void everyDurableEventIsPresentAfterACrashAndUnevaluatedOnesAreReplayed() throws Exception {
        List<IngestedEvent> a = f.ingest(f.events("web", 40, "a"), true);
        f.store.checkpoint(); // a: committed, sealed, evaluated
        List<IngestedEvent> b = f.ingest(f.events("web", 30, "b"), false); // indexed, not committed
        DurableJournal.Entry c = f.store.append(f.events("web", 20, "c")); // durable only
        c.durable().get(30, TimeUnit.SECONDS);
        f.store.crashForTest();

        f.open();
        f.store.refresh();
        assertThat(count("tag:a")).isEqualTo(40);
        assertThat(count("tag:b")).isEqualTo(30);
        assertThat(count("tag:c")).isEqualTo(20);
        List<Long> replayed = new ArrayList<>();
        for (Iterator<DurableJournal.Entry> it = f.store.unevaluated(); it.hasNext(); ) {
            DurableJournal.Entry e = it.next();
            assertThat(e.durable()).isCompleted();
            e.events().forEach(x -> replayed.add(x.id()));
            e.evaluated();
        }
        List<Long> expected = new ArrayList<>();
        b.forEach(x -> expected.add(x.id()));
        c.events().forEach(x -> expected.add(x.id()));
        assertThat(replayed).containsExactlyElementsOf(expected);
        assertThat(f.store.evaluatedThrough()).isEqualTo(c.events().get(19).id());
        // ids continue after the recovered ones
        List<IngestedEvent> d = f.ingest(f.events("web", 1, "d"), true);
        assertThat(d.get(0).id()).isEqualTo(c.events().get(19).id() + 1);
        assertThat(a.get(0).id()).isEqualTo(1);
    }

    @Test
    void recoveryNeverIndexesAnEventTwice() throws Exception {
        f.ingest(f.events("web", 25, "x"), true);
        f.store.checkpoint();
        f.store.crashForTest();
        // the checkpoint is lost: recovery re-reads the whole log against an index that has everything
        new Checkpoint(0, 0).write(f.dir.resolve("events"));
        f.open();
        f.store.refresh();
        assertThat(count("tag:x")).isEqualTo(25);
    }

    @Test
    void aTornWriteAtTheEndOfTheLogIsCutOff() throws Exception {
        f.ingest(f.events("web", 10, "kept"), false);
        f.store.crashForTest();
        Path wal = f.dir.resolve("events/wal");
        Path last;
        try (Stream<Path> s = Files.list(wal)) {
            last = s.sorted().reduce((x, y) -> y).orElseThrow();
        }
        try (FileChannel ch = FileChannel.open(last, StandardOpenOption.WRITE, StandardOpenOption.APPEND)) {
            ch.write(ByteBuffer.wrap(new byte[] {0, 0, 1, 0, 7, 7, 7, 7, 1, 2, 3}));
        }
        f.open();
        f.store.refresh();
        assertThat(count("tag:kept")).isEqualTo(10);
        List<IngestedEvent> more = f.ingest(f.events("web", 5, "more"), true);
        assertThat(more.get(0).id()).isEqualTo(11);
    }

    @Test
    void sealsCommittedEventsIntoAChainOfBatchesPerPartition() throws Exception {
        f.sealBatch = 25;
        f.store.close();
        f.open();
        f.retention.put("audit", 400);
        f.ingest(f.events("web", 60, "w"), true);
        f.ingest(f.events("audit", 10, "a"), true);
        f.clock.advance(Duration.ofDays(1));
        f.ingest(f.events("web", 5, "next-day"), true);
        f.store.checkpoint();

        List<SealedBatch> batches = new ArrayList<>();
        f.ledger.forEachBatch(null, null, batches::add);
        assertThat(batches)
                .extracting(SealedBatch::partition)
                .containsExactly(
                        "2025-06-01_r90", "2025-06-01_r90", "2025-06-01_r90", "2025-06-01_r400", "2025-06-02_r90");
        assertThat(batches).extracting(SealedBatch::count).containsExactly(25, 25, 10, 10, 5);
        byte[] prev = ChainDigests.GENESIS;
        for (int i = 0; i < batches.size(); i++) {
            SealedBatch b = batches.get(i);
            assertThat(b.batchNo()).isEqualTo(i + 1);
            assertThat(b.prevDigest()).isEqualTo(prev);
            assertThat(b.expectedDigest()).isEqualTo(b.digest());
            prev = b.digest();
        }
        assertThat(f.ledger.head().sealedThrough()).isEqualTo(75);
        assertThat(f.store.status().partitions())
                .extracting(p -> p.name())
                .containsExactly("2025-06-01_r400", "2025-06-01_r90", "2025-06-02_r90");
    }

    @Test
    void hostileValuesAreStoredAndFoundAsTheyCame() throws Exception {
        Map<String, Object> fields = new LinkedHashMap<>();
        fields.put("_id", "not the store id");
        fields.put("#weird", 5);
        fields.put("", "empty name");
        fields.put("long", "x".repeat(40_000));
        fields.put("unicode", "İstanbul ÄÖÜ 東京 \u0000 nul");
        fields.put("nested", Map.of("a", List.of(1, 2, 3)));
        IngestedEvent e = f.ingest(List.of(f.event("web", fields)), true).get(0);
        f.store.refresh();
        assertThat(count("nested.a:2")).isEqualTo(1);
        assertThat(count("unicode:*東京*")).isEqualTo(1);
        assertThat(count("long:x*")).isEqualTo(1);
        assertThat(count("_id:" + e.id())).isEqualTo(1);
        StoredEvent s = f.store.get(e.id()).orElseThrow();
        Event back = s.toIngested().event();
        assertThat(back.getString("long")).hasSize(40_000);
        assertThat(back.getString("unicode")).isEqualTo("İstanbul ÄÖÜ 東京 \u0000 nul");
    }
}
