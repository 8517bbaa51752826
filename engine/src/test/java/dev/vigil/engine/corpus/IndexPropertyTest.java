package dev.vigil.engine.corpus;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vigil.engine.Logsource;
import dev.vigil.engine.RuleSet;
import dev.vigil.engine.compile.CompiledRule;
import dev.vigil.engine.compile.Leaf;
import dev.vigil.engine.event.Event;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * Property (issue 3, item 1): on random events built from the corpus rules' own literals — exact, re-cased
 * (including the Unicode case folds that trip naive lower-casing: KELVIN SIGN, LONG S, dotted capital I, capital
 * sigma), embedded in noise, truncated, wildcard patterns filled in, numbers as numbers and as text, multi-valued
 * fields, nulls, non-Latin-1 neighbours — the indexed and the naive path detect exactly the same, with routing on and
 * off. The seed is fixed for reproducibility; {@code -Dvigil.property.seed=N} explores others.
 */
public class IndexPropertyTest {
    private static final String[] NOISE = {
        "",
        " ",
        "x",
        "C:\\Windows\\",
        "\u00e9t\u00e9",
        "\u00c9T\u00c9",
        "\u03a3\u03c3",
        "\u0130",
        "\u212a",
        "\u017f",
        "\uD83D\uDE00",
        "\u0441\u0435",
        "--",
        "\"",
        "0",
        "1234",
        " /c ",
        "%",
        "\u00df"
    };

    @Test
    void randomEventsFromRuleLiteralsMatchIdenticallyWithAndWithoutTheIndex() {
        RuleSet rules = Corpus.rules();
        long seed = Long.getLong("vigil.property.seed", 20260728L);
        Random rnd = new Random(seed);
        List<Event> routed = new ArrayList<>();
        List<Event> unrouted = new ArrayList<>();
        for (int i = 0; i < 12_000; i++) {
            Event e = randomEvent(rules, rnd);
            routed.add(e);
            if (i % 6 == 0) unrouted.add(e);
        }
        List<String> a = IndexEquivalenceTest.compare(rules, routed, true);
        List<String> b = IndexEquivalenceTest.compare(rules, unrouted, false);
        // not vacuous: many of the events must actually match something
        assertThat(a.size())
                .as("detections on routed random events (seed %s)", seed)
                .isGreaterThan(2_000);
        assertThat(b.size())
                .as("detections on unrouted random events (seed %s)", seed)
                .isGreaterThan(300);
    }

    public static Event randomEvent(RuleSet rules, Random rnd) {
        CompiledRule rule = rules.rule(rnd.nextInt(rules.size()));
        Map<String, Object> fields = new LinkedHashMap<>();
        Logsource ls = rule.logsource();
        if (ls.product() != null) fields.put("product", ls.product());
        if (ls.category() != null) fields.put("category", ls.category());
        if (ls.service() != null) fields.put("service", ls.service());
        // sometimes literals of a second rule too, so values mix
        List<Leaf> leaves = new ArrayList<>(rule.leaves());
        if (rnd.nextInt(4) == 0)
            leaves.addAll(rules.rule(rnd.nextInt(rules.size())).leaves());
        for (Leaf l : leaves) {
            if (rnd.nextInt(8) == 0) continue;
            String name = l.fieldName() == null ? (rnd.nextBoolean() ? "message" : "Payload") : l.fieldName();
            Object v = valueFor(l, rnd, fields);
            Object prev = fields.get(name);
            if (prev == null && !fields.containsKey(name)) {
                fields.put(name, v);
            } else if (rnd.nextInt(3) == 0) {
                List<Object> many = new ArrayList<>();
                if (prev instanceof List<?> pl) many.addAll(pl);
                else many.add(prev);
                many.add(v);
                fields.put(name, many);
            } else {
                fields.put(name, v);
            }
        }
        for (int k = rnd.nextInt(3); k > 0; k--) fields.put("Noise" + rnd.nextInt(5), noise(rnd));
        return Event.of(fields);
    }

