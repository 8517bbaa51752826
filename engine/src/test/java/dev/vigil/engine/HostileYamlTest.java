package dev.vigil.engine;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Hostile YAML in rule files: each limit of {@link LoaderOptions} turns a file into one located refusal (file, line,
 * column, reason) while the other files of the same load, and the documents before the offending one, still load.
 */
class HostileYamlTest {
    private static final String GOOD_ID = "00000000-0000-4000-8000-000000000001";

    private static String rule(String id, String value) {
        return "title: t\nid: " + id + "\nlogsource: {product: windows}\ndetection:\n    sel:\n        CommandLine: "
                + value + "\n    condition: sel\n";
    }

    /** Loads the hostile text beside a good rule file; returns the result after checking the good rule loaded. */
    private static LoadResult loadBesideGoodRule(Path dir, String hostile, LoaderOptions options) throws IOException {
        Files.writeString(dir.resolve("a_good.yml"), rule(GOOD_ID, "whoami"));
        Files.writeString(dir.resolve("b_hostile.yml"), hostile);
        LoadResult r = RuleLoader.create(options).load(List.of(dir));
        assertThat(r.rules()).extracting(x -> x.info().id()).containsExactly(GOOD_ID);
        return r;
    }

    private static Refusal onlyRefusal(LoadResult r, Path dir) {
        assertThat(r.refusals()).hasSize(1);
        Refusal f = r.refusals().get(0);
        assertThat(f.file()).isEqualTo(dir.resolve("b_hostile.yml").toString());
        return f;
    }

    @Test
    void deepNestingIsRefusedAtTheFirstLevelOverTheLimit(@TempDir Path dir) throws IOException {
        String deep = rule("00000000-0000-4000-8000-000000000002", "[".repeat(20_000) + "]".repeat(20_000));
        Refusal f = onlyRefusal(loadBesideGoodRule(dir, deep, LoaderOptions.defaults()), dir);
        // 'detection', 'sel' and the rule's map are 3 levels; the 62nd [ is the 65th level, at column 21 + 62
        assertThat(f.reason())
                .isEqualTo("YAML nesting deeper than 64 levels of lists and maps (the limit of a rule file)"
                        + " (line 6, column 83)");
        assertThat(f.toString()).startsWith(dir.resolve("b_hostile.yml") + " [-] YAML nesting deeper than 64");
    }

    @Test
    void deepFlowMapsAndBlockMapsAreRefusedAndTheLimitIsAnOption(@TempDir Path dir) throws IOException {
        String maps = rule("00000000-0000-4000-8000-000000000002", "{a: ".repeat(10_000) + "x" + "}".repeat(10_000));
        assertThat(onlyRefusal(loadBesideGoodRule(dir, maps, LoaderOptions.defaults()), dir)
                        .reason())
                .startsWith("YAML nesting deeper than 64 levels")
                .endsWith("(line 6, column 266)");

        LoaderOptions five = LoaderOptions.defaults().withYamlLimits(5, 10_000, 10_000);
        // block style: the rule's map, detection, sel, CommandLine's map, its list: 5 levels load
        String atLimit = "title: t\nid: x\nlogsource: {product: windows}\ndetection:\n    sel:\n        CommandLine:\n"
                + "            a:\n                - b\n    condition: sel\n";
        assertThat(RuleLoader.create(five).loadText("ok.yml", atLimit).refusals())
                .noneMatch(r -> r.reason().contains("nesting"));
        String over = atLimit.replace("                - b\n", "                - [b]\n");
        assertThat(RuleLoader.create(five).loadText("over.yml", over).refusals())
                .singleElement()
                .satisfies(r -> assertThat(r.reason())
                        .isEqualTo("YAML nesting deeper than 5 levels of lists and maps (the limit of a rule file)"
                                + " (line 8, column 19)"));
    }

