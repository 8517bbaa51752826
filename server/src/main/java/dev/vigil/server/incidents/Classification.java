package dev.vigil.server.incidents;

/**
 * An incident classification in the organisation's taxonomy (by default the Reference Security Incident Taxonomy,
 * RSIT v1003): a class (e.g. {@code intrusions}) and one of its types (e.g. {@code application-compromise}).
 */
public record Classification(String classKey, String typeKey) {
    public Classification {
        if (classKey == null || classKey.isBlank() || typeKey == null || typeKey.isBlank()) {
            throw new IllegalArgumentException("a classification needs a class and a type");
        }
        classKey = classKey.strip();
        typeKey = typeKey.strip();
    }

    /** Parses {@code class/type}. */
    public static Classification parse(String value) {
        int slash = value == null ? -1 : value.indexOf('/');
        if (slash < 0) {
            throw new IllegalArgumentException(
                    "classification must be 'class/type', e.g. 'intrusions/system-compromise'");
        }
        return new Classification(value.substring(0, slash), value.substring(slash + 1));
    }

    public static final Classification UNDETERMINED = new Classification("other", "undetermined");

    @Override
    public String toString() {
        return classKey + "/" + typeKey;
    }
}
