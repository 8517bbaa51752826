package dev.vigil.engine.correlate;

import dev.vigil.engine.Detection;
import dev.vigil.engine.correlate.GroupState.Hit;
import dev.vigil.engine.correlate.KillChainState.Contribution;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Kill-chain progression (entity risk): per entity (host, user, application — configurable field lists) it keeps
 * the detections of the last {@link KillChainConfig#window()} and fires a {@code kill_chain} detection when
 *
 * <ul>
 *   <li>the detections show at least {@link KillChainConfig#minTactics()} distinct ATT&amp;CK tactics
 *       <em>advancing</em> along the kill-chain order: the longest chain of detections, in event-time order, whose
 *       tactics strictly increase in {@link Tactic#stage()} (a detection with several tactics may stand for any
 *       one of them); or
 *   <li>its risk — the sum over distinct rules of the rule's level weight — reaches {@link
 *       KillChainConfig#riskThreshold()} (counting each rule once keeps one noisy rule from crossing it alone).
 * </ul>
 *
 * <p>No storm: an entity fires at most once per window — after a firing at time {@code f} it cannot fire again
 * until a detection later than {@code f + window}, whose window then holds only detections after the firing. The
 * firing explains itself: contributing detections in order, the chain of tactics with the detection standing for
 * each, the risk and the weights. Detections are fed in event-time order by the {@link Correlator}.
 */
final class KillChainScorer {
    static final String RULE_PREFIX = "kill-chain/";

    private final KillChainConfig config;
    private final long windowMillis;
    private final String[] types;
    private final String[] stateKeys;
    private final String[][] fields;

    KillChainScorer(KillChainConfig config) {
        this.config = config;
        this.windowMillis = config.window().toMillis();
        int n = config.entities().size();
        types = new String[n];
        stateKeys = new String[n];
        fields = new String[n][];
        int i = 0;
        for (Map.Entry<String, List<String>> e : config.entities().entrySet()) {
            types[i] = e.getKey();
            stateKeys[i] = RULE_PREFIX + e.getKey();
            fields[i] = e.getValue().toArray(String[]::new);
            i++;
        }
    }

    KillChainConfig config() {
        return config;
    }

    String[] stateKeys() {
        return stateKeys;
    }

    long windowMillis() {
        return windowMillis;
    }

    /** Whether a detection can matter: it has a tactic or a positive weight. */
    boolean relevant(Detection d) {
        return config.weight(d.level()) > 0 || KillChainState.tacticsOf(d) != 0;
    }

    /** Result sink of the correlator. */
    interface Sink {
        void evicted(StateKey key);

        void truncated(String rule, Map<String, String> group);

        void fired(Detection firing, Detection trigger);
    }

    /**
     * Feeds one detection (event time {@code t}, arrival {@code seq}) of {@code partition} to every entity it names
     * in that partition.
     */
    void accept(Detection d, String partition, long t, long seq, StateStore store, Sink sink, int maxContributing) {
        int tactics = KillChainState.tacticsOf(d);
        double weight = config.weight(d.level());
        if (tactics == 0 && weight <= 0) return;
        for (int i = 0; i < types.length; i++) {
            String value = null;
            for (String f : fields[i]) {
                value = CompiledCorrelation.fieldText(d, f);
                if (value != null && !value.isEmpty()) break;
                value = null;
            }
            if (value == null) continue;
            StateKey key = new StateKey(
                    stateKeys[i], GroupKey.wrap(new String[] {value}).inPartition(partition));
            KillChainState st = (KillChainState) store.get(key);
            if (st == null) st = new KillChainState();
            st.expire(t - windowMillis);
            if (st.add(new Contribution(new Hit(t, seq, d, weight), tactics, d.ruleId()), config.maxDetections())) {
                sink.truncated(stateKeys[i], Map.of(types[i], value));
            }
            Detection firing = evaluate(st, types[i], value, d, partition, t, maxContributing);
            StateKey evicted = store.put(key, st);
            if (evicted != null) sink.evicted(evicted);
            if (firing != null) sink.fired(firing, d);
        }
    }

    private record Node(int index, Tactic tactic, int length, Node prev) {}

    private Detection evaluate(
            KillChainState st, String type, String value, Detection trigger, String partition, long t, int maxContrib) {
        if (st.lastFired != Long.MIN_VALUE && t - st.lastFired <= windowMillis) return null;
        List<Contribution> cs = new ArrayList<>(st.contributions);
        // Longest advancing chain.
        Node[] best = new Node[Tactic.STAGES];
        for (int i = 0; i < cs.size(); i++) {
            int mask = cs.get(i).tactics();
            if (mask == 0) continue;
            Node[] cands = new Node[Tactic.STAGES];
            for (int b = 0; b < 32; b++) {
                if ((mask & (1 << b)) == 0) continue;
                Tactic tac = Tactic.ofOrdinal(b);
                Node prev = null;
                for (int s = 0; s < tac.stage(); s++) {
                    if (best[s] != null && (prev == null || best[s].length > prev.length)) prev = best[s];
                }
                Node cand = new Node(i, tac, prev == null ? 1 : prev.length + 1, prev);
                Node c0 = cands[tac.stage()];
                if (c0 == null || cand.length > c0.length) cands[tac.stage()] = cand;
            }
            for (int s = 0; s < Tactic.STAGES; s++) {
                if (cands[s] != null && (best[s] == null || cands[s].length > best[s].length)) best[s] = cands[s];
            }
        }
        Node top = null;
        for (Node n : best) if (n != null && (top == null || n.length > top.length)) top = n;
        int chainLength = top == null ? 0 : top.length;
        // Risk: each rule once, at its highest weight.
        Map<String, Double> perRule = new HashMap<>();
        for (Contribution c : cs) perRule.merge(c.rule(), c.hit().value(), Math::max);
        double risk = 0;
        for (double w : perRule.values()) risk += w;
        boolean byChain = chainLength >= config.minTactics();
        boolean byRisk = config.riskThreshold() > 0 && risk >= config.riskThreshold();
        if (!byChain && !byRisk) return null;
        st.lastFired = t;

        List<Node> chain = new ArrayList<>();
        for (Node n = top; n != null; n = n.prev) chain.add(0, n);
        List<String> tacticNames = new ArrayList<>(chain.size());
        List<String> tags = new ArrayList<>(chain.size());
        StringBuilder why = new StringBuilder();
        why.append(type).append('=').append(value).append(": ");
        if (byChain) {
            why.append(chainLength)
                    .append(" tactics advancing (min ")
                    .append(config.minTactics())
                    .append(')');
        } else {
            why.append("risk ")
                    .append(CompiledCorrelation.num(risk))
                    .append(" >= ")
                    .append(CompiledCorrelation.num(config.riskThreshold()));
        }
        why.append("; chain: ");
        for (int k = 0; k < chain.size(); k++) {
            Node n = chain.get(k);
            Detection x = cs.get(n.index()).hit().detection();
            tacticNames.add(n.tactic().tagName());
            tags.add("attack." + n.tactic().tagName());
            if (k > 0) why.append(" -> ");
            why.append(n.tactic().tagName())
                    .append(" [")
                    .append(Instant.ofEpochMilli(cs.get(n.index()).hit().time()))
                    .append(' ')
                    .append(x.ruleTitle())
                    .append(']');
        }
        if (chain.isEmpty()) why.append("none");
        why.append("; risk ")
                .append(CompiledCorrelation.num(risk))
                .append(" from ")
                .append(perRule.size())
                .append(" rules: ");
        List<String> ruleIds = new ArrayList<>(perRule.keySet());
        java.util.Collections.sort(ruleIds);
        for (int k = 0; k < ruleIds.size(); k++) {
            if (k > 0) why.append(", ");
            why.append(ruleIds.get(k)).append(" +").append(CompiledCorrelation.num(perRule.get(ruleIds.get(k))));
        }
        List<Detection> contributing = new ArrayList<>();
        for (int k = Math.max(0, cs.size() - maxContrib); k < cs.size(); k++) {
            contributing.add(cs.get(k).hit().detection());
        }
        Map<String, String> group = Map.of(type, value);
        CorrelationContext ctx = new CorrelationContext(
                "kill_chain",
                group,
                Instant.ofEpochMilli(cs.get(0).hit().time()),
                Instant.ofEpochMilli(t),
                risk,
                contributing,
                cs.size(),
                tacticNames,
                why.toString(),
                partition);
        return new Detection(
                config.ruleId(),
                "Kill-chain progression on " + type + " " + value,
                config.level(),
                "experimental",
                tags,
                new java.util.LinkedHashMap<String, Object>(group),
                trigger.event(),
                -1,
                ctx);
    }
}