    @Test
    void billionLaughsIsRefusedAtTheAliasThatCrossesTheExpansionLimit(@TempDir Path dir) throws IOException {
        StringBuilder b = new StringBuilder("lol0: &l0 [lol, lol, lol, lol, lol, lol, lol, lol, lol, lol]\n");
        for (int i = 1; i < 10; i++) {
            b.append("lol").append(i).append(": &l").append(i).append(" [");
            for (int k = 0; k < 10; k++)
                b.append(k == 0 ? "" : ", ").append("*l").append(i - 1);
            b.append("]\n");
        }
        String bomb = b + rule("00000000-0000-4000-8000-000000000002", "x");
        // lol1..lol3 expand to 10 * 11 + 10 * 111 + 10 * 1111 nodes: the 10,000th falls in lol3 (line 4)
        Refusal f = onlyRefusal(loadBesideGoodRule(dir, bomb, LoaderOptions.defaults()), dir);
        assertThat(f.reason())
                .startsWith("aliases expand to more than 10000 YAML nodes in one document (an alias expansion bomb"
                        + " such as billion laughs is refused) (line 4, column ");
    }

    @Test
    void moreThanFiftyAliasesToCollectionsAreRefusedWithThePositionOfTheFirstOneOver(@TempDir Path dir)
            throws IOException {
        StringBuilder b = new StringBuilder("base: &b [x]\n");
        for (int i = 0; i < 51; i++) b.append("copy").append(i).append(": *b\n");
        Refusal f = onlyRefusal(
                loadBesideGoodRule(
                        dir, b + rule("00000000-0000-4000-8000-000000000002", "x"), LoaderOptions.defaults()),
                dir);
        assertThat(f.reason())
                .isEqualTo("more than 50 aliases to lists or maps in one document (an alias expansion bomb such as"
                        + " billion laughs is refused) (line 52, column 9)");

        // fifty aliases, and any number of aliases to plain values, are fine
        StringBuilder ok = new StringBuilder("base: &b [x]\nword: &w whoami\n");
        for (int i = 0; i < 50; i++) ok.append("copy").append(i).append(": *b\n");
        for (int i = 0; i < 200; i++) ok.append("word").append(i).append(": *w\n");
        LoadResult r = RuleLoader.create(LoaderOptions.defaults())
                .loadText("ok.yml", ok + rule("00000000-0000-4000-8000-000000000003", "*w"));
        assertThat(r.refusals()).isEmpty();
        assertThat(r.rules())
                .singleElement()
                .satisfies(x -> assertThat(x.info().id()).isEqualTo("00000000-0000-4000-8000-000000000003"));
    }

    @Test
    void aCyclicAliasIsRefused(@TempDir Path dir) throws IOException {
        String cyclic = "loop: &a [x, *a]\n" + rule("00000000-0000-4000-8000-000000000002", "x");
        assertThat(onlyRefusal(loadBesideGoodRule(dir, cyclic, LoaderOptions.defaults()), dir)
                        .reason())
                .isEqualTo("alias *a refers to a list or map that contains it (a cyclic structure is refused)"
                        + " (line 1, column 14)");
    }

    @Test
    void listsAndMapsAsMappingKeysAreRefusedWithTheirPosition(@TempDir Path dir) throws IOException {
        String complex = rule("00000000-0000-4000-8000-000000000002", "x")
                .replace("        CommandLine: x\n", "        CommandLine: x\n        ? [a, b]\n        : x\n");
        assertThat(onlyRefusal(loadBesideGoodRule(dir, complex, LoaderOptions.defaults()), dir)
                        .reason())
                .isEqualTo("a mapping key must be a plain value, not a list or map (such keys are refused)"
                        + " (line 7, column 11)");

        RuleLoader loader = RuleLoader.create(LoaderOptions.defaults());
        assertThat(loader.loadText("flow.yml", "{{a: b}: c}").refusals())
                .singleElement()
                .satisfies(r -> assertThat(r.reason()).endsWith("(such keys are refused) (line 1, column 2)"));
        assertThat(loader.loadText("alias.yml", "m: &m {a: b}\nn: {*m : c}\n").refusals())
                .singleElement()
                .satisfies(r -> assertThat(r.reason()).endsWith("(such keys are refused) (line 2, column 5)"));
    }

