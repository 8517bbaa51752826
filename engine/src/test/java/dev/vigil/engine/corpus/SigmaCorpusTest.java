package dev.vigil.engine.corpus;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vigil.engine.CompileOptions;
import dev.vigil.engine.LoadResult;
import dev.vigil.engine.LoaderOptions;
import dev.vigil.engine.Refusal;
import dev.vigil.engine.RuleLoader;
import dev.vigil.engine.RuleSet;
import dev.vigil.engine.SharedData;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Acceptance 1: the whole SigmaHQ corpus (five folders) loads; only placeholder rules need the placeholder file. */
class SigmaCorpusTest {
    static final List<String> FOLDERS =
            List.of("rules", "rules-emerging-threats", "rules-threat-hunting", "rules-compliance", "rules-placeholder");

    static List<Path> folders() {
        Path sigma = SharedData.resolve("sigma");
        return FOLDERS.stream().map(sigma::resolve).toList();
    }

    static Path placeholderFile() {
        return Path.of(System.getProperty("vigil.repo.root", "..")).resolve("config/placeholders.example.yml");
    }

    @Test
    void everyNonPlaceholderRuleLoadsAndPlaceholderRulesAreRefusedWithAReason() {
        LoadResult loaded = RuleLoader.create(LoaderOptions.defaults()).load(folders());
        RuleSet set = RuleSet.compile(loaded, CompileOptions.defaults());
        for (Refusal r : set.refusals()) System.out.println("REFUSED " + r);
        assertThat(set.refusals()).allSatisfy(r -> {
            assertThat(r.reason()).contains("placeholder %").contains("is not defined");
            assertThat(r.yamlPath()).contains("|expand");
        });
        assertThat(set.refusals()).isNotEmpty();
        assertThat(set.size() + set.refusals().size()).isEqualTo(3780);
    }

    @Test
    void withThePlaceholderFileEveryRuleLoads() throws Exception {
        LoadResult loaded = RuleLoader.create(LoaderOptions.defaults().withPlaceholderFile(placeholderFile()))
                .load(folders());
        RuleSet set = RuleSet.compile(loaded, CompileOptions.defaults());
        for (Refusal r : set.refusals()) System.out.println("REFUSED " + r);
        assertThat(set.refusals()).isEmpty();
        assertThat(set.size()).isEqualTo(3780);
    }
}
