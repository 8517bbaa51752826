package dev.vigil.engine.compile;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.re2j.Pattern;
import dev.vigil.engine.RuleSet;
import dev.vigil.engine.corpus.Corpus;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * {@link RegexSimplifier} must never change whether a text contains a match: checked on the rewrites it is meant
 * for, on what it must leave alone, and for every regex of the SigmaHQ corpus against texts made of that regex's own
 * characters.
 */
class RegexSimplifierTest {

    @ParameterizedTest
    @CsvSource(
            delimiter = '~',
            value = {
                "-k\\s\\w{1,64}(?:\\s?(?:-p|-s))?~-k\\s\\w",
                "https?://0[0-9]{3,11}~https?://0[0-9]{3}",
                " [0-7]{7,13}~ [0-7]{7}",
                "(?i)x*abc~(?i)abc",
                "x+y+~xy",
                ".*abc.*~abc",
                "a{2,}b~a{2}b",
                "abc~abc",
                "abc$~abc$",
                "^a*~^",
                "a|b*~a|b*",
                "(?P<n>a)b*c~(?P<n>a)b*c",
                "a\\b*~a\\b*",
                "[a-z]+\\.[a-z]{2,10}~[a-z]\\.[a-z]{2}"
            })
    void rewritesOnlyWhatKeepsTheAnswer(String in, String out) {
        assertThat(RegexSimplifier.forFind(in)).isEqualTo(out);
    }

    @Test
    void everyCorpusRegexFindsExactlyWhatItsSimplificationFinds() {
        RuleSet rules = Corpus.rules();
        Random rnd = new Random(11);
        int checked = 0;
        int simplified = 0;
        for (var rule : rules.compiled()) {
            for (Leaf l : rule.leaves()) {
                if (!(l instanceof Leaf.Regex r)) continue;
                Pattern original = r.pattern();
                String s = RegexSimplifier.forFind(original.pattern());
                if (s.equals(original.pattern())) continue;
                simplified++;
                Pattern simple = Pattern.compile(s, original.flags());
                for (String text : texts(original.pattern(), rnd)) {
                    assertThat(simple.matcher(text).find())
                            .as("/%s/ vs /%s/ on '%s'", original.pattern(), s, text)
                            .isEqualTo(original.matcher(text).find());
                    checked++;
                }
            }
        }
        assertThat(simplified).as("corpus regexes the simplifier rewrites").isGreaterThan(10);
        assertThat(checked).isGreaterThan(10_000);
    }

    /** Texts built from the pattern's own literal characters, digits, word characters and separators. */
    private static List<String> texts(String pattern, Random rnd) {
        Set<Character> cs = new LinkedHashSet<>();
        for (char c : pattern.toCharArray()) if (c != '\\' && c != '(' && c != ')' && c != '?') cs.add(c);
        for (char c : "aZ09_ -./:\t\"'".toCharArray()) cs.add(c);
        List<Character> alphabet = new ArrayList<>(cs);
        List<String> out = new ArrayList<>();
        for (int i = 0; i < 400; i++) {
            int len = rnd.nextInt(i < 200 ? 12 : 90);
            StringBuilder sb = new StringBuilder(len);
            for (int k = 0; k < len; k++) {
                // runs of one character exercise counted repetitions
                char c = alphabet.get(rnd.nextInt(alphabet.size()));
                int run = rnd.nextInt(6) == 0 ? 1 + rnd.nextInt(70) : 1;
                for (int j = 0; j < run && sb.length() < len; j++) sb.append(c);
            }
            out.add(sb.toString());
        }
        return out;
    }
}
