package dev.vigil.engine.index;

import java.util.Arrays;

/** An open-addressing {@code long → int} map for index building (no boxing, a hash that mixes all 64 bits). */
final class LongIntMap {
    private long[] keys;
    private int[] values;
    private boolean[] used;
    private int size;
    private int mask;

    LongIntMap(int expected) {
        int cap = Integer.highestOneBit(Math.max(16, expected * 2) - 1) << 1;
        keys = new long[cap];
        values = new int[cap];
        used = new boolean[cap];
        mask = cap - 1;
    }

    static int mix(long key) {
        long h = key * 0x9E3779B97F4A7C15L;
        h ^= h >>> 29;
        h *= 0xBF58476D1CE4E5B9L;
        return (int) (h ^ (h >>> 32));
    }

    /** The value, or {@code missing}. */
    int get(long key, int missing) {
        for (int i = mix(key) & mask; used[i]; i = (i + 1) & mask) if (keys[i] == key) return values[i];
        return missing;
    }

    /** Adds {@code delta} to the value (absent counts as 0). */
    void add(long key, int delta) {
        int i = mix(key) & mask;
        for (; used[i]; i = (i + 1) & mask) {
            if (keys[i] == key) {
                values[i] += delta;
                return;
            }
        }
        used[i] = true;
        keys[i] = key;
        values[i] = delta;
        if (++size * 2 > keys.length) grow();
    }

    private void grow() {
        long[] k = keys;
        int[] v = values;
        boolean[] u = used;
        keys = new long[k.length * 2];
        values = new int[k.length * 2];
        used = new boolean[k.length * 2];
        mask = keys.length - 1;
        for (int j = 0; j < k.length; j++) {
            if (!u[j]) continue;
            int i = mix(k[j]) & mask;
            while (used[i]) i = (i + 1) & mask;
            used[i] = true;
            keys[i] = k[j];
            values[i] = v[j];
        }
    }

    int size() {
        return size;
    }

    @Override
    public String toString() {
        return "LongIntMap" + Arrays.toString(Arrays.copyOf(keys, 0));
    }
}
