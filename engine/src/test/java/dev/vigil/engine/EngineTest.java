package dev.vigil.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.vigil.engine.compile.FieldTable;
import dev.vigil.engine.compile.TestRules;
import dev.vigil.engine.event.Event;
import dev.vigil.engine.pipeline.Pipelines;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;

class EngineTest {
    static final String RULES = """
            title: Whoami on Windows
            id: 11111111-0000-4000-8000-000000000001
            level: medium
            status: test
            tags: [attack.discovery, attack.t1033, cve.2099-0001]
            logsource: {product: windows, category: process_creation}
            detection:
                sel:
                    CommandLine|contains: whoami
                condition: sel
            ---
            title: Whoami anywhere
            id: 11111111-0000-4000-8000-000000000002
            level: low
            logsource: {category: process_creation}
            detection:
                sel:
                    CommandLine|contains: whoami
                condition: sel
            ---
            title: Linux auth failure
            id: 11111111-0000-4000-8000-000000000003
            level: high
            logsource: {product: linux, service: auth}
            detection:
                keywords: ['authentication failure']
                condition: keywords
            """;

    static RuleSet rules(String yaml) {
        RuleSet s = RuleSet.compile(
                RuleLoader.create(LoaderOptions.defaults()).loadText("t.yml", yaml), CompileOptions.defaults());
        assertThat(s.refusals()).isEmpty();
        return s;
    }

    static Event ev(Map<String, Object> m) {
        return Event.of(m);
    }

    static List<String> ids(MatchResult r) {
        return r.detections().stream().map(Detection::ruleId).toList();
    }

    @Test
    void routingEvaluatesOnlyRulesOfTheEventsLogsource() {
        Engine e = Engine.create(rules(RULES), EngineOptions.defaults());
        Event win = ev(Map.of("CommandLine", "whoami /all", "product", "windows", "category", "process_creation"));
        Event linux = ev(Map.of("CommandLine", "whoami", "product", "linux", "service", "auth"));
        assertThat(ids(e.match(List.of(win))))
                .containsExactly("11111111-0000-4000-8000-000000000001", "11111111-0000-4000-8000-000000000002");
        assertThat(ids(e.match(List.of(linux)))).isEmpty();
        assertThat(e.stats().ruleEvaluations()).isEqualTo(2 + 1);
    }

    @Test
    void noRoutingEvaluatesEveryRuleOnEveryEvent() {
        Engine e = Engine.create(rules(RULES), EngineOptions.defaults().withRouting(false));
        Event linux = ev(Map.of("CommandLine", "whoami", "product", "linux", "service", "auth"));
        assertThat(ids(e.match(List.of(linux))))
                .containsExactly("11111111-0000-4000-8000-000000000001", "11111111-0000-4000-8000-000000000002");
        assertThat(e.stats().ruleEvaluations()).isEqualTo(3);
    }

    @Test
    void eventWithoutLogsourceIsEvaluatedAgainstEveryRuleAndCounted() {
        Engine e = Engine.create(rules(RULES), EngineOptions.defaults());
        MatchResult r = e.match(List.of(ev(Map.of("message", "pam: authentication failure; user=x"))));
        assertThat(ids(r)).containsExactly("11111111-0000-4000-8000-000000000003");
        assertThat(e.stats().unroutedEvents()).isEqualTo(1);
    }

    @Test
    void detectionCarriesRuleEventFieldsAndPosition() {
        Engine e = Engine.create(rules(RULES), EngineOptions.defaults());
        Event benign = ev(Map.of("CommandLine", "notepad", "product", "windows", "category", "process_creation"));
        Event hit = ev(Map.of(
                "CommandLine",
                "cmd /c WHOAMI",
                "product",
                "windows",
                "category",
                "process_creation",
                "@timestamp",
                "2026-11-20T08:00:00Z"));
        MatchResult r = e.match(List.of(benign, hit));
        Detection d = r.detections().get(0);
        assertThat(d.ruleTitle()).isEqualTo("Whoami on Windows");
        assertThat(d.level()).isEqualTo("medium");
        assertThat(d.status()).isEqualTo("test");
        assertThat(d.tags()).containsExactly("attack.discovery", "attack.t1033", "cve.2099-0001");
        assertThat(d.attackTags()).containsExactly("attack.discovery", "attack.t1033");
        assertThat(d.matchedFields()).containsExactly(Map.entry("CommandLine", "cmd /c WHOAMI"));
        assertThat(d.eventIndex()).isEqualTo(1);
        assertThat(d.timestamp()).hasToString("2026-11-20T08:00:00Z");
        assertThat(d.correlation()).isNull();
        assertThat(e.stats().detections()).isEqualTo(2);
        assertThat(e.stats().events()).isEqualTo(2);
    }

