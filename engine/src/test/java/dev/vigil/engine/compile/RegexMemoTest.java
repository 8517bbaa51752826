package dev.vigil.engine.compile;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vigil.engine.CompileOptions;
import dev.vigil.engine.LoaderOptions;
import dev.vigil.engine.RuleLoader;
import dev.vigil.engine.RuleSet;
import dev.vigil.engine.event.Event;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The per-context memo of regex answers ({@link EvalContext#regex}) answers exactly as the regex itself: for many
 * leaves over a small pool of repeating values (so answers are reused, slots collide and are replaced), keyword and
 * field regexes, values past the memo's length limit, multi-valued fields and nulls.
 */
class RegexMemoTest {
    static final String RULES = """
            title: a
            id: 00000000-0000-4000-8000-0000000000a1
            logsource: {category: process_creation}
            detection:
                sel:
                    CommandLine|re: '-k\\\\s\\\\w{1,64}(?:\\\\s?(?:-p|-s))?'
                condition: sel
            ---
            title: b
            id: 00000000-0000-4000-8000-0000000000a2
            logsource: {category: process_creation}
            detection:
                sel:
                    CommandLine|re|i: 'POWERSHELL.*-enc'
                condition: sel
            ---
            title: c
            id: 00000000-0000-4000-8000-0000000000a3
            logsource: {category: process_creation}
            detection:
                sel:
                    Image|re: '\\\\\\\\[a-z]{3}\\\\.exe$'
                condition: sel
            ---
            title: d
            id: 00000000-0000-4000-8000-0000000000a4
            logsource: {category: process_creation}
            detection:
                keywords:
                    '|re': 'x[0-9]+y'
                condition: keywords
            """;

    @Test
    void memoisedAnswersEqualTheRegexOnRepeatingValues() {
        RuleSet rs = RuleSet.compile(
                RuleLoader.create(LoaderOptions.defaults()).loadText("t.yml", RULES), CompileOptions.defaults());
        assertThat(rs.refusals()).isEmpty();
        List<Leaf.Regex> leaves = new ArrayList<>();
        for (CompiledRule r : rs.compiled()) {
            for (Leaf l : r.leaves()) if (l instanceof Leaf.Regex x) leaves.add(x);
        }
        assertThat(leaves).hasSize(4);
        String[] pool = {
            "svchost.exe -k netsvcs -p",
            "svchost.exe -k",
            "powershell -ENC abc",
            "PowerShell.exe -enc",
            "C:\\\\x\\\\cmd.exe",
            "C:\\\\x\\\\CMD.exe",
            "x12y",
            "x y",
            "",
            "-k  two",
            "a".repeat(EvalContext.REGEX_MEMO_MAX_LENGTH) + " -k a",
        };
        Random rnd = new Random(3);
        EvalContext ctx = new EvalContext(rs.fields());
        int checked = 0;
        for (int i = 0; i < 20_000; i++) {
            Map<String, Object> m = new java.util.LinkedHashMap<>();
            m.put("CommandLine", rnd.nextInt(10) == 0 ? null : pool[rnd.nextInt(pool.length)]);
            m.put(
                    "Image",
                    rnd.nextBoolean()
                            ? pool[rnd.nextInt(pool.length)]
                            : List.of(pool[rnd.nextInt(pool.length)], pool[rnd.nextInt(pool.length)]));
            m.put("Other", "v" + rnd.nextInt(5000)); // unique-ish values crowd the table
            Event e = Event.of(m);
            ctx.bind(e);
            for (Leaf.Regex leaf : leaves) {
                for (int s = 0; s < e.size(); s++) {
                    assertThat(ctx.regex(leaf, e, s))
                            .as("%s on %s", leaf, e.value(s))
                            .isEqualTo(leaf.test(e, s));
                    checked++;
                }
                boolean direct = false;
                if (leaf.field() == Leaf.ANY_FIELD) {
                    for (int s = 0; s < e.size(); s++) direct |= leaf.test(e, s);
                } else {
                    for (int s = ctx.first(leaf.field()); s >= 0; s = ctx.next(s)) direct |= leaf.test(e, s);
                }
                assertThat(leaf.eval(ctx)).isEqualTo(direct);
            }
        }
        assertThat(checked).isGreaterThan(100_000);
        assertThat(ctx.regexMemoHits()).as("answers reused").isGreaterThan(50_000);
    }
}
