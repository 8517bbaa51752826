package dev.vigil.engine.pipeline;

import dev.vigil.engine.event.Event;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The built-in pipelines:
 *
 * <ul>
 *   <li>{@code windows-evtx}: evtx_dump JSON as written by Chainsaw/Hayabusa/evtx_dump ({@code Event.System.*},
 *       {@code Event.EventData.*}, attributes joined with {@code _}: {@code Provider_Name});
 *   <li>{@code winlogbeat-ecs}: Winlogbeat/Elastic Agent ({@code winlog.event_data.*}, {@code winlog.channel},
 *       {@code winlog.event_id});
 *   <li>{@code nxlog}: NXLog-style flat JSON ({@code SourceName}, {@code Hostname}, {@code Channel}, {@code
 *       EventID});
 *   <li>{@code flat}: events whose fields already carry Sigma names; {@code product}/{@code category}/{@code
 *       service} fields decide the logsource, else a Windows {@code Channel}/{@code EventID} does;
 *   <li>{@code auto} (the default): recognises the shape per event and applies one of the above;
 *   <li>{@code none}: no normalisation at all (events are matched as they are, logsource unknown).
 * </ul>
 *
 * All Windows pipelines share one logsource table ({@code windows.yml}): channels → services, Sysmon/Security/
 * PowerShell/Defender EventIDs → categories, with the field aliases those sources need.
 */
public final class Pipelines {
    private static final String BASE = "/dev/vigil/engine/pipeline/";
    private static final List<String> NAMES =
            List.of("auto", "windows-evtx", "winlogbeat-ecs", "nxlog", "flat", "none");
    private static final Map<String, Pipeline> CACHE = new ConcurrentHashMap<>();

    private Pipelines() {}

    /** Names of the built-in pipelines. */
    public static List<String> names() {
        return NAMES;
    }

    /** A built-in pipeline by name. */
    public static Pipeline builtin(String name) {
        Pipeline p = CACHE.get(name);
        if (p != null) return p;
        p = switch (name) {
            case "auto" -> new AutoPipeline(yaml("windows-evtx"), yaml("winlogbeat-ecs"), yaml("nxlog"), yaml("flat"));
            case "none" -> NONE;
            case "windows-evtx", "winlogbeat-ecs", "nxlog", "flat" -> yaml(name);
            default ->
                throw new PipelineException(
                        "unknown pipeline '" + name + "' (built-in: " + String.join(", ", NAMES) + ")");
        };
        CACHE.putIfAbsent(name, p);
        return CACHE.get(name);
    }

    /** {@code auto}. */
    public static Pipeline auto() {
        return builtin("auto");
    }

    /** A built-in name, or a YAML file path. */
    public static Pipeline resolve(String nameOrFile) throws java.io.IOException {
        if (NAMES.contains(nameOrFile)) return builtin(nameOrFile);
        Path p = Path.of(nameOrFile);
        if (Files.isRegularFile(p)) return Pipeline.fromYaml(p);
        throw new PipelineException("'" + nameOrFile + "' is neither a built-in pipeline (" + String.join(", ", NAMES)
                + ") nor a readable file");
    }

    private static YamlPipeline yaml(String name) {
        Pipeline cached = CACHE.get(name);
        if (cached instanceof YamlPipeline y) return y;
        String text = YamlPipeline.readResource(BASE + name + ".yml");
        if (text == null) throw new PipelineException("built-in pipeline " + name + " is missing from the jar");
        YamlPipeline y = YamlPipeline.parse(text, name + ".yml");
        CACHE.putIfAbsent(name, y);
        return y;
    }

    static YamlPipeline fragment(String name) {
        String text = YamlPipeline.readResource(BASE + name + ".yml");
        if (text == null) throw new PipelineException("unknown pipeline fragment '" + name + "'");
        return YamlPipeline.parse(text, name + ".yml");
    }

    private static final Pipeline NONE = new Pipeline() {
        @Override
        public String name() {
            return "none";
        }

        @Override
        public Event apply(Event event) {
            return event;
        }
    };
}
