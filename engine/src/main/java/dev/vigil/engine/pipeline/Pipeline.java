package dev.vigil.engine.pipeline;

import dev.vigil.engine.event.Event;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Normalises raw events for Sigma matching, in the spirit of pySigma processing pipelines but applied to events
 * instead of rules: renames fields to Sigma's names ({@code Event.EventData.Image} → {@code Image}), adds aliases
 * for log sources that name a field differently (Security 4688 {@code NewProcessName} → {@code Image}), determines
 * the event's Sigma logsources for routing (channel and EventID → {@code windows/process_creation}) and its time
 * field.
 *
 * <p>Applying a pipeline to an event it (or any pipeline) already normalised returns the event unchanged.
 * Implementations are immutable and thread-safe. The YAML format is documented in {@code docs/pipelines.md} and in
 * the built-in pipelines under {@code dev/vigil/engine/pipeline/}.
 */
public interface Pipeline {

    /** Name, e.g. {@code windows-evtx}. */
    String name();

    /** The normalised event. Never null; never throws for well-formed events. */
    Event apply(Event event);

    /** A pipeline from its YAML text (see the class comment). */
    static Pipeline fromYaml(String yaml) {
        return YamlPipeline.parse(yaml, "pipeline");
    }

    /** A pipeline from a YAML file. */
    static Pipeline fromYaml(Path file) throws IOException {
        return YamlPipeline.parse(Files.readString(file), file.toString());
    }
}
