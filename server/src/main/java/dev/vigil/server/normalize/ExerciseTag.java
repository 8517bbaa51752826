package dev.vigil.server.normalize;

import dev.vigil.engine.event.Event;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * How an event, an alert and an incident are marked as part of an exercise (a replay of an attack through intake,
 * issue 10) rather than production: by the <em>source name</em> they carry.
 *
 * <p>A replayed event is stored and evaluated under the source {@code exercise-<exercise id>.<original source>} (for
 * example {@code exercise-0b0e…c1.shop-web}); its alerts keep that source, a correlation alert made only of exercise
 * events gets {@code exercise-<id>.correlation}, and an incident opened from an exercise alert has the source
 * ({@code Incident.source}) {@code exercise-<id>}. The database derives an {@code exercise_id} column from these names
 * (generated columns, {@code V10_004}), which is what production figures filter on. Real log sources cannot be named
 * {@code exercise-…} ({@code LogSource.checkName}), so the mark cannot be forged by a shipper. The normalised event
 * also carries the field {@value #FIELD} (the exercise id), so exercise events are searchable and recognisable inside
 * correlations.
 *
 * <p>This lives in {@code normalize}, the module every stage (events, detection, alerts, incidents, on-call) already
 * sees, so the convention is defined once.
 */
public final class ExerciseTag {
    /** The prefix of every exercise source name; refused for configured sources. */
    public static final String PREFIX = "exercise-";
    /** The event field naming the exercise a replayed event belongs to. */
    public static final String FIELD = "vigil.exercise";
    /** The prefix page titles of exercise incidents carry. */
    public static final String PAGE_MARKER = "[EXERCISE] ";

    private static final Pattern EVENT_SOURCE =
            Pattern.compile("exercise-([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})\\.(.+)");
    private static final Pattern INCIDENT_SOURCE =
            Pattern.compile("exercise-([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})");

    private ExerciseTag() {}

    /** The source name replayed events of {@code original} are stored and evaluated under. */
    public static String eventSource(UUID exercise, String original) {
        return PREFIX + exercise + "." + original;
    }

    /** The {@code Incident.source} of an incident opened from an exercise alert. */
    public static String incidentSource(UUID exercise) {
        return PREFIX + exercise;
    }

    /** The exercise of an event or alert source name, or null for production. */
    public static UUID exerciseOf(String source) {
        if (source == null || !source.startsWith(PREFIX)) {
            return null;
        }
        Matcher m = EVENT_SOURCE.matcher(source);
        if (m.matches()) {
            return UUID.fromString(m.group(1));
        }
        m = INCIDENT_SOURCE.matcher(source);
        return m.matches() ? UUID.fromString(m.group(1)) : null;
    }

    /** The original source of an exercise source name ({@code source} itself for production sources). */
    public static String originalSource(String source) {
        if (source == null || !source.startsWith(PREFIX)) {
            return source;
        }
        Matcher m = EVENT_SOURCE.matcher(source);
        return m.matches() ? m.group(2) : source;
    }

    public static boolean isExercise(String source) {
        return exerciseOf(source) != null;
    }

    /**
     * The exercise an event is marked with ({@value #FIELD}, a UUID), or null for production (absent, not text, or not
     * a UUID).
     */
    public static UUID exerciseOf(Event e) {
        if (e == null || !(e.get(FIELD) instanceof String s) || s.length() != 36) {
            return null;
        }
        try {
            return UUID.fromString(s);
        } catch (IllegalArgumentException ex) {
            return null;
        }
    }

    /**
     * The correlation partition of an event ({@code CorrelationOptions.withPartition}): the exercise it is marked with
     * ({@value #FIELD}), or null — the default partition — for production. The server's live engine, its retro-hunts
     * and {@code vigil scan} all partition with this function, so a correlation only ever combines events of one
     * exercise, or only production events.
     */
    public static String correlationPartition(Event e) {
        UUID exercise = exerciseOf(e);
        return exercise == null ? null : exercise.toString();
    }

    /** The exercise of a correlation partition ({@link #correlationPartition}), or null for the default one. */
    public static UUID exerciseOfPartition(String partition) {
        if (partition == null || partition.length() != 36) {
            return null;
        }
        try {
            return UUID.fromString(partition);
        } catch (IllegalArgumentException e) {
            return null;
        }
    }
}
