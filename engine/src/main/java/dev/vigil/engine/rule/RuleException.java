package dev.vigil.engine.rule;

/**
 * Why a rule cannot be loaded: a specific reason and the YAML path of the offending element. Thrown by the parser
 * and the value/modifier interpreter; the loader turns it into a {@link dev.vigil.engine.Refusal}.
 */
public final class RuleException extends Exception {
    private final String yamlPath;
    private final String reason;

    public RuleException(String yamlPath, String reason) {
        super((yamlPath == null || yamlPath.isEmpty() ? "" : yamlPath + ": ") + reason, null, false, false);
        this.yamlPath = yamlPath == null ? "" : yamlPath;
        this.reason = reason;
    }

    public String yamlPath() {
        return yamlPath;
    }

    public String reason() {
        return reason;
    }
}
