package dev.vigil.engine;

/**
 * A rule (or filter, or correlation rule) that was not loaded, and why. Every refusal names the file, the rule id
 * (or {@code "-"} when the document has none), the YAML path of the offending element (e.g. {@code
 * detection.selection.CommandLine|re}) and a specific reason. A refused rule is never half-loaded.
 */
public record Refusal(String file, String ruleId, String yamlPath, String reason) {

    @Override
    public String toString() {
        return file + " [" + ruleId + "] " + (yamlPath == null || yamlPath.isEmpty() ? "" : yamlPath + ": ") + reason;
    }
}
