package dev.vigil.engine.corpus;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import dev.vigil.engine.CompileOptions;
import dev.vigil.engine.Engine;
import dev.vigil.engine.EngineOptions;
import dev.vigil.engine.LoadResult;
import dev.vigil.engine.LoaderOptions;
import dev.vigil.engine.MatchResult;
import dev.vigil.engine.Refusal;
import dev.vigil.engine.RuleLoader;
import dev.vigil.engine.RuleSet;
import dev.vigil.engine.event.Event;
import dev.vigil.engine.pipeline.Pipelines;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;
import org.snakeyaml.engine.v2.api.Dump;
import org.snakeyaml.engine.v2.api.DumpSettings;
import org.snakeyaml.engine.v2.api.Load;
import org.snakeyaml.engine.v2.api.LoadSettings;
import org.snakeyaml.engine.v2.common.FlowStyle;

/**
 * Hostile-rule sweep: every SigmaHQ rule of the shared corpus is mutated — one detection item's value (and for some
 * mutations its modifiers) replaced by a hostile or odd YAML value — and loaded and compiled. Each mutated rule must
 * either compile, or be refused with a reason that locates the problem (a YAML path, or a line and column for
 * invalid YAML) and that is not an internal error; no exception may escape the loader or the compiler. Rules that
 * compile are matched once against an event with hostile field values (NUL, lone surrogates, long text) and must not
 * fail.
 *
 * <p>Each mutation is applied to a share of the corpus (rule {@code i} gets mutation {@code (i + pass) % n} in each of
 * {@link #PASSES} passes), so every mutation meets dozens of rule shapes and every rule meets {@link #PASSES}.
 * The time limit is a hang guard (a backtracking regex or an expansion bomb would hit it), not a performance
 * assertion.
 */
class HostileRuleSweepTest {
    private static final int PASSES = 1;
    private static final int HEAVY_RULES = 1;
    private static final String TOKEN = "__HOSTILE_VALUE__";
    private static final Pattern LOCATED_YAML_ERROR = Pattern.compile("\\(line \\d+, column \\d+\\)");

    /** A mutation: the raw YAML text for the value, and modifiers to put on the field instead of its own (or null). */
    record Mutation(String name, String yaml, String modifiers) {
        /** Large values are tried on one rule each (compiling a 1 MB value with base64offset or windash is slow). */
        int maxRules() {
            return yaml.length() > 20_000 ? HEAVY_RULES : Integer.MAX_VALUE;
        }

        @Override
        public String toString() {
            return name;
        }
    }

    private static final String MEGABYTE = "A".repeat(1 << 20);

