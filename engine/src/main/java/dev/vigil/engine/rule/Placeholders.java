package dev.vigil.engine.rule;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.snakeyaml.engine.v2.api.Load;
import org.snakeyaml.engine.v2.api.LoadSettings;

/**
 * Values for Sigma placeholders ({@code %name%} in values with the {@code expand} modifier). The file format is a
 * YAML map from placeholder name (with or without the surrounding {@code %}) to a value or a list of values. Each
 * value is a Sigma string: {@code *} and {@code ?} are wildcards and {@code \} escapes them, exactly as in rules. A
 * value list expands to OR-linked alternatives. A placeholder without a value makes the rule refused.
 */
public final class Placeholders {
    public static final Placeholders NONE = new Placeholders(Map.of(), null);

    private final Map<String, List<String>> values;
    private final String origin;

    private Placeholders(Map<String, List<String>> values, String origin) {
        this.values = values;
        this.origin = origin;
    }

    /** From a map name → values ({@code %} around names optional). */
    public static Placeholders of(Map<String, ? extends List<String>> map) {
        Map<String, List<String>> m = new LinkedHashMap<>();
        map.forEach((k, v) -> m.put(strip(k), List.copyOf(v)));
        return new Placeholders(Collections.unmodifiableMap(m), "map");
    }

    /** Reads a placeholder file (see the class comment). */
    public static Placeholders load(Path file) throws IOException {
        String text = Files.readString(file);
        return parse(text, file.toString());
    }

    /** Parses placeholder YAML; {@code origin} names it in errors. */
    public static Placeholders parse(String yaml, String origin) {
        Object doc;
        try {
            doc = new Load(LoadSettings.builder().setAllowDuplicateKeys(false).build()).loadFromString(yaml);
        } catch (RuntimeException e) {
            throw new IllegalArgumentException(origin + ": not valid YAML: " + e.getMessage(), e);
        }
        if (doc == null) return new Placeholders(Map.of(), origin);
        if (!(doc instanceof Map<?, ?> map)) {
            throw new IllegalArgumentException(origin + ": a placeholder file is a YAML map of name: [values]");
        }
        Map<String, List<String>> m = new LinkedHashMap<>();
        for (Map.Entry<?, ?> e : map.entrySet()) {
            String name = strip(String.valueOf(e.getKey()));
            List<String> vals = new ArrayList<>();
            Object v = e.getValue();
            if (v instanceof List<?> list) {
                for (Object o : list) {
                    if (o == null || o instanceof Map || o instanceof List) {
                        throw new IllegalArgumentException(
                                origin + ": placeholder " + name + " must list plain values (strings or numbers)");
                    }
                    vals.add(String.valueOf(o));
                }
            } else if (v != null && !(v instanceof Map)) {
                vals.add(String.valueOf(v));
            } else {
                throw new IllegalArgumentException(
                        origin + ": placeholder " + name + " needs a value or a list of values");
            }
            if (vals.isEmpty()) {
                throw new IllegalArgumentException(origin + ": placeholder " + name + " has an empty value list");
            }
            m.put(name, List.copyOf(vals));
        }
        return new Placeholders(Collections.unmodifiableMap(m), origin);
    }

    private static String strip(String k) {
        return k.length() >= 2 && k.startsWith("%") && k.endsWith("%") ? k.substring(1, k.length() - 1) : k;
    }

    /** The values of a placeholder, or null when it is not defined. */
    public List<String> get(String name) {
        return values.get(name);
    }

    public Map<String, List<String>> asMap() {
        return values;
    }

    /** Where the values came from (file name), or null. */
    public String origin() {
        return origin;
    }

    public boolean isEmpty() {
        return values.isEmpty();
    }
}
