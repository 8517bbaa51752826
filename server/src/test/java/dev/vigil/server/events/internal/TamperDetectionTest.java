package dev.vigil.server.events.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vigil.server.events.IntegrityProblem;
import dev.vigil.server.events.IntegrityProblem.Kind;
import dev.vigil.server.normalize.IngestedEvent;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.lucene.document.Document;
import org.apache.lucene.document.LongField;
import org.apache.lucene.index.DirectoryReader;
import org.apache.lucene.index.IndexWriter;
import org.apache.lucene.index.IndexWriterConfig;
import org.apache.lucene.search.IndexSearcher;
import org.apache.lucene.search.TopDocs;
import org.apache.lucene.store.FSDirectory;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * Acceptance 2: editing, deleting, reordering or inserting stored events, or touching the ledger, is reported with the
 * exact batch (chain position, id range, time ranges); an untouched store verifies clean. The store is tampered with
 * the way an attacker with file access would: through Lucene, on the closed index.
 */
class TamperDetectionTest {
    StoreFixture f;
    List<IngestedEvent> day1;
    List<IngestedEvent> day2;

    @BeforeEach
    void fill() throws Exception {
        f = new StoreFixture();
        f.sealBatch = 20;
        f.open();
        day1 = new ArrayList<>();
        day1.addAll(f.ingest(f.events("web", 50, "d1"), true)); // batches of 20, 20, 10
        f.store.checkpoint();
        f.clock.advance(Duration.ofDays(1));
        day2 = f.ingest(f.events("web", 30, "d2"), true); // batches of 20, 10
        f.store.checkpoint();
    }

    @AfterEach
    void close() throws Exception {
        f.close();
    }

    Verifier.Result verify() throws Exception {
        return new Verifier(f.store).verify(null, null, List.of(), b -> {});
    }

    /** Closes the store, runs {@code change} on the partition's index, opens the store again. */
    void tamper(String partition, LuceneChange change) throws Exception {
        f.store.close();
        Path dir = f.dir.resolve("events/partitions/" + partition);
        try (FSDirectory d = FSDirectory.open(dir);
                IndexWriter w = new IndexWriter(d, new IndexWriterConfig(EventQueryParser.rawAnalyzer()))) {
            change.apply(w);
            w.commit();
        }
        f.open();
    }

    interface LuceneChange {
        void apply(IndexWriter w) throws Exception;
    }

    static Document doc(long id, byte[] canonical) {
        Canonical.Decoded d = Canonical.decode(canonical);
        return EventDocuments.document(
                id, d.receivedAt(), d.eventTime(), d.source(), d.application(), d.raw(), d.event(), canonical);
    }

    static byte[] storedBytes(IndexWriter w, long id) throws Exception {
        try (DirectoryReader r = DirectoryReader.open(w)) {
            IndexSearcher s = new IndexSearcher(r);
            TopDocs t = s.search(LongField.newExactQuery(EventDocuments.ID, id), 1);
            return LuceneSearch.canonical(s.storedFields(), t.scoreDocs[0].doc);
        }
    }

    @Test
    void anUntouchedStoreVerifiesClean() throws Exception {
        Verifier.Result r = verify();
        assertThat(r.problems).isEmpty();
        assertThat(r.batchesChecked).isEqualTo(5);
        assertThat(r.eventsChecked).isEqualTo(80);
        assertThat(r.head.batchNo()).isEqualTo(5);
    }

    @Test
    void anEditedEventIsReportedWithItsBatch() throws Exception {
        IngestedEvent victim = day1.get(25); // second batch: ids 21..40
        tamper("2025-06-01_r90", w -> {
            IngestedEvent edited = new IngestedEvent(
                    victim.sourceName(), victim.application(), victim.receivedAt(), "innocent", victim.event());
            w.updateDocuments(
                    LongField.newExactQuery(EventDocuments.ID, victim.id()),
                    List.of(doc(victim.id(), Canonical.encode(edited))));
        });
        List<IntegrityProblem> p = verify().problems;
        assertThat(p).hasSize(1);
        assertThat(p.get(0).kind()).isEqualTo(Kind.MODIFIED);
        assertThat(p.get(0).batchNo()).isEqualTo(2);
        assertThat(p.get(0).firstId()).isEqualTo(21);
        assertThat(p.get(0).lastId()).isEqualTo(40);
        assertThat(p.get(0).firstReceived()).isEqualTo(victim.receivedAt());
    }

    @Test
    void deletedEventsAreReportedAsMissing() throws Exception {
        tamper(
                "2025-06-02_r90",
                w -> w.deleteDocuments(
                        LongField.newExactQuery(EventDocuments.ID, day2.get(3).id()),
                        LongField.newExactQuery(EventDocuments.ID, day2.get(4).id())));
        List<IntegrityProblem> p = verify().problems;
        assertThat(p).singleElement().satisfies(x -> {
            assertThat(x.kind()).isEqualTo(Kind.MISSING);
            assertThat(x.batchNo()).isEqualTo(4);
            assertThat(x.partition()).isEqualTo("2025-06-02_r90");
            assertThat(x.expected()).isEqualTo(20);
            assertThat(x.found()).isEqualTo(18);
        });
    }