    static List<Mutation> mutations() {
        List<Mutation> m = new ArrayList<>();
        // sizes and structure
        m.add(new Mutation("1 MB string", "'" + MEGABYTE + "'", null));
        m.add(new Mutation("1 MB string contains", "'" + MEGABYTE + "'", "|contains"));
        m.add(new Mutation("1 MB wildcards", "'" + "*?".repeat(1 << 19) + "'", null));
        m.add(new Mutation("deeply nested list", "[".repeat(20_000) + "]".repeat(20_000), null));
        m.add(new Mutation("deeply nested maps", "{a: ".repeat(20_000) + "x" + "}".repeat(20_000), null));
        m.add(new Mutation("map with a list key", "{[a, b]: c}", null));
        m.add(new Mutation("cyclic alias", "&cycle [a, *cycle]", null));
        m.add(new Mutation("invisible field name", "x", "\u200b|contains"));
        m.add(new Mutation("nested list", "[[[x]]]", null));
        m.add(new Mutation("empty list", "[]", null));
        m.add(new Mutation("null", "null", null));
        m.add(new Mutation("tilde", "~", null));
        m.add(new Mutation("empty map", "{}", null));
        m.add(new Mutation("map", "{a: 1}", null));
        m.add(new Mutation("list of maps", "[{a: 1}, {b: 2}]", null));
        m.add(new Mutation("list with null", "[a, null, b]", null));
        // numbers of every YAML kind
        m.add(new Mutation("int", "4688", null));
        m.add(new Mutation("negative int", "-17", null));
        m.add(new Mutation("huge int", "123456789012345678901234567890123456789", null));
        m.add(new Mutation("float", "1.5", null));
        m.add(new Mutation("integral float", "1.0", null));
        m.add(new Mutation("negative zero", "-0.0", null));
        m.add(new Mutation("inf", ".inf", null));
        m.add(new Mutation("minus inf", "-.inf", null));
        m.add(new Mutation("nan", ".nan", null));
        m.add(new Mutation("overflowing float", "1e999999999", null));
        m.add(new Mutation("underflowing float", "1e-999999999", null));
        m.add(new Mutation("hex", "0x1F", null));
        m.add(new Mutation("octal", "0o17", null));
        m.add(new Mutation("leading zero", "017", null));
        m.add(new Mutation("tagged hex int", "!!int 0x1F", null));
        m.add(new Mutation("tagged float", "!!float 1", null));
        m.add(new Mutation("inf with gt", ".inf", "|gt"));
        m.add(new Mutation("nan with lte", ".nan", "|lte"));
        m.add(new Mutation("huge exponent text with gte", "'1e999999999'", "|gte"));
        m.add(new Mutation("1 MB digits with lt", "'" + "1".repeat(1 << 20) + "x'", "|lt"));
        m.add(new Mutation("huge int with minute", "18446744073709551621", "|minute"));
        m.add(new Mutation("float with hour", "1.5", "|hour"));
        m.add(new Mutation("inf with year", ".inf", "|year"));
        // booleans, dates, tags
        m.add(new Mutation("true", "true", null));
        m.add(new Mutation("false", "false", null));
        m.add(new Mutation("yes", "yes", null));
        m.add(new Mutation("date", "2024-01-01", null));
        m.add(new Mutation("timestamp", "2024-01-01T10:00:00.123+02:00", null));
        m.add(new Mutation("tagged timestamp", "!!timestamp 2024-01-01", null));
        m.add(new Mutation("binary", "!!binary aGVsbG8=", null));
        m.add(new Mutation("binary contains", "!!binary aGVsbG8=", "|contains"));
        m.add(new Mutation("set", "!!set {a, b}", null));
        m.add(new Mutation("omap", "!!omap [a: 1]", null));
        m.add(new Mutation("unknown local tag", "!foo bar", null));
        m.add(new Mutation("python object tag", "!!python/object/apply:os.system ['id']", null));
        m.add(new Mutation("alias bomb", "*bomb9", null));
        m.add(new Mutation("undefined alias", "*nowhere", null));
        // odd modifier combinations
        m.add(new Mutation("re contains", "'abc'", "|re|contains"));
        m.add(new Mutation("base64offset re", "'abc'", "|base64offset|re"));
        m.add(new Mutation("re then i m s", "'a.b'", "|re|i|m|s"));
        m.add(new Mutation("i before re", "'a.b'", "|i|re"));
        m.add(new Mutation("cidr bad address", "'999.1.1.1/8'", "|cidr"));
        m.add(new Mutation("cidr bad prefix", "'10.0.0.0/99'", "|cidr"));
        m.add(new Mutation("cidr v6 bad prefix", "'::1/129'", "|cidr"));
        m.add(new Mutation("cidr double slash", "'10.0.0.0/8/8'", "|cidr"));
        m.add(new Mutation("cidr number", "10", "|cidr"));
        m.add(new Mutation("cidr 1 MB", "'" + MEGABYTE + "'", "|cidr"));
        m.add(new Mutation("expand unknown placeholder", "'%no_such_placeholder%'", "|expand"));
        m.add(new Mutation("expand unterminated", "'%abc'", "|expand"));
        m.add(new Mutation("windash huge", "'" + " -a".repeat(1 << 18) + "'", "|windash"));
        m.add(new Mutation("windash 1 MB", "'" + MEGABYTE + "'", "|windash|contains"));
        m.add(new Mutation("windash few", "' -a /b -c'", "|windash"));
        m.add(new Mutation("base64offset 1 MB", "'" + MEGABYTE + "'", "|base64offset|contains"));
        m.add(new Mutation("wide base64offset 1 MB", "'" + MEGABYTE + "'", "|wide|base64offset|contains"));
        m.add(new Mutation("utf16 non-ascii", "'\u00e9\u4e2d'", "|utf16|base64"));
        m.add(new Mutation("base64 wildcard", "'a*b'", "|base64"));
        m.add(new Mutation("fieldref long", "'" + "F".repeat(100_000) + "'", "|fieldref"));
        m.add(new Mutation("fieldref number", "5", "|fieldref"));
        m.add(new Mutation("exists string", "'yes'", "|exists"));
        m.add(new Mutation("cased windash", "' -a'", "|cased|windash"));
        m.add(new Mutation("all single", "'a'", "|all"));
        m.add(new Mutation("unknown modifier", "'a'", "|nosuchmodifier"));
        m.add(new Mutation("empty modifier", "'a'", "||contains"));
        m.add(new Mutation("repeated modifier", "'a'", "|contains|contains"));
        m.add(new Mutation("gt with contains", "5", "|gt|contains"));
        m.add(new Mutation("upper-case modifiers", "'a'", "|CONTAINS|ALL"));
        // regular expressions: backtracking-prone (RE2 is linear), unsupported, oversized
        m.add(new Mutation("redos nested plus", "'(a+)+$'", "|re"));
        m.add(new Mutation("redos alternation", "'^(a|a)*b$'", "|re"));
        m.add(new Mutation("redos x+x+", "'^(x+x+)+y$'", "|re"));
        m.add(new Mutation("redos dot star repeat", "'(.*a){25}'", "|re"));
        m.add(new Mutation("regex huge repeat", "'(a{1000}){1000}'", "|re"));
        m.add(new Mutation("regex nested counted", "'((a{100}){100}){100}'", "|re"));
        m.add(new Mutation("regex backreference", "'(a)\\1'", "|re"));
        m.add(new Mutation("regex lookbehind", "'(?<=a)b'", "|re"));
        m.add(new Mutation("regex invalid", "'(['", "|re"));
        m.add(new Mutation("regex 1 MB", "'" + MEGABYTE + "'", "|re"));
        m.add(new Mutation("regex deep groups", "'" + "(".repeat(5000) + "a" + ")".repeat(5000) + "'", "|re"));
        m.add(new Mutation("regex number", "1.5", "|re"));
        m.add(new Mutation("regex null", "null", "|re"));
        m.add(new Mutation("regex inf", ".inf", "|re"));
        m.add(new Mutation("regex list", "['a+', '(b|c)*d', '[']", "|re"));
        // odd strings
        m.add(new Mutation("NUL and surrogates", "\"a\\0b\\uD800c\\uDFFFd\"", null));
        m.add(new Mutation("only wildcards", "'***???'", null));
        m.add(new Mutation("trailing backslashes", "'abc\\\\\\\\\\\\'", null));
        m.add(new Mutation("empty string", "''", null));
        m.add(new Mutation("empty string contains", "''", "|contains"));
        return m;
    }

