package dev.vigil.engine;

import dev.vigil.engine.rule.Placeholders;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * How {@link RuleLoader} reads rules, and the limits that make a hostile rule file a refusal instead of a hang or a
 * crash. Every limit exceeded is one {@link Refusal} with file, line and column; the other files (and the documents
 * before the offending one) still load. The defaults are far above anything in the SigmaHQ rule sets (measured on
 * the 3,780 rule documents of SigmaHQ r2026: nesting depth 5, one document per file, no aliases, largest file
 * 295 KB, longest value 1,671 characters).
 *
 * @param placeholders values for {@code %placeholders%} (rules using {@code expand} with an undefined placeholder
 *     are refused)
 * @param maxFileBytes largest rule file (or zip entry) read; larger ones are refused. This also bounds the longest
 *     value: loading is linear in the file size, so a value of a few MB loads in milliseconds
 * @param maxZipEntries most entries read from one zip archive (a guard against zip bombs)
 * @param maxYamlDepth deepest nesting of YAML lists and maps in a document (the YAML composer recurses once per
 *     level: without a limit a 20,000-deep list costs a stack overflow)
 * @param maxAliasNodes most YAML nodes that aliases may expand to in one document (billion laughs); at most {@value
 *     GuardedYamlParser#MAX_COLLECTION_ALIASES} aliases to lists or maps are allowed in a document as well
 * @param maxDocuments most YAML documents read from one file; the rest of a larger file is refused
 */
public record LoaderOptions(
        Placeholders placeholders,
        long maxFileBytes,
        int maxZipEntries,
        int maxYamlDepth,
        int maxAliasNodes,
        int maxDocuments) {
    public static final long DEFAULT_MAX_FILE_BYTES = 4L * 1024 * 1024;
    public static final int DEFAULT_MAX_ZIP_ENTRIES = 100_000;
    public static final int DEFAULT_MAX_YAML_DEPTH = 64;
    public static final int DEFAULT_MAX_ALIAS_NODES = 10_000;
    public static final int DEFAULT_MAX_DOCUMENTS = 10_000;

    public LoaderOptions {
        placeholders = placeholders == null ? Placeholders.NONE : placeholders;
        if (maxFileBytes < 1 || maxZipEntries < 1 || maxYamlDepth < 1 || maxAliasNodes < 0 || maxDocuments < 1) {
            throw new IllegalArgumentException("loader limits must be positive");
        }
    }

    /** Options with the default YAML limits. */
    public LoaderOptions(Placeholders placeholders, long maxFileBytes, int maxZipEntries) {
        this(
                placeholders,
                maxFileBytes,
                maxZipEntries,
                DEFAULT_MAX_YAML_DEPTH,
                DEFAULT_MAX_ALIAS_NODES,
                DEFAULT_MAX_DOCUMENTS);
    }

    public static LoaderOptions defaults() {
        return new LoaderOptions(Placeholders.NONE, DEFAULT_MAX_FILE_BYTES, DEFAULT_MAX_ZIP_ENTRIES);
    }

    /** These options with placeholder values read from a YAML file (see {@link Placeholders}). */
    public LoaderOptions withPlaceholderFile(Path file) throws IOException {
        return withPlaceholders(Placeholders.load(file));
    }

    /** These options with placeholder values from a map (name → values). */
    public LoaderOptions withPlaceholders(Map<String, ? extends List<String>> values) {
        return withPlaceholders(Placeholders.of(values));
    }

    private LoaderOptions withPlaceholders(Placeholders p) {
        return new LoaderOptions(p, maxFileBytes, maxZipEntries, maxYamlDepth, maxAliasNodes, maxDocuments);
    }

    /** These options with other YAML limits (see the record's parameters). */
    public LoaderOptions withYamlLimits(int maxYamlDepth, int maxAliasNodes, int maxDocuments) {
        return new LoaderOptions(placeholders, maxFileBytes, maxZipEntries, maxYamlDepth, maxAliasNodes, maxDocuments);
    }
}
