package dev.vigil.server.cli;

import dev.vigil.engine.LoaderOptions;
import dev.vigil.engine.bench.LaneBench;
import dev.vigil.engine.index.CandidateIndex;
import dev.vigil.engine.pipeline.Pipeline;
import dev.vigil.engine.pipeline.Pipelines;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.stream.Stream;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code vigil bench}: the detection benchmark over the deterministic event lanes (the shape of the public Sigma
 * engine benchmark): per lane, events, detections, rule-load seconds, eval seconds, events per second net of the
 * load (median of {@code --runs}), the share of loaded rules evaluated per event (p50/p95) and, in the same run, the
 * parse-only throughput of the lane. One thread. Offline: no Spring, no server.
 *
 * <p>Exit status: 0; 2 on usage errors (missing rules or lanes).
 */
@Command(
        name = "bench",
        mixinStandardHelpOptions = true,
        description = "Benchmark detection over NDJSON event lanes (one thread, median of runs, net of rule load).")
public final class BenchCommand implements Callable<Integer> {
    @Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Option(
            names = "--rules",
            required = true,
            paramLabel = "PATH",
            description = "Rule file, directory or .zip (repeatable).")
    List<Path> rules;

    @Option(
            names = "--lanes",
            paramLabel = "DIR",
            description =
                    "Directory of *.ndjson lanes (default: $VIGIL_SHARED/bench/lanes, else ../shared/bench/lanes).")
    Path lanes;

    @Option(
            names = "--lane",
            paramLabel = "NAME",
            description = "Only this lane (file name without .ndjson; repeatable). Default: every lane in --lanes.")
    List<String> only;

    @Option(names = "--placeholders", paramLabel = "FILE", description = "Values for %%placeholders%% (YAML).")
    Path placeholders;

    @Option(
            names = "--pipeline",
            paramLabel = "NAME|FILE",
            defaultValue = "auto",
            description = "Event pipeline (default auto).")
    String pipeline;

    @Option(
            names = "--repeat",
            defaultValue = "10",
            paramLabel = "N",
            description = "Process each lane N times per run (default 10).")
    int repeat;

    @Option(names = "--runs", defaultValue = "3", paramLabel = "N", description = "Measured runs; medians (default 3).")
    int runs;

    @Option(
            names = "--warmup",
            defaultValue = "3",
            paramLabel = "N",
            description = "Unreported runs first, so the JIT has compiled and settled the hot paths (default 3).")
    int warmups;

    @Option(
            names = "--batch",
            defaultValue = "" + LaneBench.DEFAULT_BATCH,
            paramLabel = "N",
            description = "Events parsed, then matched as one batch (default ${DEFAULT-VALUE}).")
    int batch;

    @Option(names = "--no-index", description = "Evaluate every routed rule (the naive reference path).")
    boolean noIndex;

    @Option(
            names = "--no-memo",
            description = "Scan every value in the candidate index (no per-thread memo of recently seen values).")
    boolean noMemo;

    @Option(
            names = "--no-decide",
            description = "Evaluate every candidate rule in full (no rules decided by the index, no residual trees).")
    boolean noDecide;

    @Option(names = "--no-routing", description = "Evaluate regardless of logsource.")
    boolean noRouting;

