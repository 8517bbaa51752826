package dev.vigil.engine.compile;

import dev.vigil.engine.Logsource;
import dev.vigil.engine.event.EventLogsource;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Logsource routing as a pre-partition of the rule set: rules are grouped by their (product, category, service); an
 * event's {@link EventLogsource} selects the groups whose every set component is among the event's (product equal,
 * category one of the event's categories, service one of its services). Rules without a logsource constraint are in
 * every route. An event whose logsource is unknown (no hints at all) cannot be routed and gets every rule.
 *
 * <p>Routes are cached per distinct event logsource (bounded, so hostile hint values cannot grow memory).
 * Immutable apart from the cache; thread-safe.
 */
public final class Router {
    private static final int MAX_CACHED_ROUTES = 4096;

    private final Logsource[] groupKeys;
    private final int[][] groupRules;
    private final int[] all;
    private final Route allRoute;
    private final ConcurrentHashMap<EventLogsource, Route> cache = new ConcurrentHashMap<>();

    public Router(List<CompiledRule> rules) {
        Map<Logsource, List<Integer>> groups = new LinkedHashMap<>();
        for (CompiledRule r : rules) {
            Logsource ls = r.logsource();
            Logsource key = new Logsource(lower(ls.product()), lower(ls.category()), lower(ls.service()));
            groups.computeIfAbsent(key, k -> new ArrayList<>()).add(r.index());
        }
        groupKeys = groups.keySet().toArray(new Logsource[0]);
        groupRules = new int[groupKeys.length][];
        int g = 0;
        for (List<Integer> l : groups.values())
            groupRules[g++] = l.stream().mapToInt(Integer::intValue).toArray();
        all = new int[rules.size()];
        for (int i = 0; i < all.length; i++) all[i] = rules.get(i).index();
        allRoute = new Route(all, all.length);
    }

    private static String lower(String s) {
        return s == null ? null : Strings.lower(s);
    }

    /** Rule indices (ascending) whose logsource fits the event's; all rules when the event's logsource is unknown. */
    public int[] route(EventLogsource ls) {
        return routeOf(ls).rules();
    }

    /** The route of every rule (routing off, or an event whose logsource is unknown). */
    public Route all() {
        return allRoute;
    }

    /** The route of an event logsource (cached); {@link #all()} when the logsource is unknown. */
    public Route routeOf(EventLogsource ls) {
        if (ls == null || ls.isUnknown()) return allRoute;
        Route r = cache.get(ls);
        if (r != null) return r;
        r = new Route(compute(ls), all.length);
        if (cache.size() < MAX_CACHED_ROUTES) {
            Route prev = cache.putIfAbsent(ls, r);
            if (prev != null) r = prev;
        }
        return r;
    }

    private int[] compute(EventLogsource ls) {
        int total = 0;
        boolean[] take = new boolean[groupKeys.length];
        for (int g = 0; g < groupKeys.length; g++) {
            Logsource k = groupKeys[g];
            if (k.product() != null && !k.product().equals(ls.product())) continue;
            if (k.category() != null && !ls.categories().contains(k.category())) continue;
            if (k.service() != null && !ls.services().contains(k.service())) continue;
            take[g] = true;
            total += groupRules[g].length;
        }
        int[] out = new int[total];
        int p = 0;
        for (int g = 0; g < groupKeys.length; g++) {
            if (!take[g]) continue;
            System.arraycopy(groupRules[g], 0, out, p, groupRules[g].length);
            p += groupRules[g].length;
        }
        Arrays.sort(out);
        return out;
    }

    /** Number of distinct rule logsources (partitions). */
    public int partitions() {
        return groupKeys.length;
    }
}