    @Test
    void documentsOverTheLimitAreRefusedAndTheOnesBeforeLoad() {
        LoaderOptions three = LoaderOptions.defaults().withYamlLimits(64, 10_000, 3);
        StringBuilder y = new StringBuilder();
        for (int i = 1; i <= 5; i++) {
            y.append("---\n").append(rule("00000000-0000-4000-8000-00000000000" + i, "x"));
        }
        LoadResult r = RuleLoader.create(three).loadText("many.yml", y.toString());
        assertThat(r.rules()).hasSize(3);
        assertThat(r.refusals()).singleElement().satisfies(f -> {
            assertThat(f.yamlPath()).isEqualTo("document 4");
            assertThat(f.reason())
                    .isEqualTo("more than 3 YAML documents in one file; the rest of the file is not read"
                            + " (line 25, column 1)");
        });
    }

    @Test
    void aDocumentOverALimitDoesNotTakeTheDocumentsBeforeItAlong() {
        String y = rule(GOOD_ID, "x") + "---\n" + rule("00000000-0000-4000-8000-000000000002", "[".repeat(100));
        LoadResult r = RuleLoader.create(LoaderOptions.defaults()).loadText("two.yml", y);
        assertThat(r.rules()).extracting(x -> x.info().id()).containsExactly(GOOD_ID);
        assertThat(r.refusals()).singleElement().satisfies(f -> {
            assertThat(f.yamlPath()).isEqualTo("document 2");
            assertThat(f.reason()).startsWith("YAML nesting deeper than 64").endsWith("(line 14, column 83)");
        });
    }

    @Test
    void megabyteValuesLoadIntact() {
        // loading is linear in the value's length (it was quadratic: 1 MB took 0.35 s, 2 MB 1.4 s in the parser)
        for (String quote : List.of("'", "\"", "")) {
            String value = "A".repeat(3 << 20);
            LoadResult r = RuleLoader.create(LoaderOptions.defaults())
                    .loadText("big.yml", rule(GOOD_ID, quote + value + quote));
            assertThat(r.refusals()).isEmpty();
            Map<?, ?> det = (Map<?, ?>) r.rules().get(0).raw().get("detection");
            assertThat(((Map<?, ?>) det.get("sel")).get("CommandLine")).isEqualTo(value);
        }
    }

    @Test
    void namesWithInvisibleCharactersAreRefusedAndTheRestOfTheFileLoads() {
        String zeroWidth = rule("00000000-0000-4000-8000-000000000002", "x")
                .replace("CommandLine:", "\"CommandLine\\u200b|contains\":");
        String bidi = rule("00000000-0000-4000-8000-000000000003", "x")
                .replace("    sel:", "    \"sel\\u202e\":")
                .replace("condition: sel", "condition: all of them");
        LoadResult r = RuleLoader.create(LoaderOptions.defaults())
                .loadText("names.yml", rule(GOOD_ID, "x") + "---\n" + zeroWidth + "---\n" + bidi);
        assertThat(r.rules()).extracting(x -> x.info().id()).containsExactly(GOOD_ID);
        assertThat(r.refusals()).hasSize(2);
        assertThat(r.refusals().get(0).yamlPath()).isEqualTo("document 2: detection.sel.CommandLine\u200b|contains");
        assertThat(r.refusals().get(0).reason())
                .isEqualTo("field name contains the invisible or control character U+200B at position 12 (a name"
                        + " that only looks like another never matches)");
        assertThat(r.refusals().get(1).yamlPath()).isEqualTo("document 3: detection.sel\u202e");
        assertThat(r.refusals().get(1).reason())
                .startsWith("search identifier contains the invisible or control" + " character U+202E at position 4");
    }
}