    private static Object valueFor(Leaf l, Random rnd, Map<String, Object> fields) {
        switch (l) {
            case Leaf.Str s -> {
                String lit = s.literal();
                return switch (s.op()) {
                    case EQ -> rnd.nextInt(4) == 0 ? mutate(lit, rnd) : recase(lit, rnd);
                    case PREFIX -> recase(lit, rnd) + (rnd.nextBoolean() ? noise(rnd) : "");
                    case SUFFIX -> (rnd.nextBoolean() ? noise(rnd) : "") + recase(lit, rnd);
                    default -> noise(rnd) + (rnd.nextInt(5) == 0 ? mutate(lit, rnd) : recase(lit, rnd)) + noise(rnd);
                };
            }
            case Leaf.Glob g -> {
                StringBuilder sb = new StringBuilder();
                if (!g.anchoredStart()) sb.append(noise(rnd));
                List<String> segs = g.segments();
                for (int i = 0; i < segs.size(); i++) {
                    if (i > 0) sb.append(noise(rnd));
                    String seg = segs.get(i);
                    for (int k = 0; k < seg.length(); k++) {
                        char c = seg.charAt(k);
                        sb.append(g.isSingle(i, k) ? (char) ('a' + rnd.nextInt(26)) : c);
                    }
                }
                if (!g.anchoredEnd()) sb.append(noise(rnd));
                String v = sb.toString();
                return rnd.nextInt(5) == 0 ? mutate(v, rnd) : recase(v, rnd);
            }
            case Leaf.Regex r -> {
                Set<String> req = r.requiredLiterals();
                if (req == null || req.isEmpty()) return noise(rnd);
                List<String> lits = new ArrayList<>(req);
                return noise(rnd) + recase(lits.get(rnd.nextInt(lits.size())), rnd) + " " + noise(rnd);
            }
            case Leaf.Num n -> {
                double d = n.number();
                return switch (rnd.nextInt(5)) {
                    case 0 -> (long) d;
                    case 1 -> d;
                    case 2 -> n.literal();
                    case 3 -> n.literal() + ".0";
                    default -> (long) d + rnd.nextInt(3) - 1;
                };
            }
            case Leaf.Bool b -> {
                return switch (rnd.nextInt(3)) {
                    case 0 -> Boolean.parseBoolean(b.literal());
                    case 1 -> b.literal().toUpperCase();
                    default -> !Boolean.parseBoolean(b.literal());
                };
            }
            case Leaf.Null ignored -> {
                return rnd.nextBoolean() ? null : noise(rnd);
            }
            case Leaf.Cidr ignored -> {
                return "10." + rnd.nextInt(256) + "." + rnd.nextInt(256) + "." + rnd.nextInt(256);
            }
            case Leaf.FieldRef f -> {
                Object other = fields.get(f.literal());
                return other != null && rnd.nextBoolean() ? other : noise(rnd);
            }
            default -> {
                return rnd.nextBoolean() ? noise(rnd) : "2026-07-28T11:" + (10 + rnd.nextInt(50)) + ":00Z";
            }
        }
    }

    private static String noise(Random rnd) {
        return NOISE[rnd.nextInt(NOISE.length)];
    }

    /** Random case changes, including non-ASCII characters whose lower case is the ASCII letter (or not). */
    static String recase(String s, Random rnd) {
        StringBuilder sb = new StringBuilder(s.length());
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            int k = rnd.nextInt(12);
            if (c == 'k' && k == 0) sb.append('\u212a'); // KELVIN SIGN lower-cases to k
            else if (c == 's' && k == 0) sb.append('\u017f'); // LONG S: its own lower case
            else if (c == 'i' && k == 0) sb.append('\u0130'); // dotted capital I lower-cases to two chars
            else if (c == '\u03c3' && k == 0) sb.append('\u03a3'); // capital sigma: final or not
            else if (k < 5) sb.append(Character.toUpperCase(c));
            else sb.append(c);
        }
        return sb.toString();
    }

    static String mutate(String s, Random rnd) {
        if (s.isEmpty()) return "x";
        int p = rnd.nextInt(s.length());
        return switch (rnd.nextInt(3)) {
            case 0 -> s.substring(0, p) + s.substring(p + 1);
            case 1 -> s.substring(0, p) + (char) ('a' + rnd.nextInt(26)) + s.substring(p);
            default -> s.substring(0, p) + Character.toUpperCase(s.charAt(p)) + s.substring(p + 1);
        };
    }
}
