package dev.vigil.engine.correlate;

import java.util.Arrays;
import java.util.List;

/**
 * The values of a correlation rule's {@code group-by} fields for one group, in {@code group-by} order (empty for a
 * rule without {@code group-by}: one global group), and the {@linkplain CorrelationOptions#partition() partition}
 * the group belongs to ({@code ""}, the default partition, unless a partition function is configured). Two keys with
 * the same values in different partitions are different groups. Immutable; hash precomputed.
 */
public final class GroupKey {
    /** The one group of a rule without {@code group-by}, in the default partition. */
    public static final GroupKey GLOBAL = new GroupKey(new String[0], "");

    private final String[] values;
    private final String partition;
    private final int hash;

    private GroupKey(String[] values, String partition) {
        this.values = values;
        this.partition = partition;
        // "" hashes to 0: keys of the default partition hash as they did before partitions existed
        this.hash = Arrays.hashCode(values) + 31 * partition.hashCode();
    }

    /** A key of these values (none null). */
    public static GroupKey of(String... values) {
        if (values.length == 0) return GLOBAL;
        for (String v : values) {
            if (v == null) throw new IllegalArgumentException("group key values must not be null");
        }
        return new GroupKey(values.clone(), "");
    }

    static GroupKey wrap(String[] values) {
        return values.length == 0 ? GLOBAL : new GroupKey(values, "");
    }

    /** This key in another partition ({@code null} or {@code ""}: the default partition). */
    public GroupKey inPartition(String partition) {
        String p = partition == null ? "" : partition;
        return p.equals(this.partition) ? this : new GroupKey(values, p);
    }

    /** The partition of this group: {@code ""} for the default partition. */
    public String partition() {
        return partition;
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
        return o instanceof GroupKey k
                && k.hash == hash
                && Arrays.equals(k.values, values)
                && k.partition.equals(partition);
    }

    @Override
    public int hashCode() {
        return hash;
    }

    @Override
    public String toString() {
        return partition.isEmpty() ? Arrays.toString(values) : partition + ":" + Arrays.toString(values);
    }
}
