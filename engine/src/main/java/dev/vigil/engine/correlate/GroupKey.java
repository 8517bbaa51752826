package dev.vigil.engine.correlate;

import java.util.Arrays;
import java.util.List;

/**
 * The values of a correlation rule's {@code group-by} fields for one group, in {@code group-by} order (empty for a
 * rule without {@code group-by}: one global group). Immutable; hash precomputed.
 */
public final class GroupKey {
    /** The one group of a rule without {@code group-by}. */
    public static final GroupKey GLOBAL = new GroupKey(new String[0]);

    private final String[] values;
    private final int hash;

    private GroupKey(String[] values) {
        this.values = values;
        this.hash = Arrays.hashCode(values);
    }

    /** A key of these values (none null). */
    public static GroupKey of(String... values) {
        if (values.length == 0) return GLOBAL;
        for (String v : values) {
            if (v == null) throw new IllegalArgumentException("group key values must not be null");
        }
        return new GroupKey(values.clone());
    }

    static GroupKey wrap(String[] values) {
        return values.length == 0 ? GLOBAL : new GroupKey(values);
    }

    public int size() {
        return values.length;
    }

    public String value(int i) {
        return values[i];
    }

    public List<String> values() {
        return List.of(values);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof GroupKey k && k.hash == hash && Arrays.equals(k.values, values);
    }

    @Override
    public int hashCode() {
        return hash;
    }

    @Override
    public String toString() {
        return Arrays.toString(values);
    }
}
