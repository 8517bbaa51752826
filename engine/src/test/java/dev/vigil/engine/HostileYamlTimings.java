package dev.vigil.engine;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Hand timing of hostile YAML rule files through {@link RuleLoader#loadText} (best of 7, one thread). Not a test and
 * not a benchmark gate: run it by hand to compare loader versions.
 * Usage: {@code java -cp engine/target/test-classes:engine/target/classes:<deps> dev.vigil.engine.HostileYamlTimings}
 */
final class HostileYamlTimings {
    static String rule(String value) {
        return "title: t\nid: 11111111-1111-1111-1111-111111111111\nlogsource: {product: windows}\ndetection:\n  sel:\n    CommandLine: "
                + value + "\n  condition: sel\n";
    }

    public static void main(String[] a) throws Exception {
        Map<String, String> cases = new LinkedHashMap<>();
        String mb = "A".repeat(1 << 20);
        cases.put("1MB quoted", rule("'" + mb + "'"));
        cases.put("1MB plain", rule(mb));
        cases.put("1MB double-quoted", rule("\"" + mb + "\""));
        cases.put("1MB contains", rule("'" + mb + "'").replace("CommandLine:", "CommandLine|contains:"));
        cases.put("20000 deep list", rule("[".repeat(20000) + "]".repeat(20000)));
        cases.put("20000 deep map", rule("{a: ".repeat(20000) + "x" + "}".repeat(20000)));
        StringBuilder b = new StringBuilder("bomb0: &bomb0 [lol, lol, lol, lol, lol, lol, lol, lol, lol, lol]\n");
        for (int i = 1; i < 10; i++) {
            b.append("bomb").append(i).append(": &bomb").append(i).append(" [");
            for (int k = 0; k < 10; k++)
                b.append(k == 0 ? "" : ", ").append("*bomb").append(i - 1);
            b.append("]\n");
        }
        cases.put("billion laughs", b + rule("x"));
        cases.put("non-scalar key", rule("x").replace("    CommandLine: x", "    ? [a, b]\n    : x"));
        StringBuilder docs = new StringBuilder();
        for (int i = 0; i < 100000; i++) docs.append("---\n");
        cases.put("100k empty docs", docs.toString());
        cases.put("1MB key", rule("x").replace("CommandLine", "F".repeat(1 << 20)));
        cases.put(
                "deep cond",
                rule("x")
                        .replace(
                                "condition: sel",
                                "condition: '" + "(".repeat(100000) + "sel" + ")".repeat(100000) + "'"));
        String only = a.length > 0 ? a[0] : null;
        RuleLoader l = RuleLoader.create(LoaderOptions.defaults());
        for (var e : cases.entrySet()) {
            if (only != null && !e.getKey().contains(only)) continue;
            long best = Long.MAX_VALUE;
            LoadResult r = null;
            for (int round = 0; round < 7; round++) {
                long t = System.nanoTime();
                r = l.loadText("f.yml", e.getValue());
                best = Math.min(best, System.nanoTime() - t);
            }
            long ms = best / 1_000_000;
            int round = 2;
            String ref = r.refusals().isEmpty()
                    ? "loaded " + r.rules().size()
                    : r.refusals().get(0).toString();
            if (ref.length() > 200) ref = ref.substring(0, 200);
            if (round == 2) System.out.printf("%-20s %6d ms  %s%n", e.getKey(), ms, ref);
        }
    }
}
