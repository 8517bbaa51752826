package dev.vigil.engine.correlate;

import dev.vigil.engine.Detection;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;

/**
 * One entity's kill-chain window: the detections it took part in (event-time order, capped), each with its risk
 * weight ({@link Hit#value()}) and its ATT&amp;CK tactics as a bit set of {@link Tactic} ordinals.
 */
final class KillChainState extends GroupState {
    record Contribution(Hit hit, int tactics, String rule) {}

    final ArrayDeque<Contribution> contributions = new ArrayDeque<>();

    /** Adds a contribution; returns true when the oldest was dropped for the cap. */
    boolean add(Contribution c, int cap) {
        contributions.addLast(c);
        lastTime = c.hit().time();
        if (contributions.size() > cap) {
            contributions.removeFirst();
            return true;
        }
        return false;
    }

    @Override
    void expire(long from) {
        while (!contributions.isEmpty() && contributions.peekFirst().hit().time() < from) contributions.removeFirst();
    }

    @Override
    int held() {
        return contributions.size();
    }

    @Override
    List<Hit> hits() {
        List<Hit> l = new ArrayList<>(contributions.size());
        for (Contribution c : contributions) l.add(c.hit());
        return l;
    }

    static int tacticsOf(Detection d) {
        int mask = 0;
        for (String tag : d.tags()) {
            Tactic t = Tactic.fromTag(tag);
            if (t != null) mask |= 1 << t.ordinal();
        }
        return mask;
    }
}