    @Test
    void swapRefusesAnEmptyRuleSetAndReplacesAtomically() {
        RuleSet first = rules(RULES);
        Engine e = Engine.create(first, EngineOptions.defaults().withRouting(false));
        RuleSet empty = RuleSet.compile(
                RuleLoader.create(LoaderOptions.defaults()).loadText("empty.yml", ""), CompileOptions.defaults());
        assertThatThrownBy(() -> e.swap(empty))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("empty");
        assertThat(e.ruleSet()).isSameAs(first);
        RuleSet second = rules("""
                title: Only netcat
                logsource: {category: process_creation}
                detection:
                    sel: {Image|endswith: '\\\\nc.exe'}
                    condition: sel
                """);
        e.swap(second);
        assertThat(e.ruleSet()).isSameAs(second);
        assertThat(ids(e.match(List.of(ev(Map.of("CommandLine", "whoami")))))).isEmpty();
        assertThat(e.match(List.of(ev(Map.of("Image", "C:\\nc.exe")))).detections())
                .hasSize(1);
        assertThat(e.stats().swaps()).isEqualTo(1);
    }

    @Test
    void aFailingRuleIsReportedAndTheBatchContinues() {
        RuleInfo boom =
                new RuleInfo("boom", null, "Boom", null, "high", null, null, null, "x", null, null, null, null, null);
        RuleSet normal = rules(RULES);
        List<dev.vigil.engine.compile.CompiledRule> compiled = new ArrayList<>();
        compiled.add(TestRules.throwing(0, boom));
        FieldTable.Builder fb = new FieldTable.Builder();
        fb.intern("CommandLine");
        RuleSet set = RuleSet.of(compiled, fb.build());
        List<RuleFailure> seen = new ArrayList<>();
        Engine e = Engine.create(set, EngineOptions.defaults().withListener(new EngineListener() {
            @Override
            public void ruleFailed(RuleFailure f) {
                seen.add(f);
            }
        }));
        MatchResult r = e.match(List.of(ev(Map.of("a", "1")), ev(Map.of("b", "2"))));
        assertThat(r.detections()).isEmpty();
        assertThat(r.errors()).extracting(RuleFailure::eventIndex).containsExactly(0, 1);
        assertThat(r.errors().get(0).ruleId()).isEqualTo("boom");
        assertThat(r.errors().get(0).message()).contains("boom on a");
        assertThat(seen).hasSize(2);
        assertThat(e.stats().failures()).isEqualTo(2);
        assertThat(normal.size()).isEqualTo(3);
    }

    @Test
    void matchingIsThreadSafe() throws Exception {
        Engine e = Engine.create(rules(RULES), EngineOptions.defaults());
        List<Event> batch = new ArrayList<>();
        for (int i = 0; i < 2000; i++) {
            batch.add(ev(Map.of(
                    "CommandLine",
                    i % 3 == 0 ? "whoami " + i : "other " + i,
                    "product",
                    "windows",
                    "category",
                    "process_creation")));
        }
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            List<Future<Integer>> futures = new ArrayList<>();
            for (int t = 0; t < 8; t++)
                futures.add(pool.submit(() -> e.match(batch).detections().size()));
            for (Future<Integer> f : futures) assertThat(f.get()).isEqualTo(667 * 2);
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void pipelineRunsBeforeMatching() {
        Engine e = Engine.create(rules(RULES), EngineOptions.defaults().withPipeline(Pipelines.auto()));
        Event evtx = Event.parseJson("""
                {"Event":{"System":{"Channel":"Microsoft-Windows-Sysmon/Operational","EventID":1,
                 "Provider":{"#attributes":{"Name":"Microsoft-Windows-Sysmon"}}},
                 "EventData":{"CommandLine":"whoami /priv"}}}""");
        MatchResult r = e.match(List.of(evtx));
        assertThat(ids(r))
                .containsExactly("11111111-0000-4000-8000-000000000001", "11111111-0000-4000-8000-000000000002");
        assertThat(r.detections().get(0).event().getString("CommandLine")).isEqualTo("whoami /priv");
    }
}
