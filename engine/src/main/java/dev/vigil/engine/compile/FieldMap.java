package dev.vigil.engine.compile;

import java.util.AbstractMap;
import java.util.AbstractSet;
import java.util.Arrays;
import java.util.Iterator;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Set;

/**
 * A small immutable map that keeps insertion order, backed by one array: what a detection's matched fields are
 * (usually one to four entries). Creating a {@code LinkedHashMap} and then an unmodifiable copy of it cost more per
 * detection than matching the rule; this costs one array. Lookups are linear, which for a handful of entries is
 * faster than hashing. Equality, hash code and {@code toString} are those of {@link Map}.
 */
public final class FieldMap extends AbstractMap<String, Object> {
    private static final Object[] NONE = new Object[0];
    public static final FieldMap EMPTY = new FieldMap(NONE, 0);

    private final Object[] kv;
    private final int size;

    private FieldMap(Object[] kv, int size) {
        this.kv = kv;
        this.size = size;
    }

    /** An immutable copy in the map's iteration order. */
    public static FieldMap copyOf(Map<String, ?> m) {
        if (m instanceof FieldMap f) return f;
        if (m.isEmpty()) return EMPTY;
        Object[] kv = new Object[m.size() * 2];
        int i = 0;
        for (Map.Entry<String, ?> e : m.entrySet()) {
            kv[i++] = e.getKey();
            kv[i++] = e.getValue();
        }
        return new FieldMap(kv, m.size());
    }

    @Override
    public int size() {
        return size;
    }

    @Override
    public Object get(Object key) {
        for (int i = 0; i < size * 2; i += 2) if (kv[i].equals(key)) return kv[i + 1];
        return null;
    }

    @Override
    public boolean containsKey(Object key) {
        for (int i = 0; i < size * 2; i += 2) if (kv[i].equals(key)) return true;
        return false;
    }

    @Override
    public Set<Entry<String, Object>> entrySet() {
        return new AbstractSet<>() {
            @Override
            public Iterator<Entry<String, Object>> iterator() {
                return new Iterator<>() {
                    int i;

                    @Override
                    public boolean hasNext() {
                        return i < size;
                    }

                    @Override
                    public Entry<String, Object> next() {
                        if (i >= size) throw new NoSuchElementException();
                        Entry<String, Object> e = new SimpleImmutableEntry<>((String) kv[2 * i], kv[2 * i + 1]);
                        i++;
                        return e;
                    }
                };
            }

            @Override
            public int size() {
                return size;
            }
        };
    }

    /** Collects entries for a {@link FieldMap}; the first value put for a key wins ({@link #putIfAbsent}). */
    static final class Builder extends AbstractMap<String, Object> {
        private Object[] kv = new Object[8];
        private int size;

        @Override
        public Object putIfAbsent(String key, Object value) {
            for (int i = 0; i < size * 2; i += 2) if (kv[i].equals(key)) return kv[i + 1];
            if (size * 2 == kv.length) kv = Arrays.copyOf(kv, kv.length * 2);
            kv[size * 2] = key;
            kv[size * 2 + 1] = value;
            size++;
            return null;
        }

        @Override
        public Object put(String key, Object value) {
            for (int i = 0; i < size * 2; i += 2) {
                if (kv[i].equals(key)) {
                    Object old = kv[i + 1];
                    kv[i + 1] = value;
                    return old;
                }
            }
            putIfAbsent(key, value);
            return null;
        }

        @Override
        public Set<Entry<String, Object>> entrySet() {
            return build().entrySet();
        }

        FieldMap build() {
            return size == 0 ? EMPTY : new FieldMap(kv.length == size * 2 ? kv : Arrays.copyOf(kv, size * 2), size);
        }
    }
}
