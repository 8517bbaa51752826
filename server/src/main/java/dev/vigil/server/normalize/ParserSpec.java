package dev.vigil.server.normalize;

import java.util.Map;
import java.util.Objects;

/**
 * A parser as a log source configures it: the kind and its options ({@code pattern} for {@code regex};
 * {@code pair-separator}, {@code value-separator} for {@code kv}; {@code timezone} for {@code syslog}).
 */
public record ParserSpec(ParserKind kind, Map<String, String> options) {
    public ParserSpec {
        Objects.requireNonNull(kind, "kind");
        options = options == null ? Map.of() : Map.copyOf(options);
    }

    public static ParserSpec of(ParserKind kind) {
        return new ParserSpec(kind, Map.of());
    }

    public String option(String name, String fallback) {
        return options.getOrDefault(name, fallback);
    }
}
