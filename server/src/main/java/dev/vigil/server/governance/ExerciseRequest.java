package dev.vigil.server.governance;

import java.time.Instant;
import java.util.List;

/** Records an exercise that was held. */
public record ExerciseRequest(
        String title,
        String kind,
        String processKey,
        String scenario,
        Instant heldAt,
        List<String> participants,
        String summary) {}
