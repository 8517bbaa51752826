package dev.vigil.engine.compile;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Interned field names of one compiled rule set: each field a rule mentions gets a dense int id, so leaves test
 * {@code int}s, and an event is bound to the rule set once (one hash lookup per event field, not per rule).
 * Immutable once the rule set is built; ids are only meaningful within their rule set.
 */
public final class FieldTable {
    private final Map<String, Integer> ids;
    private final List<String> names;

    private FieldTable(Map<String, Integer> ids, List<String> names) {
        this.ids = ids;
        this.names = names;
    }

    /** The id of a field, or -1 when no rule mentions it. */
    public int id(String name) {
        Integer i = ids.get(name);
        return i == null ? -1 : i;
    }

    public String name(int id) {
        return names.get(id);
    }

    public int size() {
        return names.size();
    }

    public List<String> names() {
        return names;
    }

    /** Collects field names while rules compile. */
    public static final class Builder {
        private final Map<String, Integer> ids = new HashMap<>();
        private final List<String> names = new ArrayList<>();

        public int intern(String name) {
            Integer i = ids.get(name);
            if (i != null) return i;
            int id = names.size();
            ids.put(name, id);
            names.add(name);
            return id;
        }

        public FieldTable build() {
            return new FieldTable(Map.copyOf(ids), Collections.unmodifiableList(new ArrayList<>(names)));
        }
    }
}