    private static final String BOMB;

    static {
        StringBuilder b = new StringBuilder("bomb0: &bomb0 [lol, lol, lol, lol, lol, lol, lol, lol, lol, lol]\n");
        for (int i = 1; i < 10; i++) {
            b.append("bomb").append(i).append(": &bomb").append(i).append(" [");
            for (int k = 0; k < 10; k++)
                b.append(k == 0 ? "" : ", ").append("*bomb").append(i - 1);
            b.append("]\n");
        }
        BOMB = b.toString();
    }

    /** Corpus rule documents by file name. */
    private static Map<String, Map<String, Object>> rules;

    @BeforeAll
    @SuppressWarnings("unchecked")
    static void readCorpus() throws IOException {
        rules = new TreeMap<>();
        LoadSettings settings =
                LoadSettings.builder().setAllowDuplicateKeys(false).build();
        for (Path folder : SigmaCorpusTest.folders()) {
            List<Path> files;
            try (Stream<Path> walk = Files.walk(folder)) {
                files = walk.filter(f -> f.toString().endsWith(".yml")).sorted().toList();
            }
            for (Path f : files) {
                Object doc = new Load(settings).loadFromString(Files.readString(f));
                if (doc instanceof Map<?, ?> m && m.get("detection") instanceof Map) {
                    rules.put(folder.getFileName() + "/" + f.getFileName(), (Map<String, Object>) m);
                }
            }
        }
        assertThat(rules).hasSizeGreaterThan(3000);
    }

    @TestFactory
    Stream<DynamicTest> everyMutatedCorpusRuleCompilesOrIsRefusedWithALocatedReason() {
        List<Mutation> ms = mutations();
        List<DynamicTest> tests = new ArrayList<>();
        for (int mi = 0; mi < ms.size(); mi++) {
            int index = mi;
            Mutation m = ms.get(mi);
            tests.add(DynamicTest.dynamicTest(
                    m.name(),
                    () -> assertTimeoutPreemptively(Duration.ofMinutes(5), () -> sweep(m, index, ms.size()))));
        }
        return tests.stream();
    }

