package dev.vigil.server.detection;

/** Compiles {@link RuleEvaluator}s (retro-hunts). */
public interface RuleEvaluators {

    /**
     * @throws IllegalArgumentException when nothing in the selection compiles (the reasons are in the message), or a
     *     stored rule does not exist
     */
    RuleEvaluator compile(RuleSelection selection);
}
