package dev.vigil.engine.index;

import java.util.Arrays;

/**
 * A compact, immutable trie over {@code char}s in compressed-sparse-row form: the children of state {@code s} are
 * {@code chars[start[s] .. start[s+1])} (ascending) leading to {@code next[...]}. States are numbered in
 * breadth-first order (root 0), so every state's depth is at least that of the states before it — which the
 * Aho–Corasick automaton relies on for its dense rows.
 *
 * <p>Built from sorted keys in one pass (no per-node maps), so a field with a hundred thousand literal characters
 * builds in milliseconds and costs about 10 bytes per state.
 */
final class Trie {
    final int size;
    final int[] start;
    final char[] chars;
    final int[] next;
    final int[] depth;
    /** For each key (in the order given), its terminal state. */
    final int[] terminal;

    private Trie(int size, int[] start, char[] chars, int[] next, int[] depth, int[] terminal) {
        this.size = size;
        this.start = start;
        this.chars = chars;
        this.next = next;
        this.depth = depth;
        this.terminal = terminal;
    }

    /** The child of {@code s} by {@code c}, or -1. */
    int child(int s, char c) {
        int lo = start[s];
        int hi = start[s + 1] - 1;
        if (hi - lo < 8) {
            for (int k = lo; k <= hi; k++) {
                char x = chars[k];
                if (x == c) return next[k];
                if (x > c) return -1;
            }
            return -1;
        }
        while (lo <= hi) {
            int mid = (lo + hi) >>> 1;
            char x = chars[mid];
            if (x < c) lo = mid + 1;
            else if (x > c) hi = mid - 1;
            else return next[mid];
        }
        return -1;
    }

    /** Builds the trie of the keys (duplicates share their terminal state). */
    static Trie build(String[] keys) {
        Integer[] order = new Integer[keys.length];
        for (int i = 0; i < order.length; i++) order[i] = i;
        Arrays.sort(order, (a, b) -> keys[a].compareTo(keys[b]));
        int total = 1;
        for (String k : keys) total += k.length();
        // pass 1: depth-first construction from sorted keys; edges in creation order
        int[] eParent = new int[total];
        char[] eChar = new char[total];
        int[] eChild = new int[total];
        int edges = 0;
        int states = 1;
        int[] path = new int[16];
        path[0] = 0;
        String prev = "";
        int[] dfsTerminal = new int[keys.length];
        for (int idx : order) {
            String k = keys[idx];
            int lcp = 0;
            int max = Math.min(prev.length(), k.length());
            while (lcp < max && prev.charAt(lcp) == k.charAt(lcp)) lcp++;
            if (path.length < k.length() + 1) path = Arrays.copyOf(path, Math.max(k.length() + 1, path.length * 2));
            for (int d = lcp; d < k.length(); d++) {
                int child = states++;
                eParent[edges] = path[d];
                eChar[edges] = k.charAt(d);
                eChild[edges] = child;
                edges++;
                path[d + 1] = child;
            }
            dfsTerminal[idx] = path[k.length()];
            prev = k;
        }
        // pass 2: CSR by parent (children stay in ascending char order: keys were sorted)
        int[] count = new int[states + 1];
        for (int e = 0; e < edges; e++) count[eParent[e] + 1]++;
        for (int s = 0; s < states; s++) count[s + 1] += count[s];
        int[] fill = Arrays.copyOf(count, states);
        char[] cChars = new char[edges];
        int[] cNext = new int[edges];
        for (int e = 0; e < edges; e++) {
            int p = fill[eParent[e]]++;
            cChars[p] = eChar[e];
            cNext[p] = eChild[e];
        }
        // pass 3: renumber breadth-first
        int[] bfs = new int[states];
        int[] newId = new int[states];
        int head = 0;
        int tail = 0;
        bfs[tail++] = 0;
        newId[0] = 0;
        while (head < tail) {
            int s = bfs[head++];
            for (int k = count[s]; k < count[s + 1]; k++) {
                newId[cNext[k]] = tail;
                bfs[tail++] = cNext[k];
            }
        }
        int[] start = new int[states + 1];
        char[] chars = new char[edges];
        int[] next = new int[edges];
        int[] depth = new int[states];
        int p = 0;
        for (int ns = 0; ns < states; ns++) {
            int old = bfs[ns];
            start[ns] = p;
            for (int k = count[old]; k < count[old + 1]; k++) {
                chars[p] = cChars[k];
                int child = newId[cNext[k]];
                next[p] = child;
                depth[child] = depth[ns] + 1;
                p++;
            }
        }
        start[states] = p;
        int[] terminal = new int[keys.length];
        for (int i = 0; i < keys.length; i++) terminal[i] = newId[dfsTerminal[i]];
        return new Trie(states, start, chars, next, depth, terminal);
    }
}
