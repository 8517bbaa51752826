package dev.vigil.server.cli;

import dev.vigil.engine.CompileOptions;
import dev.vigil.engine.LoadResult;
import dev.vigil.engine.LoaderOptions;
import dev.vigil.engine.Refusal;
import dev.vigil.engine.RuleLoader;
import dev.vigil.engine.RuleSet;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import tools.jackson.core.JsonGenerator;
import tools.jackson.core.ObjectWriteContext;
import tools.jackson.core.json.JsonFactory;

/**
 * {@code vigil rules check}: loads and compiles rules exactly as {@code scan} and the server would, and reports what
 * loaded and every refusal with its reason. Offline; no Spring.
 *
 * <p>Exit status: 0, or 1 with {@code --strict} when anything was refused, 2 when a path does not exist or the
 * placeholder file is unusable.
 */
@Command(
        name = "check",
        mixinStandardHelpOptions = true,
        description = "Load Sigma rules (files, directories, .zip) and report loaded/refused rules with reasons.")
public final class RulesCheckCommand implements Callable<Integer> {
    @Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Parameters(arity = "1..*", paramLabel = "PATH", description = "Rule files, directories (recursive) or .zip files.")
    List<Path> paths;

    @Option(names = "--placeholders", paramLabel = "FILE", description = "Values for %%placeholders%% (YAML).")
    Path placeholders;

    @Option(names = "--json", description = "Print {\"loaded\":N,\"refused\":M,\"refusals\":[...]} instead of text.")
    boolean json;

    @Option(names = "--strict", description = "Exit 1 when any rule is refused.")
    boolean strict;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        for (Path p : paths) {
            if (!Files.exists(p)) {
                err.println("vigil rules check: " + p + ": no such file or directory");
                err.flush();
                return 2;
            }
        }
        LoaderOptions options = LoaderOptions.defaults();
        if (placeholders != null) {
            try {
                options = options.withPlaceholderFile(placeholders);
            } catch (Exception e) {
                err.println("vigil rules check: placeholder file " + placeholders + ": " + e.getMessage());
                err.flush();
                return 2;
            }
        }
        long start = System.nanoTime();
        LoadResult loaded = RuleLoader.create(options).load(paths);
        RuleSet set = RuleSet.compile(loaded, CompileOptions.defaults());
        double seconds = (System.nanoTime() - start) / 1e9;
        List<Refusal> refusals = set.refusals();
        int loadedCount = set.size() + set.correlations().size();
        if (json) {
            out.println(toJson(loadedCount, set, refusals));
        } else {
            out.printf(
                    "loaded: %d (%d detection rules, %d correlation rules, %d filters)%n",
                    loadedCount,
                    set.size(),
                    set.correlations().size(),
                    set.filters().size());
            out.printf("refused: %d%n", refusals.size());
            for (Refusal r : refusals) {
                out.println("  " + Terminal.safe(r.file()) + " [" + Terminal.safe(r.ruleId()) + "] "
                        + (r.yamlPath().isEmpty() ? "" : Terminal.safe(r.yamlPath()) + ": ")
                        + Terminal.safe(r.reason()));
            }
            err.printf("checked in %.2f s%n", seconds);
        }
        out.flush();
        err.flush();
        return strict && !refusals.isEmpty() ? 1 : 0;
    }

    static String toJson(int loaded, RuleSet set, List<Refusal> refusals) {
        StringWriter w = new StringWriter();
        try (JsonGenerator g = JsonFactory.builder().build().createGenerator(ObjectWriteContext.empty(), w)) {
            g.writeStartObject();
            g.writeNumberProperty("loaded", loaded);
            g.writeNumberProperty("refused", refusals.size());
            g.writeNumberProperty("rules", set.size());
            g.writeNumberProperty("correlations", set.correlations().size());
            g.writeNumberProperty("filters", set.filters().size());
            g.writeArrayPropertyStart("refusals");
            for (Refusal r : refusals) {
                g.writeStartObject();
                g.writeStringProperty("file", r.file());
                g.writeStringProperty("id", r.ruleId());
                g.writeStringProperty("path", r.yamlPath());
                g.writeStringProperty("reason", r.reason());
                g.writeEndObject();
            }
            g.writeEndArray();
            g.writeEndObject();
        }
        return w.toString();
    }
}
