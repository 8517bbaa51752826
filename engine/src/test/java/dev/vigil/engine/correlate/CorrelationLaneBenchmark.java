package dev.vigil.engine.correlate;

import dev.vigil.engine.RuleSet;
import dev.vigil.engine.event.Event;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.options.OptionsBuilder;

/**
 * JMH: the {@code correlation} lane (10,000 events, the lane's 2 detection and 4 correlation rules) matched and
 * correlated by a fresh engine per invocation; the score is events per second on one thread.
 *
 * <pre>
 * ./mvnw -q -pl engine -am test-compile -DskipTests
 * ./mvnw -q -o -pl engine dependency:build-classpath -Dmdep.outputFile=target/classpath.txt -Dmdep.includeScope=test
 * java -cp engine/target/test-classes:engine/target/classes:$(cat engine/target/classpath.txt) \
 *     dev.vigil.engine.correlate.CorrelationLaneBenchmark
 * </pre>
 *
 * {@code VIGIL_SHARED} (default {@code ../shared}) locates the lane.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 5, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class CorrelationLaneBenchmark {
    static final int EVENTS = 10_000;

    @Param({"1000"})
    public int batch;

    private List<Event> events;
    private RuleSet rules;
    private RuleSet baseOnly;

    @Setup
    public void setup() throws Exception {
        String env = System.getenv("VIGIL_SHARED");
        Path shared = Path.of(env == null || env.isBlank() ? "../shared" : env);
        events = CorrelationBench.readLane(shared.resolve("bench/lanes/correlation.ndjson"));
        if (events.size() != EVENTS) throw new IllegalStateException("expected " + EVENTS + " events");
        rules = CorrelationBench.rules(shared.resolve("bench/correlation-rules.yml"));
        String yaml = java.nio.file.Files.readString(shared.resolve("bench/correlation-rules.yml"));
        String base = String.join("---", java.util.Arrays.copyOf(yaml.split("---"), 2));
        baseOnly = Harness.compile(base);
    }

    /** Detection and correlation: the lane as {@code ./vigil bench} would run it. */
    @Benchmark
    @OperationsPerInvocation(EVENTS)
    public int correlationLane() {
        return CorrelationBench.run(rules, events, batch, CorrelationOptions.defaults())
                .firings()
                .size();
    }

    /** The same events with the two detection rules only: what correlation adds is the difference. */
    @Benchmark
    @OperationsPerInvocation(EVENTS)
    public int detectionOnly() {
        return CorrelationBench.run(baseOnly, events, batch, CorrelationOptions.defaults())
                .baseDetections();
    }

    public static void main(String[] args) throws Exception {
        new Runner(new OptionsBuilder()
                        .include(CorrelationLaneBenchmark.class.getSimpleName())
                        .build())
                .run();
    }
}
