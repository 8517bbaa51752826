package dev.vigil.engine.correlate;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BiConsumer;

/**
 * The default {@link StateStore}: per rule an access-ordered {@link LinkedHashMap} (least recently used first),
 * with a per-rule cap and a global cap. A global eviction takes the least recently used group over all rules
 * (comparing each rule's eldest group by a use stamp). Not thread-safe: the correlator is its only caller.
 */
public final class InMemoryStateStore implements StateStore {
    private final int maxPerRule;
    private final int maxTotal;
    private final Map<String, LinkedHashMap<GroupKey, Slot>> rules = new HashMap<>();
    private int size;
    private long stamp;
    /** The slot of the last {@link #get}: the correlator always puts back what it just read (no second lookup). */
    private StateKey lastKey;

    private Slot lastSlot;

    private static final class Slot {
        GroupState state;
        long used;

        Slot(GroupState state, long used) {
            this.state = state;
            this.used = used;
        }
    }

    public InMemoryStateStore(int maxPerRule, int maxTotal) {
        if (maxPerRule < 1 || maxTotal < 1) throw new IllegalArgumentException("caps must be positive");
        this.maxPerRule = maxPerRule;
        this.maxTotal = maxTotal;
    }

    @Override
    public GroupState get(StateKey key) {
        LinkedHashMap<GroupKey, Slot> m = rules.get(key.rule());
        if (m == null) return null;
        Slot s = m.get(key.group()); // access order: now the most recently used
        if (s == null) return null;
        lastKey = key;
        lastSlot = s;
        return s.state;
    }

    @Override
    public StateKey put(StateKey key, GroupState state) {
        if (state == null) throw new IllegalArgumentException("state must not be null");
        if (key == lastKey) { // read just before: already the most recently used
            lastSlot.state = state;
            lastSlot.used = ++stamp;
            return null;
        }
        LinkedHashMap<GroupKey, Slot> m = rules.computeIfAbsent(key.rule(), r -> new LinkedHashMap<>(16, 0.75f, true));
        Slot s = m.get(key.group()); // access order: moves it to the end
        if (s != null) {
            s.state = state;
            s.used = ++stamp;
            return null;
        }
        m.put(key.group(), new Slot(state, ++stamp));
        size++;
        if (m.size() > maxPerRule) {
            return evictEldest(key.rule(), m);
        }
        if (size > maxTotal) {
            String victimRule = null;
            LinkedHashMap<GroupKey, Slot> victim = null;
            long oldest = Long.MAX_VALUE;
            for (Map.Entry<String, LinkedHashMap<GroupKey, Slot>> e : rules.entrySet()) {
                if (e.getValue().isEmpty()) continue;
                Slot eldest = e.getValue().values().iterator().next();
                if (eldest.used < oldest) {
                    oldest = eldest.used;
                    victim = e.getValue();
                    victimRule = e.getKey();
                }
            }
            if (victim != null) return evictEldest(victimRule, victim);
        }
        return null;
    }

    private StateKey evictEldest(String rule, LinkedHashMap<GroupKey, Slot> m) {
        lastKey = null;
        lastSlot = null;
        Iterator<Map.Entry<GroupKey, Slot>> it = m.entrySet().iterator();
        Map.Entry<GroupKey, Slot> eldest = it.next();
        it.remove();
        size--;
        return new StateKey(rule, eldest.getKey());
    }

    @Override
    public void remove(StateKey key) {
        lastKey = null;
        lastSlot = null;
        LinkedHashMap<GroupKey, Slot> m = rules.get(key.rule());
        if (m != null && m.remove(key.group()) != null) size--;
    }

    @Override
    public int expire(String rule, long beforeMillis) {
        lastKey = null;
        lastSlot = null;
        LinkedHashMap<GroupKey, Slot> m = rules.get(rule);
        if (m == null) return 0;
        int n = 0;
        Iterator<Slot> it = m.values().iterator();
        while (it.hasNext()) {
            if (it.next().state.lastTime() >= beforeMillis) break;
            it.remove();
            n++;
        }
        size -= n;
        return n;
    }

    @Override
    public int removeRule(String rule) {
        lastKey = null;
        lastSlot = null;
        LinkedHashMap<GroupKey, Slot> m = rules.remove(rule);
        if (m == null) return 0;
        size -= m.size();
        return m.size();
    }

    @Override
    public int size() {
        return size;
    }

    @Override
    public int size(String rule) {
        LinkedHashMap<GroupKey, Slot> m = rules.get(rule);
        return m == null ? 0 : m.size();
    }

    @Override
    public void forEach(BiConsumer<StateKey, GroupState> visitor) {
        record Item(String rule, GroupKey group, Slot slot) {}
        List<Item> all = new ArrayList<>(size);
        for (Map.Entry<String, LinkedHashMap<GroupKey, Slot>> r : rules.entrySet()) {
            for (Map.Entry<GroupKey, Slot> g : r.getValue().entrySet()) {
                all.add(new Item(r.getKey(), g.getKey(), g.getValue()));
            }
        }
        all.sort((a, b) -> Long.compare(a.slot.used, b.slot.used));
        for (Item i : all) visitor.accept(new StateKey(i.rule, i.group), i.slot.state);
    }

    @Override
    public void clear() {
        lastKey = null;
        lastSlot = null;
        rules.clear();
        size = 0;
    }
}