    private static void sweep(Mutation m, int index, int count) throws IOException {
        RuleLoader loader =
                RuleLoader.create(LoaderOptions.defaults().withPlaceholderFile(SigmaCorpusTest.placeholderFile()));
        int ruleIndex = 0;
        int compiled = 0;
        int refused = 0;
        for (Map.Entry<String, Map<String, Object>> e : rules.entrySet()) {
            int i = ruleIndex++;
            boolean mine = false;
            for (int pass = 0; pass < PASSES; pass++) mine |= (i + pass * 7) % count == index;
            if (!mine) continue;
            if (compiled + refused >= m.maxRules()) break;
            String origin = e.getKey() + " <" + m.name() + ">";
            String text = mutate(e.getValue(), m, i);
            if (text == null) continue; // a rule without a detection item to mutate
            if (check(loader, origin, text)) compiled++;
            else refused++;
        }
        assertThat(compiled + refused).as("rules swept").isPositive();
        System.out.printf("sweep %-30s compiled %5d refused %5d%n", m.name(), compiled, refused);
    }

    /** Loads and compiles one mutated rule and checks the outcome; true when it compiled. */
    private static boolean check(RuleLoader loader, String origin, String text) {
        {
            LoadResult loaded = loader.loadText(origin, text);
            RuleSet set = RuleSet.compile(loaded, CompileOptions.defaults());
            List<Refusal> refusals = set.refusals();
            for (Refusal r : refusals) {
                assertThat(r.reason())
                        .as("refusal of %s", origin)
                        .doesNotContain("internal error")
                        .isNotBlank();
                assertThat(r.reason().length())
                        .as("refusal reason of %s is bounded", origin)
                        .isLessThan(2_000);
                assertThat(!r.yamlPath().isEmpty()
                                || LOCATED_YAML_ERROR.matcher(r.reason()).find()
                                || r.reason().contains("nested too deeply")
                                || r.reason().contains("alias expansion bomb"))
                        .as("refusal of %s is located: %s", origin, r)
                        .isTrue();
            }
            if (set.size() == 1) {
                match(set, origin);
                return true;
            }
            assertThat(refusals).as("%s: neither compiled nor refused", origin).isNotEmpty();
            return false;
        }
    }

    /** A change to a rule document outside the detection values: metadata, logsource, condition, field names. */
    record DocMutation(String name, String key, String yaml) {
        @Override
        public String toString() {
            return name;
        }
    }

