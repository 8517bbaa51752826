package dev.vigil.engine.bench;

import dev.vigil.engine.Engine;
import dev.vigil.engine.RuleSet;
import dev.vigil.engine.compile.EvalContext;
import dev.vigil.engine.compile.Route;
import dev.vigil.engine.event.Event;
import dev.vigil.engine.event.EventParseException;
import dev.vigil.engine.index.Scratch;
import dev.vigil.engine.pipeline.Pipeline;
import dev.vigil.engine.pipeline.Pipelines;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
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
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.Blackhole;

/**
 * JMH: the matcher and the candidate index over the four rsigma lanes with the full SigmaHQ {@code rules/} corpus,
 * one thread. Scores are events per second ({@link OperationsPerInvocation} is the lane's 10,000 events).
 *
 * <ul>
 *   <li>{@code match}: pre-parsed events through {@link Engine#match} (pipeline, routing, index, evaluation);
 *       {@code indexed=false} is the naive path (every routed rule evaluated).
 *   <li>{@code candidates}: the index alone (bind, collect, candidate list), no rule evaluation.
 *   <li>{@code parse}: JSON parse and flatten alone, the ceiling the matcher is compared with.
 * </ul>
 *
 * <pre>
 * ./mvnw -q -pl engine -am test-compile -DskipTests
 * ./mvnw -q -o -pl engine dependency:build-classpath -Dmdep.outputFile=target/classpath.txt -Dmdep.includeScope=test
 * java -Xmx256m -cp engine/target/test-classes:engine/target/classes:$(cat engine/target/classpath.txt) \
 *     org.openjdk.jmh.Main DetectionBenchmark -p lane=raw_windows -p indexed=true
 * </pre>
 *
 * {@code VIGIL_SHARED} (default {@code ../shared}) locates the corpus and the lanes.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 3)
@Measurement(iterations = 5, time = 3)
@Fork(value = 1, jvmArgsAppend = "-Xmx256m")
public class DetectionBenchmark {
    static final int EVENTS = 10_000;

    @Param({"structured_windows", "raw_windows", "cisco_syslog", "sysmon_file_event"})
    public String lane;

    @Param({"true", "false"})
    public boolean indexed;

    private List<byte[]> lines;
    private List<List<Event>> batches;
    private List<Event> events;
    private Engine engine;
    private RuleSet rules;
    private EvalContext ctx;
    private Scratch scratch;
    private Pipeline pipeline;

    @Setup(Level.Trial)
    public void setup() throws Exception {
        String env = System.getenv("VIGIL_SHARED");
        Path shared = Path.of(env == null || env.isBlank() ? "../shared" : env);
        lines = LaneBench.readLines(shared.resolve("bench/lanes/" + lane + ".ndjson"));
        if (lines.size() != EVENTS) throw new IllegalStateException("expected " + EVENTS + " events in " + lane);
        pipeline = Pipelines.resolve("auto");
        LaneBench.Options o = new LaneBench.Options(
                List.of(shared.resolve("sigma/rules")),
                dev.vigil.engine.LoaderOptions.defaults(),
                pipeline,
                1,
                1,
                0,
                indexed,
                true,
                true,
                true,
                LaneBench.DEFAULT_BATCH);
        rules = LaneBench.load(o);
        engine = Engine.create(rules, o.engine());
        events = new ArrayList<>(EVENTS);
        for (byte[] l : lines) {
            try {
                events.add(Event.parseJson(l, 0, l.length));
            } catch (EventParseException e) {
                throw new IllegalStateException(e);
            }
        }
        batches = new ArrayList<>();
        for (int i = 0; i < events.size(); i += 512) {
            batches.add(events.subList(i, Math.min(events.size(), i + 512)));
        }
        ctx = new EvalContext(rules.fields());
        scratch = rules.index().newScratch();
    }

    /** Pre-parsed events matched in batches of 512: the detection path without JSON parsing. */
    @Benchmark
    @OperationsPerInvocation(EVENTS)
    public long match() {
        long n = 0;
        for (List<Event> b : batches) n += engine.match(b).detections().size();
        return n;
    }

    /** The candidate index alone: pipeline, bind, route, collect and list candidates; no rule is evaluated. */
    @Benchmark
    @OperationsPerInvocation(EVENTS)
    public long candidates() {
        long n = 0;
        for (Event raw : events) {
            Event e = pipeline.apply(raw);
            ctx.bind(e);
            Route route = rules.router().routeOf(e.logsource());
            if (indexed) {
                rules.index().collect(ctx, route, scratch);
                n += rules.index().candidates(route, scratch);
            } else {
                n += route.rules().length;
            }
        }
        return n;
    }

    /** JSON parse and flatten alone (no pipeline, no rules). */
    @Benchmark
    @OperationsPerInvocation(EVENTS)
    public void parse(Blackhole bh) throws EventParseException {
        for (byte[] l : lines) bh.consume(Event.parseJson(l, 0, l.length));
    }
}
