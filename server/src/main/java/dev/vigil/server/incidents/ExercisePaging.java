package dev.vigil.server.incidents;

import java.util.UUID;

/**
 * Whether incidents opened by an exercise's replay page the on-call team (issue 10). Implemented by governance (the
 * exercise's "page the on-call team" option); without an implementation exercises page nobody. Pages of exercise
 * incidents carry the {@code [EXERCISE]} marker ({@code ExerciseTag.PAGE_MARKER}) and are left out of the paging
 * figures (after hours, escalations).
 */
public interface ExercisePaging {
    boolean pagesOnCall(UUID exercise);
}
