package dev.vigil.server.detection;

import java.util.Objects;

/**
 * The text of one rule file to import.
 *
 * @param origin where it came from ({@code rules/windows/x.yml}, {@code sigma.zip!/rules/x.yml}); re-importing the same
 *     origin replaces the rules that file defined before
 * @param yaml the file's YAML (one or more documents)
 */
public record RuleFile(String origin, String yaml) {
    public RuleFile {
        Objects.requireNonNull(origin, "origin");
        Objects.requireNonNull(yaml, "yaml");
    }
}
