package dev.vigil.engine;

import java.util.List;

/** Result of matching one batch: detections in event order (then rule order), and per-rule failures. */
public record MatchResult(List<Detection> detections, List<RuleFailure> errors) {
    public static final MatchResult EMPTY = new MatchResult(List.of(), List.of());

    public MatchResult {
        detections = List.copyOf(detections);
        errors = List.copyOf(errors);
    }
}