    @Test
    void swappedEventsAreReportedAsReordered() throws Exception {
        long a = day1.get(41).id();
        long b = day1.get(44).id(); // both in the third batch (41..50)
        tamper("2025-06-01_r90", w -> {
            byte[] ca = storedBytes(w, a);
            byte[] cb = storedBytes(w, b);
            w.updateDocuments(LongField.newExactQuery(EventDocuments.ID, a), List.of(doc(a, cb)));
            w.updateDocuments(LongField.newExactQuery(EventDocuments.ID, b), List.of(doc(b, ca)));
        });
        List<IntegrityProblem> p = verify().problems;
        assertThat(p).singleElement().satisfies(x -> {
            assertThat(x.kind()).isEqualTo(Kind.REORDERED);
            assertThat(x.batchNo()).isEqualTo(3);
            assertThat(x.firstId()).isEqualTo(41);
            assertThat(x.lastId()).isEqualTo(50);
        });
    }

    @Test
    void insertedEventsAreReportedInsideAndOutsideBatches() throws Exception {
        IngestedEvent model = day1.get(0);
        tamper("2025-06-01_r90", w -> {
            byte[] c = Canonical.encode(model);
            w.addDocument(doc(5, c)); // a second event with id 5, inside batch 1
            w.addDocument(doc(60, c)); // id 60 is sealed, but in the other partition
        });
        List<IntegrityProblem> p = verify().problems;
        assertThat(p).extracting(IntegrityProblem::kind).containsExactly(Kind.INSERTED, Kind.INSERTED);
        assertThat(p.get(0).batchNo()).isEqualTo(1);
        assertThat(p.get(1).batchNo()).isNull();
        assertThat(p.get(1).detail()).contains("ids [60]");
    }

    @Test
    void changedOrRemovedLedgerRowsBreakTheChain() throws Exception {
        JdbcTemplate jdbc = new JdbcTemplate(f.dataSource);
        jdbc.update("update event_batches set event_count = 19 where batch_no = 2");
        jdbc.update("delete from event_batches where batch_no = 4");
        List<IntegrityProblem> p = verify().problems;
        assertThat(p)
                .extracting(IntegrityProblem::kind, IntegrityProblem::batchNo)
                .contains(
                        org.assertj.core.groups.Tuple.tuple(Kind.CHAIN_BROKEN, 2L),
                        org.assertj.core.groups.Tuple.tuple(Kind.LEDGER_GAP, 5L));
    }

    @Test
    void aRewrittenChainIsCaughtByAnEarlierVerificationsAnchor() throws Exception {
        JdbcLedger.Head anchor = f.ledger.head();
        JdbcTemplate jdbc = new JdbcTemplate(f.dataSource);
        jdbc.update("update event_batches set digest = sha256(digest) where batch_no = 5");
        jdbc.update("update event_chain set head_digest = (select digest from event_batches where batch_no = 5)");
        jdbc.update("update event_batches set digest = digest where batch_no = 5");
        List<IntegrityProblem> p = new Verifier(f.store).verify(null, null, List.of(anchor), b -> {}).problems;
        assertThat(p).extracting(IntegrityProblem::kind).contains(Kind.ANCHOR_MISMATCH);
    }

    @Test
    void aDeletedPartitionIsMissingButARetiredOneIsNot() throws Exception {
        f.store.close();
        Partition.deleteTree(f.dir.resolve("events/partitions/2025-06-02_r90"));
        f.open();
        List<IntegrityProblem> p = verify().problems;
        assertThat(p)
                .extracting(IntegrityProblem::kind, IntegrityProblem::batchNo)
                .containsExactly(
                        org.assertj.core.groups.Tuple.tuple(Kind.PARTITION_MISSING, 4L),
                        org.assertj.core.groups.Tuple.tuple(Kind.PARTITION_MISSING, 5L));

        // retention, on the other hand, records what it removes: the chain still verifies across the gap
        f.clock.advance(Duration.ofDays(91));
        new RetentionJob(f.store, f.dir.resolve("events/partitions"), f.clock, null).run();
        f.ingest(f.events("web", 5, "later"), true);
        f.store.checkpoint();
        Verifier.Result r = verify();
        assertThat(r.problems).isEmpty();
        assertThat(r.batchesRetired).isEqualTo(5);
        assertThat(r.batchesChecked).isEqualTo(1);
        assertThat(f.ledger.partitions())
                .extracting(JdbcLedger.PartitionRow::name, x -> x.retiredAt() != null)
                .contains(org.assertj.core.groups.Tuple.tuple("2025-06-01_r90", true));
    }

    @Test
    void aRangeVerificationChecksOnlyItsBatchesAndTheirLinks() throws Exception {
        Verifier.Result r = new Verifier(f.store)
                .verify(day2.get(0).receivedAt(), day2.get(0).receivedAt().plusSeconds(1), List.of(), b -> {});
        assertThat(r.problems).isEmpty();
        assertThat(r.firstBatch).isEqualTo(4);
        assertThat(r.batchesChecked).isEqualTo(2);
        assertThat(Map.of("events", r.eventsChecked)).containsEntry("events", 30L);
    }
}
