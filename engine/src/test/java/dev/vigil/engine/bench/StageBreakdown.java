package dev.vigil.engine.bench;

import dev.vigil.engine.CompileOptions;
import dev.vigil.engine.Engine;
import dev.vigil.engine.EngineOptions;
import dev.vigil.engine.LoaderOptions;
import dev.vigil.engine.RuleLoader;
import dev.vigil.engine.RuleSet;
import dev.vigil.engine.compile.EvalContext;
import dev.vigil.engine.compile.Route;
import dev.vigil.engine.event.Event;
import dev.vigil.engine.index.Scratch;
import dev.vigil.engine.pipeline.Pipeline;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Where the time of one event goes, stage by stage (a development tool, not a test): for each lane, the same loop as
 * {@code vigil bench} (batches of {@link LaneBench#DEFAULT_BATCH} parsed events; {@code -Dbatch=N} for others) is run stopping after each stage — parse; + pipeline; + field
 * binding and routing; + candidate index (collect and candidates); + evaluating every candidate in full; the engine
 * itself ({@code Engine.match}: decided rules and residual trees, detections). Per stage the best of ten runs of
 * five passes over the lane, in nanoseconds per event of the thread's CPU time; the differences are the stages' cost.
 *
 * <pre>
 * ./mvnw -q -pl engine -am test-compile -DskipTests
 * ./mvnw -q -o -pl engine dependency:build-classpath -Dmdep.outputFile=target/classpath.txt -Dmdep.includeScope=test
 * java -cp engine/target/test-classes:engine/target/classes:$(cat engine/target/classpath.txt) \
 *     dev.vigil.engine.bench.StageBreakdown ../shared/sigma/rules ../shared/bench/lanes/cisco_syslog.ndjson ...
 * </pre>
 */
public final class StageBreakdown {
    private static final ThreadMXBean CPU = ManagementFactory.getThreadMXBean();
    private static final String[] STAGES = {"parse", "+pipeline", "+bind/route", "+index", "+eval", "engine.match"};
    private static final int BATCH = Integer.getInteger("batch", LaneBench.DEFAULT_BATCH);
    private static final int PASSES = 5;

    private StageBreakdown() {}

    public static void main(String[] args) throws Exception {
        if (args.length < 2) {
            System.err.println("usage: StageBreakdown RULES LANE.ndjson...");
            System.exit(2);
        }
        RuleSet rs = RuleSet.compile(
                RuleLoader.create(LoaderOptions.defaults()).load(List.of(Path.of(args[0]))), CompileOptions.defaults());
        Pipeline pipe = EngineOptions.defaults().pipeline();
        System.out.printf(
                Locale.ROOT,
                "%d rules, %d decided by the index, %d with a residual tree%n",
                rs.size(),
                rs.index().decidedRules(),
                rs.index().residualRules());
        for (int a = 1; a < args.length; a++) {
            List<byte[]> lines = LaneBench.readLines(Path.of(args[a]));
            Engine engine = Engine.create(rs, EngineOptions.defaults());
            long[] best = new long[STAGES.length];
            java.util.Arrays.fill(best, Long.MAX_VALUE);
            for (int run = 0; run < 12; run++) {
                for (int stage = 0; stage < STAGES.length; stage++) {
                    long t = run(stage, rs, engine, pipe, lines);
                    if (run >= 2) best[stage] = Math.min(best[stage], t);
                }
            }
            double n = lines.size() * (double) PASSES;
            StringBuilder sb = new StringBuilder(Path.of(args[a]).getFileName().toString());
            double prev = 0;
            for (int s = 0; s < STAGES.length; s++) {
                double ns = best[s] / n;
                sb.append(String.format(Locale.ROOT, "  %s %.0f ns (%+.0f)", STAGES[s], ns, ns - prev));
                prev = ns;
            }
            System.out.println(sb);
        }
    }

    private static long sink;

    private static long run(int stage, RuleSet rs, Engine engine, Pipeline pipe, List<byte[]> lines) {
        EvalContext ctx = new EvalContext(rs.fields());
        Scratch sc = rs.index().newScratch(true);
        List<Event> batch = new ArrayList<>(BATCH);
        long t0 = CPU.getCurrentThreadCpuTime();
        for (int r = 0; r < PASSES; r++) {
            for (byte[] line : lines) {
                batch.add(Event.parseJson(line, 0, line.length));
                if (batch.size() == BATCH) {
                    sink += stage(stage, rs, engine, pipe, batch, ctx, sc);
                    batch.clear();
                }
            }
        }
        if (!batch.isEmpty()) sink += stage(stage, rs, engine, pipe, batch, ctx, sc);
        return CPU.getCurrentThreadCpuTime() - t0;
    }

    private static long stage(
            int stage, RuleSet rs, Engine engine, Pipeline pipe, List<Event> batch, EvalContext ctx, Scratch sc) {
        if (stage == 0) return batch.size();
        if (stage == STAGES.length - 1) return engine.match(batch).detections().size();
        long x = 0;
        for (Event raw : batch) {
            Event e = pipe.apply(raw);
            if (stage == 1) {
                x += e.size();
                continue;
            }
            ctx.bind(e);
            Route route = rs.router().routeOf(e.logsource());
            if (stage == 2) {
                x += route.rules().length;
                continue;
            }
            rs.index().collect(ctx, route, sc);
            int count = rs.index().candidates(route, sc);
            if (stage == 3) {
                x += count;
                continue;
            }
            int[] c = sc.candidates();
            for (int k = 0; k < count; k++) if (rs.rule(c[k]).matches(ctx)) x++;
        }
        return x;
    }
}
