package dev.vigil.server.alerts;

import java.time.Instant;

/**
 * Filters for listing alerts; null means "any". Results are newest first.
 *
 * @param minLevel at least this level
 * @param ruleId exactly this rule
 * @param source exactly this log source
 * @param application exactly this application
 * @param tag alerts carrying this tag (e.g. {@code attack.t1110} or {@code attack.credential-access})
 * @param entity alerts with an entity value equal to this (any entity kind: user, host, IP, ...)
 * @param from created at or after
 * @param to created before
 * @param page zero-based page
 * @param size page size (1..500)
 * @param exercises production alerts, exercise alerts (raised by a replay exercise, {@link Alert#exerciseId()}) or
 *     both
 */
public record AlertQuery(
        AlertLevel minLevel,
        String ruleId,
        String source,
        String application,
        String tag,
        String entity,
        Instant from,
        Instant to,
        int page,
        int size,
        Exercises exercises) {

    public static final int MAX_SIZE = 500;

    /** Which alerts a list shows with respect to replay exercises. */
    public enum Exercises {
        /** Production alerts only (what an analyst on shift wants; the default of the list API and page). */
        EXCLUDE,
        /** Exercise alerts only. */
        ONLY,
        /** Both. */
        ALL;

        public String id() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }

        /** {@code exclude}, {@code only} or {@code all} (case-insensitive). */
        public static Exercises parse(String value) {
            for (Exercises e : values()) {
                if (e.id().equalsIgnoreCase(value == null ? "" : value.strip())) {
                    return e;
                }
            }
            throw new IllegalArgumentException("unknown exercise filter '" + value + "' (exclude, only or all)");
        }

        /**
         * The filter of a list request: {@code value} when given, else {@link #EXCLUDE} (production only), except
         * that a {@code source} filter naming an exercise source ({@code exercise-<id>.<source>}) asks for that
         * exercise's alerts and so defaults to {@link #ALL}.
         */
        public static Exercises requested(String value, String source) {
            if (value != null && !value.isBlank()) {
                return parse(value);
            }
            return dev.vigil.server.normalize.ExerciseTag.isExercise(source) ? ALL : EXCLUDE;
        }
    }

    /** A query over production and exercise alerts alike ({@link Exercises#ALL}). */
    public AlertQuery(
            AlertLevel minLevel,
            String ruleId,
            String source,
            String application,
            String tag,
            String entity,
            Instant from,
            Instant to,
            int page,
            int size) {
        this(minLevel, ruleId, source, application, tag, entity, from, to, page, size, Exercises.ALL);
    }

    public AlertQuery {
        if (exercises == null) {
            exercises = Exercises.ALL;
        }
        if (page < 0) {
            throw new IllegalArgumentException("page must be >= 0");
        }
        if (size < 1 || size > MAX_SIZE) {
            throw new IllegalArgumentException("size must be between 1 and " + MAX_SIZE);
        }
    }

    public static AlertQuery all(int size) {
        return new AlertQuery(null, null, null, null, null, null, null, null, 0, size);
    }
}