    static List<DocMutation> docMutations() {
        List<DocMutation> m = new ArrayList<>();
        m.add(new DocMutation("title 1 MB", "title", "'" + "T".repeat(1 << 20) + "'"));
        m.add(new DocMutation("title map", "title", "{a: b}"));
        m.add(new DocMutation("title null", "title", "null"));
        m.add(new DocMutation("title number", "title", ".inf"));
        m.add(new DocMutation("id map", "id", "{a: b}"));
        m.add(new DocMutation("id list", "id", "[a, b]"));
        m.add(new DocMutation("id number", "id", "12345678901234567890123"));
        m.add(new DocMutation("id binary", "id", "!!binary aGk="));
        m.add(new DocMutation("level number", "level", "5"));
        m.add(new DocMutation("level upper", "level", "CRITICAL"));
        m.add(new DocMutation("status map", "status", "{a: b}"));
        m.add(new DocMutation("tags map", "tags", "{a: b}"));
        m.add(new DocMutation("tags nested", "tags", "[[a]]"));
        m.add(new DocMutation("tags set", "tags", "!!set {a, b}"));
        m.add(new DocMutation("date timestamp", "date", "2024-01-01T10:00:00Z"));
        m.add(new DocMutation("related garbage", "related", "{a: [1, 2]}"));
        m.add(new DocMutation("logsource number", "logsource", "5"));
        m.add(new DocMutation("logsource list", "logsource", "[a, b]"));
        m.add(new DocMutation("logsource product list", "logsource", "{product: [a, b]}"));
        m.add(new DocMutation("logsource product inf", "logsource", "{product: .inf}"));
        m.add(new DocMutation("logsource 1 MB", "logsource", "{product: '" + "P".repeat(1 << 20) + "'}"));
        m.add(new DocMutation("logsource empty", "logsource", "{}"));
        m.add(new DocMutation("detection list", "detection", "[a, b]"));
        m.add(new DocMutation("detection string", "detection", "sel"));
        m.add(new DocMutation("detection only condition", "detection", "{condition: sel}"));
        m.add(new DocMutation("condition 1 MB parens", "detection.condition", "'" + "(".repeat(1 << 20) + "'"));
        m.add(new DocMutation("condition deep not", "detection.condition", "'" + "not ".repeat(5000) + "x'"));
        m.add(new DocMutation("condition aggregation", "detection.condition", "'selection | count() > 5'"));
        m.add(new DocMutation("condition near", "detection.condition", "'selection | near x'"));
        m.add(new DocMutation("condition null", "detection.condition", "null"));
        m.add(new DocMutation("condition map", "detection.condition", "{a: b}"));
        m.add(new DocMutation("condition empty list", "detection.condition", "[]"));
        m.add(new DocMutation("condition number list", "detection.condition", "[1, 2]"));
        m.add(new DocMutation("condition all of them", "detection.condition", "'all of them'"));
        m.add(new DocMutation("condition 1 of star", "detection.condition", "'1 of *'"));
        m.add(new DocMutation("condition 99 of them", "detection.condition", "'99 of them'"));
        m.add(new DocMutation("condition huge count", "detection.condition", "'99999999999999999999 of them'"));
        m.add(new DocMutation("condition 0 of", "detection.condition", "'0 of them'"));
        m.add(new DocMutation("condition 1 MB pattern", "detection.condition", "'1 of " + "*".repeat(1 << 20) + "'"));
        m.add(new DocMutation("condition NUL", "detection.condition", "\"sel\\0\""));
        m.add(new DocMutation("timeframe garbage", "detection.timeframe", "{a: b}"));
        m.add(new DocMutation("field name 1 MB", "detection.sel_hostile", "{'" + "F".repeat(1 << 20) + "': x}"));
        m.add(new DocMutation("field name only modifiers", "detection.sel_hostile", "{'|contains': x}"));
        m.add(new DocMutation("field name NUL", "detection.sel_hostile", "{\"a\\0b\": x}"));
        m.add(new DocMutation("field name dots", "detection.sel_hostile", "{'....': x}"));
        m.add(new DocMutation("field name empty", "detection.sel_hostile", "{'': x}"));
        m.add(new DocMutation("field name trailing pipe", "detection.sel_hostile", "{'a|': x}"));
        m.add(new DocMutation("field name number", "detection.sel_hostile", "{4688: x}"));
        m.add(new DocMutation("field name null", "detection.sel_hostile", "{null: x}"));
        m.add(new DocMutation("field name bool", "detection.sel_hostile", "{true: x}"));
        m.add(new DocMutation("identifier list of lists", "detection.sel_hostile", "[[a], [b]]"));
        m.add(new DocMutation("identifier mixed list", "detection.sel_hostile", "[a, {b: c}]"));
        m.add(new DocMutation("identifier 10000 keywords", "detection.sel_hostile", "[" + "k, ".repeat(10_000) + "k]"));
        m.add(new DocMutation("identifier number", "detection.sel_hostile", "5"));
        m.add(new DocMutation("identifier null", "detection.sel_hostile", "null"));
        m.add(new DocMutation(
                "correlation section",
                "correlation",
                "{type: event_count, rules: [x], timespan: 5m, condition: {gte: .inf}}"));
        m.add(new DocMutation("filter section", "filter", "{rules: [x], condition: sel}"));
        return m;
    }

    @TestFactory
    Stream<DynamicTest> everyRuleWithAHostileDocumentPartCompilesOrIsRefusedWithALocatedReason() {
        List<DocMutation> ms = docMutations();
        List<DynamicTest> tests = new ArrayList<>();
        for (int mi = 0; mi < ms.size(); mi++) {
            int index = mi;
            DocMutation m = ms.get(mi);
            tests.add(DynamicTest.dynamicTest(
                    m.name(),
                    () -> assertTimeoutPreemptively(Duration.ofMinutes(5), () -> sweepDocument(m, index, ms.size()))));
        }
        return tests.stream();
    }

    private static void sweepDocument(DocMutation m, int index, int count) throws IOException {
        RuleLoader loader =
                RuleLoader.create(LoaderOptions.defaults().withPlaceholderFile(SigmaCorpusTest.placeholderFile()));
        int ruleIndex = 0;
        int swept = 0;
        int limit = m.yaml().length() > 20_000 ? HEAVY_RULES : 12;
        for (Map.Entry<String, Map<String, Object>> e : rules.entrySet()) {
            if (ruleIndex++ % count != index) continue;
            if (swept++ >= limit) break;
            Map<String, Object> copy = deepCopy(e.getValue());
            String[] path = m.key().split("\\.");
            @SuppressWarnings("unchecked")
            Map<String, Object> parent = path.length == 1 ? copy : (Map<String, Object>) copy.get(path[0]);
            parent.put(path[path.length - 1], TOKEN);
            String yaml = new Dump(DumpSettings.builder()
                            .setDefaultFlowStyle(FlowStyle.BLOCK)
                            .build())
                    .dumpToString(copy)
                    .replace(TOKEN, m.yaml());
            check(loader, e.getKey() + " <" + m.name() + ">", yaml);
        }
        assertThat(swept).isPositive();
    }

