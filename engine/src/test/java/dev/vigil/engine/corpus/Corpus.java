package dev.vigil.engine.corpus;

import dev.vigil.engine.CompileOptions;
import dev.vigil.engine.LoaderOptions;
import dev.vigil.engine.RuleLoader;
import dev.vigil.engine.RuleSet;
import java.io.IOException;
import java.io.UncheckedIOException;

/** The whole SigmaHQ corpus (five folders, with the example placeholders), compiled once per test JVM. */
public final class Corpus {
    private static RuleSet rules;

    private Corpus() {}

    /** The compiled corpus (skips or fails the calling test when the shared data is absent). */
    public static synchronized RuleSet rules() {
        if (rules == null) {
            try {
                rules = RuleSet.compile(
                        RuleLoader.create(
                                        LoaderOptions.defaults().withPlaceholderFile(SigmaCorpusTest.placeholderFile()))
                                .load(SigmaCorpusTest.folders()),
                        CompileOptions.defaults());
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return rules;
    }
}
