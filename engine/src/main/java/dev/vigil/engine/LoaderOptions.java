package dev.vigil.engine;

import dev.vigil.engine.rule.Placeholders;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * How {@link RuleLoader} reads rules.
 *
 * @param placeholders values for {@code %placeholders%} (rules using {@code expand} with an undefined placeholder
 *     are refused)
 * @param maxFileBytes largest rule file (or zip entry) read; larger ones are refused
 * @param maxZipEntries most entries read from one zip archive (a guard against zip bombs)
 */
public record LoaderOptions(Placeholders placeholders, long maxFileBytes, int maxZipEntries) {
    public static final long DEFAULT_MAX_FILE_BYTES = 4L * 1024 * 1024;
    public static final int DEFAULT_MAX_ZIP_ENTRIES = 100_000;

    public LoaderOptions {
        placeholders = placeholders == null ? Placeholders.NONE : placeholders;
    }

    public static LoaderOptions defaults() {
        return new LoaderOptions(Placeholders.NONE, DEFAULT_MAX_FILE_BYTES, DEFAULT_MAX_ZIP_ENTRIES);
    }

    /** These options with placeholder values read from a YAML file (see {@link Placeholders}). */
    public LoaderOptions withPlaceholderFile(Path file) throws IOException {
        return new LoaderOptions(Placeholders.load(file), maxFileBytes, maxZipEntries);
    }

    /** These options with placeholder values from a map (name → values). */
    public LoaderOptions withPlaceholders(Map<String, ? extends List<String>> values) {
        return new LoaderOptions(Placeholders.of(values), maxFileBytes, maxZipEntries);
    }
}
