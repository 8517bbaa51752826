package dev.vigil.server.detection;

import java.util.List;

/** Which rules a {@link RuleEvaluator} runs (a retro-hunt's choice). */
public sealed interface RuleSelection {

    /** The rule set live detection runs now. */
    record Active() implements RuleSelection {}

    /** Stored rules by reference, enabled or not (with the enabled filters that apply to them). */
    record Stored(List<String> refs) implements RuleSelection {
        public Stored {
            if (refs == null || refs.isEmpty()) {
                throw new IllegalArgumentException("name at least one stored rule");
            }
            refs = List.copyOf(refs);
        }
    }

    /**
     * Rules in an uploaded Sigma YAML document (not stored; with the enabled filters that apply to them). A rule with
     * the id of a stored rule replaces it: this is how a new version is tried before it is imported.
     */
    record Uploaded(String yaml) implements RuleSelection {
        public Uploaded {
            if (yaml == null || yaml.isBlank()) {
                throw new IllegalArgumentException("the uploaded rule is empty");
            }
        }
    }
}
