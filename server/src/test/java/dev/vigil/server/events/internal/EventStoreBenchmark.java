package dev.vigil.server.events.internal;

import dev.vigil.server.ingest.DurableJournal;
import dev.vigil.server.normalize.IngestedEvent;
import dev.vigil.server.normalize.LogParser;
import dev.vigil.server.normalize.Normalizer;
import dev.vigil.server.normalize.ParserKind;
import dev.vigil.server.normalize.ParserSpec;
import dev.vigil.server.normalize.Parsers;
import java.io.BufferedReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.options.OptionsBuilder;

/**
 * JMH: the event store's own cost per event, without HTTP and detection: a batch of 1,000 normalised events (the
 * {@code structured_windows} lane through the JSON parser and {@code auto} pipeline) is appended (canonical encoding,
 * write-ahead log, group commit with fsync) and indexed (Lucene documents). Commits and sealing run on the store's
 * timer (every 5 s) as in the server. Score: events per second, per thread ({@code -t 2} for two threads).
 *
 * <pre>
 * ./mvnw -q -o -pl server -am test-compile -DskipTests -Dspotless.check.skip=true
 * ./mvnw -q -o -pl server dependency:build-classpath -Dmdep.outputFile=target/classpath.txt -Dmdep.includeScope=test
 * java -cp server/target/test-classes:server/target/classes:engine/target/classes:$(cat server/target/classpath.txt) \
 *     dev.vigil.server.events.internal.EventStoreBenchmark
 * </pre>
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 5)
@Measurement(iterations = 5, time = 5)
@Fork(
        value = 1,
        jvmArgs = {"-Xmx2g"})
public class EventStoreBenchmark {
    static final int BATCH = 1000;

    @Param({"false", "true"})
    boolean bestCompression;

    StoreFixture fixture;
    List<List<IngestedEvent>> batches;
    final AtomicInteger next = new AtomicInteger();

    @Setup(Level.Trial)
    public void setup() throws Exception {
        Path lane = lane();
        LogParser json = Parsers.create(ParserSpec.of(ParserKind.JSON));
        Normalizer normalizer = new Normalizer("bench", "bench-app", null, null, null, null);
        List<IngestedEvent> all = new ArrayList<>();
        try (BufferedReader r = Files.newBufferedReader(lane, StandardCharsets.UTF_8)) {
            String line;
            while ((line = r.readLine()) != null) {
                all.add(normalizer.normalize(json.parse(line, Instant.now()), line, Instant.now(), null));
            }
        }
        batches = new ArrayList<>();
        for (int i = 0; i + BATCH <= all.size(); i += BATCH) {
            batches.add(all.subList(i, i + BATCH));
        }
        fixture = new StoreFixture();
        fixture.open(java.time.Duration.ofSeconds(5), bestCompression);
    }

    static Path lane() {
        String shared = System.getenv("VIGIL_SHARED");
        Path root = shared != null ? Path.of(shared) : Path.of("../shared").toAbsolutePath();
        if (!Files.exists(root)) {
            root = Path.of("../../shared").toAbsolutePath();
        }
        return root.resolve("bench/lanes/structured_windows.ndjson").normalize();
    }

    @TearDown(Level.Trial)
    public void tearDown() throws Exception {
        System.out.printf(
                "%n[store] %d partitions, %d index bytes, %d events: %.1f bytes/event%n",
                fixture.store.status().partitions().size(),
                fixture.store.status().indexBytes(),
                fixture.store.status().events(),
                (double) fixture.store.status().indexBytes()
                        / Math.max(1, fixture.store.status().events()));
        fixture.close();
    }

    @Benchmark
    @OperationsPerInvocation(BATCH)
    public long appendAndIndex() throws Exception {
        List<IngestedEvent> batch = batches.get(Math.floorMod(next.getAndIncrement(), batches.size()));
        DurableJournal.Entry e = fixture.store.append(batch);
        e.durable().get(30, TimeUnit.SECONDS);
        e.index();
        e.evaluated();
        return e.events().get(0).id();
    }

    public static void main(String[] args) throws Exception {
        new Runner(new OptionsBuilder()
                        .include(EventStoreBenchmark.class.getSimpleName())
                        .build())
                .run();
    }
}
