package dev.vigil.server.cli;

import dev.vigil.engine.CompileOptions;
import dev.vigil.engine.Detection;
import dev.vigil.engine.Engine;
import dev.vigil.engine.EngineOptions;
import dev.vigil.engine.LoaderOptions;
import dev.vigil.engine.MatchResult;
import dev.vigil.engine.Refusal;
import dev.vigil.engine.RuleFailure;
import dev.vigil.engine.RuleLoader;
import dev.vigil.engine.RuleSet;
import dev.vigil.engine.correlate.CorrelationOptions;
import dev.vigil.engine.correlate.CorrelationStats;
import dev.vigil.engine.correlate.KillChainConfig;
import dev.vigil.engine.event.Event;
import dev.vigil.engine.event.EventParseException;
import dev.vigil.engine.event.EventReader;
import dev.vigil.engine.pipeline.Pipeline;
import dev.vigil.engine.pipeline.Pipelines;
import dev.vigil.server.normalize.ExerciseTag;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.stream.Stream;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code vigil scan}: matches log files against Sigma rules offline (no server, no Spring) and prints one detection
 * per line. Inputs are NDJSON, JSON documents or arrays, concatenated JSON, {@code .gz} of those, or directories of
 * them ({@code -} reads standard input). A malformed record is counted, reported with its line and skipped; the scan
 * continues. The summary (events, failures, rules, detections by level, events/s) goes to standard error, with a
 * progress bar only when standard error is a terminal.
 *
 * <p>Correlation rules in the rule set (and kill-chain scoring with {@code --kill-chain}) are evaluated over all
 * inputs together in event-time order (so within each input too, whatever its line order): detections are held
 * back and released at the end, and the firings are written after the input's detections, with source {@code
 * correlation}.
 *
 * <p>Correlation is partitioned by exercise exactly as in the server ({@link ExerciseTag#correlationPartition}): events
 * marked with an exercise ({@code vigil.exercise}, as replays are — e.g. in an export of stored events) correlate
 * only with events of the same exercise, unmarked (production) events only with production. A firing of an exercise
 * gets the source the server gives its alert, {@code exercise-<id>.correlation}, and every detection of an exercise
 * says so ({@code exercise} in jsonl and csv, {@code [EXERCISE]} in the table).
 *
 * <p>Exit status: 0 when every input was read, 1 when an input could not be opened or read, 2 on usage errors or
 * when no rule loaded.
 */
@Command(
        name = "scan",
        mixinStandardHelpOptions = true,
        description = "Match log files (NDJSON/JSON, .gz, directories) against Sigma rules offline.")
public final class ScanCommand implements Callable<Integer> {
    static final int BATCH = 512;
    static final int MAX_REPORTED_FAILURES = 5;

    @Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Option(
            names = "--rules",
            required = true,
            paramLabel = "PATH",
            description = "Rule file, directory or .zip (repeatable).")
    List<Path> rules;

    @Option(names = "--placeholders", paramLabel = "FILE", description = "Values for %%placeholders%% (YAML).")
    Path placeholders;

    @Option(
            names = "--pipeline",
            paramLabel = "NAME|FILE",
            defaultValue = "auto",
            description =
                    "Event pipeline: auto (default), windows-evtx, winlogbeat-ecs, nxlog, flat, none, or a YAML file.")
    String pipeline;

    @Option(
            names = "--format",
            paramLabel = "FORMAT",
            defaultValue = "table",
            description = "table (default), csv or jsonl.")
    String format;

    @Option(names = "--no-routing", description = "Evaluate every rule on every event regardless of logsource.")
    boolean noRouting;

    @Option(names = "--with-event", description = "jsonl: include the matched event (after the pipeline).")
    boolean withEvent;

    @Option(
            names = "--kill-chain",
            description =
                    "Score kill-chain progression per host, user and application (defaults; see docs/correlation.md).")
    boolean killChain;

    @Option(
            names = "--kill-chain-config",
            paramLabel = "FILE",
            description = "Kill-chain configuration (YAML, implies --kill-chain).")
    Path killChainConfig;

    @Option(names = "--quiet", description = "No summary on standard error (failures still count in the exit status).")
    boolean quiet;

    @Parameters(arity = "1..*", paramLabel = "INPUT", description = "Files, directories or - for standard input.")
    List<String> inputs;

    private final List<String> failureSamples = new ArrayList<>();
    private long eventsRead;
    private long eventsFailed;
    private long ruleFailures;
    private final Map<String, Long> byLevel = new LinkedHashMap<>();
    private long detections;
    private long exerciseDetections;
    private final Set<UUID> exercises = new java.util.TreeSet<>();
    private boolean inputErrors;

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        DetectionWriter writer;
        try {
            writer = DetectionWriter.of(format.toLowerCase(Locale.ROOT), out, withEvent);
        } catch (IllegalArgumentException e) {
            err.println("vigil scan: " + e.getMessage());
            err.flush();
            return 2;
        }
        Pipeline pipe;
        try {
            pipe = Pipelines.resolve(pipeline);
        } catch (Exception e) {
            err.println("vigil scan: " + e.getMessage());
            err.flush();
            return 2;
        }
        for (Path r : rules) {
            if (!Files.exists(r)) {
                err.println("vigil scan: rules " + r + ": no such file or directory");
                err.flush();
                return 2;
            }
        }
        LoaderOptions lo = LoaderOptions.defaults();
        if (placeholders != null) {
            try {
                lo = lo.withPlaceholderFile(placeholders);
            } catch (Exception e) {
                err.println("vigil scan: placeholder file " + placeholders + ": " + e.getMessage());
                err.flush();
                return 2;
            }
        }
        long loadStart = System.nanoTime();
        RuleSet set = RuleSet.compile(RuleLoader.create(lo).load(rules), CompileOptions.defaults());
        double loadSeconds = (System.nanoTime() - loadStart) / 1e9;
        if (set.isEmpty()) {
            err.println("vigil scan: no rule loaded from " + rules);
            for (Refusal r : set.refusals()) err.println("  refused " + Terminal.safe(r.toString()));
            err.flush();
            return 2;
        }
        List<Input> files = new ArrayList<>();
        for (String in : inputs) {
            if (!expand(in, files, err)) inputErrors = true;
        }
        if (files.isEmpty()) {
            err.println("vigil scan: no input files found in " + inputs);
            err.flush();
            return 2;
        }
        // partitioned by exercise like the server's engine: a drill's events never complete a production correlation
        CorrelationOptions correlation = CorrelationOptions.offline().withPartition(ExerciseTag::correlationPartition);
        if (killChain || killChainConfig != null) {
            try {
                correlation = correlation.withKillChain(
                        killChainConfig == null ? KillChainConfig.defaults() : KillChainConfig.load(killChainConfig));
            } catch (IOException | IllegalArgumentException e) {
                err.println("vigil scan: kill-chain config " + killChainConfig + ": " + e.getMessage());
                err.flush();
                return 2;
            }
        }
        Engine engine = Engine.create(
                set, EngineOptions.defaults().withRouting(!noRouting).withPipeline(pipe), correlation);
        Progress progress = new Progress(err, !quiet && Terminal.stderrIsTerminal(), files.size());
        writer.begin();
        long scanStart = System.nanoTime();
        for (int i = 0; i < files.size(); i++) {
            scan(files.get(i), i, engine, writer, progress);
        }
        write(engine.flush(), "correlation", null, writer);
        double scanSeconds = (System.nanoTime() - scanStart) / 1e9;
        writer.end();
        out.flush();
        progress.clear();
        if (!quiet) summary(err, set, loadSeconds, scanSeconds, files.size(), engine);
        err.flush();
        return inputErrors ? 1 : 0;
    }

    /** One input: a path, or standard input. */
    record Input(String name, Path path) {}

    private boolean expand(String in, List<Input> out, PrintWriter err) {
        if (in.equals("-")) {
            out.add(new Input("-", null));
            return true;
        }
        Path p = Path.of(in);
        if (!Files.exists(p)) {
            err.println("vigil scan: " + in + ": no such file or directory");
            return false;
        }
        if (!Files.isDirectory(p)) {
            out.add(new Input(in, p));
            return true;
        }
        try (Stream<Path> walk = Files.walk(p)) {
            walk.filter(Files::isRegularFile)
                    .filter(ScanCommand::isEventFile)
                    .sorted()
                    .forEach(f -> out.add(new Input(f.toString(), f)));
            return true;
        } catch (IOException | java.io.UncheckedIOException e) {
            err.println("vigil scan: " + in + ": " + e.getMessage());
            return false;
        }
    }

    static boolean isEventFile(Path f) {
        String n = f.getFileName().toString().toLowerCase(Locale.ROOT);
        if (n.startsWith(".")) return false;
        if (n.endsWith(".gz")) n = n.substring(0, n.length() - 3);
        return n.endsWith(".json") || n.endsWith(".ndjson") || n.endsWith(".jsonl");
    }

    private void scan(Input in, int fileIndex, Engine engine, DetectionWriter writer, Progress progress) {
        long size = -1;
        InputStream raw;
        try {
            if (in.path() == null) {
                raw = System.in;
            } else {
                size = Files.size(in.path());
                raw = Files.newInputStream(in.path());
            }
        } catch (IOException e) {
            noteInputError(in.name() + ": " + e.getMessage());
            return;
        }
        CountingInputStream counting = new CountingInputStream(raw);
        List<Event> batch = new ArrayList<>(BATCH);
        long[] lines = new long[BATCH];
        try (EventReader reader = EventReader.of(counting, in.name())) {
            while (true) {
                Event e;
                try {
                    e = reader.next();
                } catch (EventParseException ex) {
                    eventsFailed++;
                    if (failureSamples.size() < MAX_REPORTED_FAILURES) {
                        failureSamples.add(
                                in.name() + ":" + (ex.line() > 0 ? ex.line() : reader.line()) + ": " + ex.reason());
                    }
                    continue;
                }
                if (e == null) break;
                lines[batch.size()] = reader.line();
                batch.add(e);
                eventsRead++;
                if (batch.size() == BATCH) {
                    flush(batch, lines, in.name(), engine, writer);
                    progress.update(in.name(), fileIndex, eventsRead, counting.count(), size, detections);
                }
            }
        } catch (IOException e) {
            noteInputError(in.name() + ": " + e.getMessage());
        } finally {
            if (!batch.isEmpty()) flush(batch, lines, in.name(), engine, writer);
        }
        progress.update(in.name(), fileIndex, eventsRead, counting.count(), size, detections);
    }

    private void noteInputError(String msg) {
        inputErrors = true;
        if (failureSamples.size() < MAX_REPORTED_FAILURES) failureSamples.add(msg);
    }

    private void flush(List<Event> batch, long[] lines, String source, Engine engine, DetectionWriter writer) {
        MatchResult r = engine.match(batch);
        write(r, source, lines, writer);
        for (RuleFailure f : r.errors()) {
            ruleFailures++;
            if (failureSamples.size() < MAX_REPORTED_FAILURES) {
                failureSamples.add(
                        source + ":" + lines[f.eventIndex()] + ": rule " + f.ruleId() + " failed: " + f.message());
            }
        }
        batch.clear();
    }

    /**
     * Writes detections; correlation firings not tied to a line of this batch get source "correlation" (an
     * exercise's: {@code exercise-<id>.correlation}, as the server names its alerts), line 0.
     */
    private void write(MatchResult r, String source, long[] lines, DetectionWriter writer) {
        for (Detection d : r.detections()) {
            detections++;
            byLevel.merge(d.level() == null ? "unset" : d.level(), 1L, Long::sum);
            UUID exercise = exerciseOf(d);
            if (exercise != null) {
                exerciseDetections++;
                exercises.add(exercise);
            }
            if (lines != null && d.eventIndex() >= 0) writer.write(d, source, lines[d.eventIndex()], exercise);
            else
                writer.write(
                        d,
                        exercise == null ? "correlation" : ExerciseTag.eventSource(exercise, "correlation"),
                        0,
                        exercise);
        }
    }

    /**
     * The exercise of a detection: a correlation (or kill-chain) firing's partition — all its events are of that
     * exercise —, otherwise its event's {@code vigil.exercise} mark; null for production.
     */
    static UUID exerciseOf(Detection d) {
        return d.correlation() != null
                ? ExerciseTag.exerciseOfPartition(d.correlation().partition())
                : ExerciseTag.exerciseOf(d.event());
    }

    private void summary(
            PrintWriter err, RuleSet set, double loadSeconds, double scanSeconds, int files, Engine engine) {
        err.printf(
                Locale.ROOT,
                "events: %,d read from %d input%s, %,d failed%n",
                eventsRead,
                files,
                files == 1 ? "" : "s",
                eventsFailed);
        for (String f : failureSamples) err.println("  " + Terminal.safe(f));
        if (eventsFailed + (inputErrors ? 1 : 0) > failureSamples.size() && !failureSamples.isEmpty()) {
            err.println("  …");
        }
        err.printf(
                Locale.ROOT,
                "rules: %,d loaded, %,d refused (%.2f s)%n",
                set.size(),
                set.refusals().size(),
                loadSeconds);
        for (int i = 0; i < Math.min(MAX_REPORTED_FAILURES, set.refusals().size()); i++) {
            err.println("  refused " + Terminal.safe(set.refusals().get(i).toString()));
        }
        if (set.refusals().size() > MAX_REPORTED_FAILURES) err.println("  … (vigil rules check lists them all)");
        StringBuilder levels = new StringBuilder();
        for (String level : List.of("critical", "high", "medium", "low", "informational", "unset")) {
            Long n = byLevel.get(level);
            if (n != null)
                levels.append(levels.isEmpty() ? "" : ", ")
                        .append(level)
                        .append(' ')
                        .append(n);
        }
        err.printf(Locale.ROOT, "detections: %,d%s%n", detections, levels.isEmpty() ? "" : " (" + levels + ")");
        if (ruleFailures > 0) err.printf(Locale.ROOT, "rule failures: %,d%n", ruleFailures);
        if (exerciseDetections > 0) {
            err.printf(
                    Locale.ROOT,
                    "exercises: %,d detections of %,d exercise%s (correlated apart from production and each other)%n",
                    exerciseDetections,
                    exercises.size(),
                    exercises.size() == 1 ? "" : "s");
        }
        if (!set.correlationPlan().isEmpty() || killChain || killChainConfig != null) {
            CorrelationStats c = engine.correlationStats();
            err.printf(
                    Locale.ROOT,
                    "correlation: %,d rules, %,d firings, %,d kill-chain; %,d detections correlated, %,d late, "
                            + "%,d without group-by field, %,d groups evicted%n",
                    set.correlationPlan().size(),
                    c.firings(),
                    c.killChainFirings(),
                    c.processed(),
                    c.lateDetections(),
                    c.missingGroupBy(),
                    c.evictions());
            if (c.processingTimeFallbacks() > 0) {
                err.printf(
                        Locale.ROOT,
                        "  %,d detections had no event time: processing time was used for their windows%n",
                        c.processingTimeFallbacks());
            }
        }
        double rate = scanSeconds > 0 ? eventsRead / scanSeconds : 0;
        err.printf(
                Locale.ROOT,
                "throughput: %,.0f events/s (%.2f s, routing %s)%n",
                rate,
                scanSeconds,
                noRouting ? "off" : "on");
    }

    /** Counts bytes read from the raw file, for progress. */
    static final class CountingInputStream extends java.io.FilterInputStream {
        private long count;

        CountingInputStream(InputStream in) {
            super(in);
        }

        long count() {
            return count;
        }

        @Override
        public int read() throws IOException {
            int c = super.read();
            if (c >= 0) count++;
            return c;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            int n = super.read(b, off, len);
            if (n > 0) count += n;
            return n;
        }
    }
}
