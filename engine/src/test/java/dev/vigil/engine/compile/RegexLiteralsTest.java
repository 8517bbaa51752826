package dev.vigil.engine.compile;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.re2j.Pattern;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The literals {@link RegexLiterals} claims must be sound: whenever RE2J finds a match in a text, the text's
 * lower-case form contains one of them. Checked exhaustively over small alphabets that include the Unicode case
 * folds of ASCII letters, and against RE2J's own case folding for every character.
 */
class RegexLiteralsTest {
    /** Characters that stress case folding: ASCII letters and their non-ASCII folds, separators. */
    private static final char[] ALPHABET = {'a', 'b', 'B', 'c', 's', 'S', '\u017f', 'k', '\u212a', '\u0130', '-', ' '};

    @Test
    void everyCharacterRe2jFoldsOntoAnAsciiLetterLowerCasesToItOrIsLongS() {
        for (char c = 'a'; c <= 'z'; c++) {
            Pattern p = Pattern.compile("(?i)" + c);
            for (int x = 0; x < 0x10000; x++) {
                if (Character.isSurrogate((char) x)) continue;
                String s = String.valueOf((char) x);
                if (!p.matcher(s).find()) continue;
                String lower = s.toLowerCase(Locale.ROOT);
                if (c == 's' && x == 0x17f) continue; // LONG S: the extractor adds it as its own literal
                assertThat(lower).as("(?i)%s matches U+%04X", c, x).isEqualTo(String.valueOf(c));
            }
        }
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                "abc",
                "(?i)abs",
                "a(?i)bs",
                "(?i:as)k",
                "ab|as",
                "a(b|s)k",
                "(?:ab)+s",
                "a?bs",
                "a*b",
                "a{2}s",
                "a{0,2}bs",
                "[ab]s",
                "(?i)[a-c]s",
                "[^a]bs",
                "\\bask\\b",
                "^as-k$",
                "a.s",
                "a\\sb",
                "(?i)\\x41s",
                "a\\-b",
                "(a|)bs",
                "(?i)sss|kk",
                "(?:a|b)(?:s|k)",
                "a+?s",
                "(?P<x>as)k",
                "\\Qa-s\\E",
                "[-a]s",
                "a[\\-s]k"
            })
    void aMatchingTextAlwaysContainsAClaimedLiteral(String regex) {
        for (boolean ci : new boolean[] {false, true}) {
            Pattern p = Pattern.compile(regex, ci ? Pattern.CASE_INSENSITIVE : 0);
            Set<String> req = RegexLiterals.required(regex, ci);
            List<String> texts = new ArrayList<>();
            enumerate("", 4, texts);
            int matched = 0;
            for (String t : texts) {
                if (!p.matcher(t).find()) continue;
                matched++;
                if (req == null) continue;
                String lower = t.toLowerCase(Locale.ROOT);
                assertThat(req.stream().anyMatch(lower::contains))
                        .as("/%s/%s matches '%s' but its lower case contains none of %s", regex, ci ? "i" : "", t, req)
                        .isTrue();
            }
            assertThat(matched).as("some text matches /%s/", regex).isPositive();
        }
    }

    @Test
    void claimsUsefulLiteralsForTypicalRuleRegexes() {
        assertThat(RegexLiterals.required("net\\s+user\\s+", false)).isNotNull();
        assertThat(RegexLiterals.required("\\w+`(?:\\w+|-|.)`[\\w+|\\s]", false))
                .containsExactly("`");
        assertThat(RegexLiterals.required("(?i)\\$\\{`?e`?n`?v", false)).isNotNull();
        assertThat(RegexLiterals.required("cmd.{0,5}(?:/c|/r)", false)).containsExactly("cmd");
        // nothing can be claimed: any character, optional parts, a non-ASCII literal
        assertThat(RegexLiterals.required(".*", false)).isNull();
        assertThat(RegexLiterals.required("(?:abc)?", false)).isNull();
        assertThat(RegexLiterals.required("\u00e9", false)).isNull();
        // what the extractor does not understand it does not claim anything about
        assertThat(RegexLiterals.required("(?x)abc", false)).isNull();
    }

    private static void enumerate(String prefix, int max, List<String> out) {
        out.add(prefix);
        if (prefix.length() == max) return;
        for (char c : ALPHABET) enumerate(prefix + c, max, out);
    }
}
