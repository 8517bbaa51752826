package dev.vigil.engine.index;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vigil.engine.CompileOptions;
import dev.vigil.engine.Detection;
import dev.vigil.engine.Engine;
import dev.vigil.engine.EngineOptions;
import dev.vigil.engine.LoaderOptions;
import dev.vigil.engine.RuleLoader;
import dev.vigil.engine.RuleSet;
import dev.vigil.engine.compile.CompiledRule;
import dev.vigil.engine.compile.Node;
import dev.vigil.engine.event.Event;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Rules the candidate test decides ({@link Witness#decided}) are reported without evaluation, and rules with a veto
 * are evaluated on their residual tree ({@link CandidateIndex#residual}): which rules qualify, and that the engine
 * detects exactly what full evaluation detects — including the matched fields — on events built to hit every leaf.
 */
class DecidedRulesTest {
    static final String RULES = """
            title: keywords
            id: 00000000-0000-4000-8000-000000000001
            logsource: {product: cisco, service: aaa}
            detection:
                keywords: ['show running-config', 'aaa', 'dir']
                condition: keywords
            ---
            title: two clauses and an exclusion
            id: 00000000-0000-4000-8000-000000000002
            logsource: {category: process_creation}
            detection:
                img:
                    Image|endswith: ['\\\\rundll32.exe', '\\\\regsvr32.exe']
                cmd:
                    CommandLine|contains: ['javascript:', 'http://']
                filter:
                    ParentImage|startswith: 'C:\\\\Program Files\\\\'
                condition: img and cmd and not filter
            ---
            title: regex is not decided
            id: 00000000-0000-4000-8000-000000000003
            logsource: {category: process_creation}
            detection:
                sel:
                    CommandLine|re: 'whoami\\s+/all'
                condition: sel
            ---
            title: case-sensitive is not decided
            id: 00000000-0000-4000-8000-000000000004
            logsource: {category: process_creation}
            detection:
                sel:
                    CommandLine|contains|cased: 'Invoke-'
                condition: sel
            ---
            title: three positive clauses are not decided
            id: 00000000-0000-4000-8000-000000000005
            logsource: {category: process_creation}
            detection:
                a:
                    Image|endswith: '\\\\cmd.exe'
                b:
                    CommandLine|contains: '/c'
                c:
                    User|contains: 'admin'
                condition: a and b and c
            ---
            title: exclusions only, with residual filters
            id: 00000000-0000-4000-8000-000000000006
            logsource: {category: process_creation}
            detection:
                known:
                    Image|endswith: ['.exe', '.com']
                filter_main_empty:
                    Image: ''
                filter_main_null:
                    Image: null
                filter_rollback:
                    Image|contains: ':\\\\Config.Msi\\\\'
                    Image|endswith: '.rbf'
                filter_glob:
                    Image|contains: 'temp*cache'
                condition: not known and not 1 of filter_*
            ---
            title: glob positive with exact exclusion
            id: 00000000-0000-4000-8000-000000000007
            logsource: {category: process_creation}
            detection:
                sel:
                    CommandLine: '*powershell*-enc*'
                filter:
                    ParentImage|endswith: '\\\\explorer.exe'
                condition: sel and not filter
            """;

    static RuleSet rules() {
        RuleSet s = RuleSet.compile(
                RuleLoader.create(LoaderOptions.defaults()).loadText("t.yml", RULES), CompileOptions.defaults());
        assertThat(s.refusals()).isEmpty();
        return s;
    }

    static int ruleIndex(RuleSet rs, String idSuffix) {
        for (CompiledRule r : rs.compiled()) if (r.info().ref().toString().endsWith(idSuffix)) return r.index();
        throw new AssertionError(idSuffix);
    }

    @Test
    void exactStringRulesAreDecidedAndOthersAreNot() {
        RuleSet rs = rules();
        CandidateIndex ix = rs.index();
        assertThat(ix.decides(ruleIndex(rs, "0001"))).as("keyword OR").isTrue();
        assertThat(ix.decides(ruleIndex(rs, "0002")))
                .as("two clauses and not(exact)")
                .isTrue();
        assertThat(ix.decides(ruleIndex(rs, "0003"))).as("regex").isFalse();
        assertThat(ix.decides(ruleIndex(rs, "0004"))).as("cased").isFalse();
        assertThat(ix.decides(ruleIndex(rs, "0005")))
                .as("three clauses, two witnesses")
                .isFalse();
        assertThat(ix.decides(ruleIndex(rs, "0006"))).as("no witness").isFalse();
        assertThat(ix.decides(ruleIndex(rs, "0007"))).as("glob").isFalse();
        assertThat(ix.decidedRules()).isEqualTo(2);
    }

    @Test
    void residualTreesDropTheExclusionsTheVetoChecked() {
        RuleSet rs = rules();
        CandidateIndex ix = rs.index();
        int r6 = ruleIndex(rs, "0006");
        Node residual = ix.residual(r6);
        assertThat(residual).isNotNull();
        String text = residual.toString();
        // the veto atoms (.exe/.com suffixes) are gone; what the index cannot prove stays
        assertThat(text).doesNotContain("'.exe'").doesNotContain("'.com'");
        assertThat(text).contains("Image NULL").contains("':\\config.msi\\'").contains("temp*cache");
        // a candidate of "glob and not exact" has the exclusion false already: only the glob is left to test
        assertThat(ix.residual(ruleIndex(rs, "0007"))).hasToString("CommandLine GLOB '*powershell*-enc*'");
        // no veto, nothing to drop
        assertThat(ix.residual(ruleIndex(rs, "0003"))).isNull();
    }

    @Test
    void decidedAndResidualEvaluationDetectExactlyWhatFullEvaluationDetects() {
        RuleSet rs = rules();
        Engine fast = Engine.create(rs, EngineOptions.defaults());
        Engine full = Engine.create(rs, EngineOptions.defaults().withDecide(false));
        Engine naive = Engine.create(rs, EngineOptions.defaults().withIndex(false));
        String[] images = {
            "C:\\Windows\\System32\\RUNDLL32.EXE",
            "C:\\x\\regsvr32.exe",
            "C:\\Config.Msi\\a.rbf",
            "C:\\Config.Msi\\a.rbs",
            "",
            "C:\\tool",
            "C:\\x\\temp\\cache",
            "C:\\x\\cmd.exe",
            "C:\\x\\a.COM",
            "\u212Aelvin"
        };
        String[] commands = {
            "rundll32 javascript:alert",
            "HTTP://x",
            "powershell -ENC abc",
            "whoami  /all",
            "Invoke-Thing",
            "invoke-thing",
            "/c dir",
            "show running-config",
            "nothing"
        };
        String[] parents = {"C:\\Program Files\\x.exe", "c:\\windows\\explorer.exe", "C:\\other.exe"};
        Random rnd = new Random(7);
        List<Event> events = new ArrayList<>();
        for (int i = 0; i < 3000; i++) {
            Map<String, Object> m = new java.util.LinkedHashMap<>();
            if (rnd.nextInt(10) > 0) m.put("Image", rnd.nextInt(15) == 0 ? null : images[rnd.nextInt(images.length)]);
            m.put("CommandLine", commands[rnd.nextInt(commands.length)]);
            if (rnd.nextBoolean()) m.put("ParentImage", parents[rnd.nextInt(parents.length)]);
            if (rnd.nextBoolean()) m.put("User", rnd.nextBoolean() ? "CORP\\Admin" : "bob");
            if (rnd.nextInt(4) == 0) {
                m.put("product", "cisco");
                m.put("service", "aaa");
                m.put("message", "User x executed: " + commands[rnd.nextInt(commands.length)]);
            } else {
                m.put("category", "process_creation");
            }
            events.add(Event.of(m));
        }
        List<String> a = describe(fast, events);
        assertThat(a).isEqualTo(describe(full, events)).isEqualTo(describe(naive, events));
        assertThat(a).anyMatch(s -> s.startsWith("00000000-0000-4000-8000-000000000001"));
        assertThat(a).anyMatch(s -> s.startsWith("00000000-0000-4000-8000-000000000002"));
        assertThat(a).anyMatch(s -> s.startsWith("00000000-0000-4000-8000-000000000006"));
        assertThat(a).anyMatch(s -> s.startsWith("00000000-0000-4000-8000-000000000007"));
    }

    static List<String> describe(Engine engine, List<Event> events) {
        List<String> out = new ArrayList<>();
        for (int from = 0; from < events.size(); from += 100) {
            List<Event> batch = events.subList(from, Math.min(events.size(), from + 100));
            for (Detection d : engine.match(batch).detections()) {
                out.add(d.ruleId() + " @" + (from + d.eventIndex()) + " " + d.matchedFields());
            }
        }
        return out;
    }
}
