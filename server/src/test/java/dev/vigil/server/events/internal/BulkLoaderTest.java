package dev.vigil.server.events.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.vigil.server.events.EventLoader;
import dev.vigil.server.events.EventQuery;
import dev.vigil.server.events.StoreStatus;
import dev.vigil.server.normalize.IngestedEvent;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * {@code vigil events load}'s path: batches loaded offline are durable, indexed in their day's partition, sealed into
 * the chain (verification clean after the server opens the store again) and marked evaluated (nothing is replayed
 * into detection); the store admits one process at a time.
 */
class BulkLoaderTest {
    StoreFixture f;

    @BeforeEach
    void setUp() throws Exception {
        f = new StoreFixture();
    }

    @AfterEach
    void tearDown() throws Exception {
        f.close();
    }

    @Test
    void loadedEventsAreStoredSealedAndVerifyCleanInTheServersStore() throws Exception {
        StoreStatus s;
        try (EventLoader loader = EventLoader.open(f.dir.resolve("events"), f.dataSource, 90, 2)) {
            for (int day = 0; day < 3; day++) {
                List<IngestedEvent> batch = new ArrayList<>(f.events("web", 700, "d" + day));
                loader.load(batch.subList(0, 400));
                loader.load(batch.subList(400, 700));
                f.clock.advance(Duration.ofDays(1)); // the fixture's events are received a day apart
            }
            s = loader.finish();
            assertThat(loader.loaded()).isEqualTo(2100);
        }
        assertThat(s.events()).isEqualTo(2100);
        assertThat(s.lastId()).isEqualTo(2100);
        assertThat(s.sealedThrough()).isEqualTo(2100);
        assertThat(s.evaluatedThrough()).isEqualTo(2100);
        assertThat(s.partitions()).hasSize(3);

        LuceneEventStore store = f.open(); // the server, after the load
        assertThat(store.unevaluated().hasNext())
                .as("nothing replayed into detection")
                .isFalse();
        assertThat(store.count(EventQuery.of("tag:d1"))).isEqualTo(700);
        Verifier.Result v = new Verifier(store).verify(null, null, List.of(), b -> {});
        assertThat(v.problems).isEmpty();
        assertThat(v.eventsChecked).isEqualTo(2100);
        assertThat(v.unsealed).isZero();
    }

    @Test
    void theStoreAdmitsOneProcessAtATime() throws Exception {
        f.open();
        assertThatThrownBy(() -> EventLoader.open(f.dir.resolve("events"), f.dataSource, 90, 1))
                .isInstanceOf(IOException.class)
                .hasMessageContaining("in use by another process");
        f.store.close();
        f.store = null;
        try (EventLoader loader = EventLoader.open(f.dir.resolve("events"), f.dataSource, 90, 1)) {
            loader.load(f.events("web", 10, "x"));
            assertThat(loader.finish().events()).isEqualTo(10);
        }
    }
}
