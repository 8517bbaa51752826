package dev.vigil.engine.correlate;

import dev.vigil.engine.Detection;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The window state of one group of one correlation rule (or of one kill-chain entity): the detections that are
 * still inside the window, kept in event-time order, and when the group last fired. Mutable; owned by the
 * correlator and persisted through a {@link StateStore} (serialised with {@link StateCodec}).
 *
 * <p>Each kind keeps only what its aggregate needs: {@code event_count} and {@code value_count} keep at most
 * {@code bound + 1} hits (enough to decide any comparison with thresholds up to {@code bound}); temporal types keep
 * the latest hit per referenced rule (all hits in the window, capped, for {@code temporal_ordered}); the numeric
 * aggregates keep every hit in the window up to {@code maxEntriesPerGroup}.
 */
public abstract sealed class GroupState
        permits GroupState.Count, GroupState.Distinct, GroupState.Temporal, GroupState.Numeric, KillChainState {

    /** Event time (epoch ms) of the last detection added. */
    long lastTime = Long.MIN_VALUE;
    /** Event time (epoch ms) of the last firing, or {@link Long#MIN_VALUE}. */
    long lastFired = Long.MIN_VALUE;

    /** Event time (epoch ms) of the group's last activity: the store expires groups idle for a whole window. */
    public final long lastTime() {
        return lastTime;
    }

    /** Event time (epoch ms) of the group's last firing, or {@link Long#MIN_VALUE}. */
    public final long lastFired() {
        return lastFired;
    }

    /** Drops hits older than {@code from} (epoch ms, inclusive bound: a hit at {@code from} stays). */
    abstract void expire(long from);

    /** Number of hits held. */
    abstract int held();

    /** The held hits in event-time order. */
    abstract List<Hit> hits();

    /** A detection in a window: its event time, arrival sequence and (for numeric types) its value. */
    record Hit(long time, long seq, Detection detection, double value) {
        /** True when this hit comes before {@code o} in (event time, arrival) order. */
        boolean before(Hit o) {
            return time < o.time || (time == o.time && seq < o.seq);
        }
    }

    /** {@code event_count}: the most recent hits, at most {@code keep}. */
    static final class Count extends GroupState {
        final ArrayDeque<Hit> hits = new ArrayDeque<>();

        void add(Hit h, int keep) {
            hits.addLast(h);
            while (hits.size() > keep) hits.removeFirst();
            lastTime = h.time;
        }

        @Override
        void expire(long from) {
            while (!hits.isEmpty() && hits.peekFirst().time < from) hits.removeFirst();
        }

        @Override
        int held() {
            return hits.size();
        }

        @Override
        List<Hit> hits() {
            return new ArrayList<>(hits);
        }
    }

    /** {@code value_count}: the latest hit per distinct value, most recent last, at most {@code keep} values. */
    static final class Distinct extends GroupState {
        final LinkedHashMap<String, Hit> byValue = new LinkedHashMap<>();

        void add(String value, Hit h, int keep) {
            byValue.remove(value);
            byValue.put(value, h);
            if (byValue.size() > keep) {
                Iterator<Hit> it = byValue.values().iterator();
                while (byValue.size() > keep) {
                    it.next();
                    it.remove();
                }
            }
            lastTime = h.time;
        }

        @Override
        void expire(long from) {
            Iterator<Hit> it = byValue.values().iterator();
            while (it.hasNext()) {
                if (it.next().time >= from) break;
                it.remove();
            }
        }

        @Override
        int held() {
            return byValue.size();
        }

        @Override
        List<Hit> hits() {
            return new ArrayList<>(byValue.values());
        }

        Map<String, Hit> values() {
            return byValue;
        }
    }

    /**
     * {@code temporal} / {@code temporal_ordered}: per referenced rule (in listed order) its hits in the window —
     * only the latest for {@code temporal}, all (capped) for {@code temporal_ordered}.
     */
    static final class Temporal extends GroupState {
        final ArrayDeque<Hit>[] byRule;

        @SuppressWarnings("unchecked")
        Temporal(int rules) {
            byRule = new ArrayDeque[rules];
            for (int i = 0; i < rules; i++) byRule[i] = new ArrayDeque<>(2);
        }

        /** Adds a hit for the rule at {@code pos}; returns true when an in-window hit was dropped for the cap. */
        boolean add(int pos, Hit h, boolean ordered, int cap) {
            ArrayDeque<Hit> q = byRule[pos];
            if (!ordered) q.clear();
            q.addLast(h);
            lastTime = h.time;
            if (q.size() > cap) {
                q.removeFirst();
                return true;
            }
            return false;
        }

        @Override
        void expire(long from) {
            for (ArrayDeque<Hit> q : byRule) {
                while (!q.isEmpty() && q.peekFirst().time < from) q.removeFirst();
            }
        }

        @Override
        int held() {
            int n = 0;
            for (ArrayDeque<Hit> q : byRule) n += q.size();
            return n;
        }

        @Override
        List<Hit> hits() {
            List<Hit> all = new ArrayList<>();
            for (ArrayDeque<Hit> q : byRule) all.addAll(q);
            all.sort((a, b) -> a.before(b) ? -1 : b.before(a) ? 1 : 0);
            return all;
        }

        /** Number of referenced rules with a hit in the window (state already expired). */
        int distinctRules() {
            int n = 0;
            for (ArrayDeque<Hit> q : byRule) if (!q.isEmpty()) n++;
            return n;
        }

        /**
         * The longest chain of hits of distinct rules that respects the listed order (rule {@code i} before rule
         * {@code j} for {@code i < j}) and strict (event time, arrival) order; returns the chain, one hit per rule.
         * Dynamic programming over rules in listed order: {@code end[L]} is the earliest-ending chain of length L.
         */
        List<Hit> longestOrderedChain() {
            int n = byRule.length;
            Hit[] end = new Hit[n + 1];
            @SuppressWarnings("unchecked")
            List<Hit>[] chain = new List[n + 1];
            chain[0] = List.of();
            int best = 0;
            for (int i = 0; i < n; i++) {
                ArrayDeque<Hit> q = byRule[i];
                if (q.isEmpty()) continue;
                for (int len = best; len >= 0; len--) {
                    if (len > 0 && end[len] == null) continue;
                    Hit prev = len == 0 ? null : end[len];
                    Hit cand = null;
                    for (Hit h : q) {
                        if (prev == null || prev.before(h)) {
                            cand = h;
                            break;
                        }
                    }
                    if (cand == null) continue;
                    if (end[len + 1] == null || cand.before(end[len + 1])) {
                        end[len + 1] = cand;
                        List<Hit> c = new ArrayList<>(len + 1);
                        c.addAll(chain[len]);
                        c.add(cand);
                        chain[len + 1] = c;
                        if (len + 1 > best) best = len + 1;
                    }
                }
            }
            return chain[best];
        }
    }

    /** {@code value_sum}, {@code value_avg}, {@code value_percentile}, {@code value_median}: every hit in the window. */
    static final class Numeric extends GroupState {
        final ArrayDeque<Hit> hits = new ArrayDeque<>();
        private double sum;
        private int removedSinceExact;

        /** Adds a hit; returns true when an in-window hit was dropped for the cap. */
        boolean add(Hit h, int cap) {
            hits.addLast(h);
            sum += h.value;
            lastTime = h.time;
            if (hits.size() > cap) {
                removeFirst();
                return true;
            }
            return false;
        }

        private void removeFirst() {
            Hit h = hits.removeFirst();
            sum -= h.value;
            if (++removedSinceExact > 64 && removedSinceExact > hits.size()) recompute();
        }

        private void recompute() {
            double s = 0;
            for (Hit h : hits) s += h.value;
            sum = s;
            removedSinceExact = 0;
        }

        @Override
        void expire(long from) {
            while (!hits.isEmpty() && hits.peekFirst().time < from) removeFirst();
            if (hits.isEmpty()) {
                sum = 0;
                removedSinceExact = 0;
            }
        }

        @Override
        int held() {
            return hits.size();
        }

        @Override
        List<Hit> hits() {
            return new ArrayList<>(hits);
        }

        double sum() {
            return sum;
        }

        /**
         * The {@code p}-th percentile (0–100) of the values by linear interpolation between closest ranks (rank
         * {@code p/100 × (n−1)}, as numpy's default and rsigma), using {@code scratch} as work space.
         */
        double percentile(double p, double[] scratch) {
            int n = hits.size();
            int i = 0;
            for (Hit h : hits) scratch[i++] = h.value;
            double rank = p / 100.0 * (n - 1);
            int lo = (int) Math.floor(rank);
            double frac = rank - lo;
            double a = select(scratch, n, lo);
            if (frac == 0 || lo + 1 >= n) return a;
            double b = Double.POSITIVE_INFINITY;
            for (int k = lo + 1; k < n; k++) if (scratch[k] < b) b = scratch[k];
            return a + (b - a) * frac;
        }

        /** Quickselect: after it, {@code a[k]} is the k-th smallest and {@code a[k+1..n)} are all ≥ it. */
        private static double select(double[] a, int n, int k) {
            int lo = 0;
            int hi = n - 1;
            while (lo < hi) {
                double pivot = a[(lo + hi) >>> 1];
                int i = lo;
                int j = hi;
                while (i <= j) {
                    while (a[i] < pivot) i++;
                    while (a[j] > pivot) j--;
                    if (i <= j) {
                        double t = a[i];
                        a[i] = a[j];
                        a[j] = t;
                        i++;
                        j--;
                    }
                }
                if (k <= j) hi = j;
                else if (k >= i) lo = i;
                else break;
            }
            return a[k];
        }
    }
}