    /** Matches one event carrying every field the rule names, each with a hostile value. */
    private static void match(RuleSet set, String origin) {
        Engine engine =
                Engine.create(set, EngineOptions.defaults().withRouting(false).withPipeline(Pipelines.builtin("none")));
        Map<String, Object> ev = new LinkedHashMap<>();
        String hostile = "x\u0000y\uD800z\uDFFF" + "-".repeat(10_000) + "\u202e";
        for (var f : set.fields().names()) ev.put(f, hostile);
        ev.put("Message", hostile);
        MatchResult r = engine.match(List.of(Event.of(ev)));
        assertThat(r.errors()).as("match errors of %s", origin).isEmpty();
    }

    /** The rule as YAML with one detection item replaced by the mutation; null when it has none. */
    static String mutate(Map<String, Object> rule, Mutation m, int seed) {
        Map<String, Object> copy = deepCopy(rule);
        @SuppressWarnings("unchecked")
        Map<String, Object> det = (Map<String, Object>) copy.get("detection");
        List<Site> sites = new ArrayList<>();
        for (Map.Entry<String, Object> sel : det.entrySet()) {
            if (Set.of("condition", "timeframe").contains(sel.getKey())) continue;
            collect(det, sel.getKey(), sel.getValue(), sites);
        }
        if (sites.isEmpty()) return null;
        sites.get(Math.floorMod(seed * 31 + m.name().hashCode(), sites.size())).replace(m);
        String yaml = new Dump(DumpSettings.builder()
                        .setDefaultFlowStyle(FlowStyle.BLOCK)
                        .setWidth(Integer.MAX_VALUE)
                        .setSplitLines(false)
                        .build())
                .dumpToString(copy);
        assertThat(yaml).contains(TOKEN);
        String out = yaml.replace(TOKEN, m.yaml());
        return m.yaml().startsWith("*bomb") ? BOMB + out : out;
    }

    /** A place a value can be replaced: a map entry (field item) or a list element (keyword). */
    interface Site {
        void replace(Mutation m);
    }

    @SuppressWarnings("unchecked")
    private static void collect(Map<String, Object> parent, String key, Object value, List<Site> sites) {
        if (value instanceof Map<?, ?> map) {
            Map<String, Object> sel = (Map<String, Object>) map;
            for (String field : new ArrayList<>(sel.keySet())) {
                sites.add(mm -> {
                    Map<String, Object> rebuilt = new LinkedHashMap<>();
                    String name = mm.modifiers() == null
                            ? field
                            : (field.contains("|") ? field.substring(0, field.indexOf('|')) : field) + mm.modifiers();
                    for (Map.Entry<String, Object> e : sel.entrySet()) {
                        if (e.getKey().equals(field)) {
                            rebuilt.put(name, TOKEN);
                        } else if (!e.getKey().equals(name)) { // a field item the new modifiers collide with goes
                            rebuilt.put(e.getKey(), e.getValue());
                        }
                    }
                    sel.clear();
                    sel.putAll(rebuilt);
                });
            }
        } else if (value instanceof List<?> list) {
            List<Object> l = (List<Object>) list;
            for (int i = 0; i < l.size(); i++) {
                int at = i;
                if (l.get(i) instanceof Map<?, ?> m) {
                    collect(parent, key, m, sites);
                } else if (value != null) {
                    // a keyword: modifiers cannot be added to a keyword list, only the value changes
                    sites.add(mm -> l.set(at, TOKEN));
                }
            }
        }
    }

    @SuppressWarnings("unchecked")
    private static <T> T deepCopy(T o) {
        if (o instanceof Map<?, ?> m) {
            Map<Object, Object> c = new LinkedHashMap<>();
            m.forEach((k, v) -> c.put(k, deepCopy(v)));
            return (T) c;
        }
        if (o instanceof List<?> l) {
            List<Object> c = new ArrayList<>();
            for (Object v : l) c.add(deepCopy(v));
            return (T) c;
        }
        return o;
    }
}