    @Option(names = "--format", defaultValue = "table", paramLabel = "FORMAT", description = "table (default) or tsv.")
    String format;

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        String fmt = format.toLowerCase(Locale.ROOT);
        if (!fmt.equals("table") && !fmt.equals("tsv")) return usage(err, "unknown format '" + format + "'");
        for (Path r : rules) if (!Files.exists(r)) return usage(err, "rules " + r + ": no such file or directory");
        Path dir = lanes != null ? lanes : defaultLanes();
        if (!Files.isDirectory(dir)) return usage(err, "lanes " + dir + ": not a directory (use --lanes DIR)");
        List<Path> files = lanes(dir);
        if (files.isEmpty()) return usage(err, "no lanes (*.ndjson) in " + dir);
        LoaderOptions lo = LoaderOptions.defaults();
        if (placeholders != null) lo = lo.withPlaceholderFile(placeholders);
        Pipeline pipe;
        try {
            pipe = Pipelines.resolve(pipeline);
        } catch (Exception e) {
            return usage(err, e.getMessage());
        }
        LaneBench.Options o;
        try {
            o = new LaneBench.Options(
                    rules, lo, pipe, repeat, runs, warmups, !noIndex, !noRouting, !noMemo, !noDecide, batch);
        } catch (IllegalArgumentException e) {
            return usage(err, e.getMessage());
        }
        header(out, fmt, dir);
        for (Path f : files) {
            LaneBench.Result r = LaneBench.run(f, o);
            row(out, fmt, r);
            out.flush();
        }
        return 0;
    }

    private int usage(PrintWriter err, String msg) {
        err.println("vigil bench: " + msg);
        err.flush();
        return 2;
    }

    static Path defaultLanes() {
        String env = System.getenv("VIGIL_SHARED");
        Path shared = env != null && !env.isBlank() ? Path.of(env) : Path.of("..", "shared");
        return shared.resolve("bench").resolve("lanes");
    }

    private List<Path> lanes(Path dir) throws IOException {
        List<Path> out = new ArrayList<>();
        try (Stream<Path> s = Files.list(dir)) {
            for (Path p : s.sorted().toList()) {
                String n = p.getFileName().toString();
                if (!n.endsWith(".ndjson")) continue;
                String lane = n.substring(0, n.length() - ".ndjson".length());
                if (only != null && !only.isEmpty()) {
                    if (only.contains(lane)) out.add(p);
                } else if (!lane.equals("correlation")) {
                    // the correlation lane is meant for its own rule file (bench/correlation-rules.yml)
                    out.add(p);
                }
            }
        }
        return out;
    }

    private void header(PrintWriter out, String fmt, Path dir) {
        String settings = String.format(
                Locale.ROOT,
                "# vigil bench: rules %s, lanes %s, repeat %d, runs %d (median), warm-up runs %d, batch %d, routing %s,"
                        + " index %s, value memo %s, decide %s, simd prefilter %s, 1 thread, Java %s, %d CPUs, load"
                        + " average %s",
                rules,
                dir,
                repeat,
                runs,
                warmups,
                batch,
                noRouting ? "off" : "on",
                noIndex ? "off" : "on",
                noMemo ? "off" : "on",
                noDecide ? "off" : "on",
                CandidateIndex.simdPrefilter() ? "on" : "off",
                Runtime.version(),
                Runtime.getRuntime().availableProcessors(),
                loadAverage());
        out.println(settings);
        if (fmt.equals("tsv")) {
            out.println(
                    "lane\tevents\tmatches\trules\tload_s\teval_s\tevents_per_s\tparse_only_per_s\tdetect_parse_ratio"
                            + "\tcandidates_p50\tcandidates_p95");
        } else {
            out.printf(
                    Locale.ROOT,
                    "%-20s %9s %9s %6s %7s %8s %12s %12s %6s %9s %9s%n",
                    "lane",
                    "events",
                    "matches",
                    "rules",
                    "load s",
                    "eval s",
                    "events/s",
                    "parse-only/s",
                    "ratio",
                    "cand p50",
                    "cand p95");
        }
    }

    private static void row(PrintWriter out, String fmt, LaneBench.Result r) {
        if (fmt.equals("tsv")) {
            out.printf(
                    Locale.ROOT,
                    "%s\t%d\t%d\t%d\t%.3f\t%.3f\t%.0f\t%.0f\t%.2f\t%.4f\t%.4f%n",
                    r.lane(),
                    r.events(),
                    r.matches(),
                    r.rules(),
                    r.loadSeconds(),
                    r.evalSeconds(),
                    r.eventsPerSecond(),
                    r.parseOnlyPerSecond(),
                    r.detectionToParse(),
                    r.candidateP50(),
                    r.candidateP95());
        } else {
            out.printf(
                    Locale.ROOT,
                    "%-20s %,9d %,9d %,6d %7.2f %8.3f %,12.0f %,12.0f %6.2f %8.2f%% %8.2f%%%n",
                    r.lane(),
                    r.events(),
                    r.matches(),
                    r.rules(),
                    r.loadSeconds(),
                    r.evalSeconds(),
                    r.eventsPerSecond(),
                    r.parseOnlyPerSecond(),
                    r.detectionToParse(),
                    100 * r.candidateP50(),
                    100 * r.candidateP95());
        }
        if (r.malformed() > 0)
            out.printf(Locale.ROOT, "#   %s: %,d malformed lines skipped%n", r.lane(), r.malformed());
    }

    private static String loadAverage() {
        try {
            String s = Files.readString(Path.of("/proc/loadavg")).trim();
            String[] parts = s.split("\\s+");
            return parts.length >= 3 ? parts[0] + " " + parts[1] + " " + parts[2] : s;
        } catch (IOException | RuntimeException e) {
            return "n/a";
        }
    }
}
