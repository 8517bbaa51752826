package dev.vigil.server.normalize;

import dev.vigil.engine.event.Event;
import dev.vigil.engine.event.EventLogsource;
import dev.vigil.engine.event.EventParseException;
import dev.vigil.engine.pipeline.Pipeline;
import dev.vigil.engine.pipeline.PipelineException;
import dev.vigil.engine.pipeline.Pipelines;
import java.time.DateTimeException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The last step before detection for one source: parsed fields → engine {@link Event} → the source's field-mapping
 * pipeline (a built-in engine pipeline by name, a YAML pipeline, or {@code auto}) → the source's logsource assignment
 * (product, category, service; merged with what the pipeline recognised, the source's product winning) → event time
 * ({@code @timestamp} when the pipeline found none) → {@link IngestedEvent}. Immutable and thread-safe; built when a
 * source is saved, so a broken pipeline is refused then, not on the first event.
 */
public final class Normalizer {
    private final String sourceName;
    private final String application;
    private final Pipeline pipeline;
    private final String product;
    private final String category;
    private final String service;

    /**
     * @param pipeline a built-in pipeline name, a YAML pipeline (text with a line break), or null for {@code auto}
     * @throws IllegalArgumentException when the pipeline is unknown or invalid
     */
    public Normalizer(
            String sourceName, String application, String pipeline, String product, String category, String service) {
        this(sourceName, application, pipeline(pipeline), product, category, service);
    }

    /** A normalizer with a pipeline object (a custom {@link Pipeline} implementation, e.g. in tests). */
    public static Normalizer withPipeline(
            String sourceName, String application, Pipeline pipeline, String product, String category, String service) {
        return new Normalizer(sourceName, application, pipeline, product, category, service);
    }

    private Normalizer(
            String sourceName, String application, Pipeline pipeline, String product, String category, String service) {
        this.sourceName = sourceName;
        this.application = application;
        this.pipeline = java.util.Objects.requireNonNull(pipeline, "pipeline");
        this.product = lower(product);
        this.category = lower(category);
        this.service = lower(service);
    }

    /** The field-mapping pipeline. */
    public Pipeline pipeline() {
        return pipeline;
    }

    /** The application the source names, or null. */
    public String application() {
        return application;
    }

    private static Pipeline pipeline(String spec) {
        try {
            if (spec == null || spec.isBlank()) {
                return Pipelines.auto();
            }
            if (spec.indexOf('\n') >= 0) {
                return Pipeline.fromYaml(spec);
            }
            return Pipelines.builtin(spec.strip());
        } catch (PipelineException e) {
            throw new IllegalArgumentException("pipeline: " + e.getMessage(), e);
        }
    }

    /**
     * @param senderApplication the application the record names itself (OTLP {@code service.name}), used when the
     *     source names none
     * @throws ParseException when the fields cannot form an event (nesting beyond the engine's limit)
     */
    public IngestedEvent normalize(Map<String, Object> fields, String raw, Instant receivedAt, String senderApplication)
            throws ParseException {
        Event event;
        try {
            event = pipeline.apply(Event.of(fields));
        } catch (EventParseException e) {
            throw new ParseException(e.reason());
        }
        if (event.has(ExerciseTag.FIELD)) {
            // only a replay sets the exercise mark (after normalising); a record cannot forge it
            event = event.withField(ExerciseTag.FIELD, "");
        }
        if (product != null || category != null || service != null) {
            event = event.withLogsource(merge(event.logsource()));
        }
        if (event.timestamp() == null && fields.get("@timestamp") instanceof String ts) {
            try {
                event = event.withTimestamp(Instant.parse(ts));
            } catch (DateTimeException e) {
                // not ISO-8601: the event has no event time; detection uses receivedAt
            }
        }
        return new IngestedEvent(
                sourceName, application != null ? application : senderApplication, receivedAt, raw, event);
    }

    private EventLogsource merge(EventLogsource found) {
        if (found == null || found.isUnknown()) {
            return EventLogsource.of(product, category, service);
        }
        List<String> categories = new ArrayList<>(found.categories());
        if (category != null && !categories.contains(category)) {
            categories.add(category);
        }
        List<String> services = new ArrayList<>(found.services());
        if (service != null && !services.contains(service)) {
            services.add(service);
        }
        return new EventLogsource(product != null ? product : found.product(), categories, services);
    }

    private static String lower(String s) {
        return s == null || s.isBlank() ? null : s.strip().toLowerCase(java.util.Locale.ROOT);
    }

    public String sourceName() {
        return sourceName;
    }
}
