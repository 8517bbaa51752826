package dev.vigil.engine.compile;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Locale;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * {@link Strings#foldedTest} (string leaves compared on the raw text, folded in place) agrees with the reference —
 * {@code toLowerCase(Locale.ROOT)} then equals / startsWith / endsWith / contains — whenever it decides, on random
 * values laced with the characters that make lower-casing tricky (KELVIN SIGN and ANGSTROM SIGN lower-case into
 * Latin-1, dotted capital I into two characters, capital sigma depends on context, LONG S and sharp s do not fold),
 * and that it decides most Latin-1 cases.
 */
class FoldedTestTest {
    private static final String ALPHABET =
            "aAbBkKsSiI\u00e9\u00c9\u00df\u00b5\u00ff\\:. -" + "\u212a\u212b\u0130\u03a3\u03c3\u017f\u1e9e\u0178\u0131";

    @Test
    void agreesWithTheLowerCaseFormWheneverItDecides() {
        Random rnd = new Random(20261123L);
        int decided = 0;
        int trueDecided = 0;
        for (int i = 0; i < 400_000; i++) {
            boolean latin = rnd.nextInt(3) != 0;
            String v = random(rnd, rnd.nextInt(12), latin);
            String lit = Strings.lower(random(rnd, rnd.nextInt(4), true));
            if (rnd.nextInt(3) == 0 && !v.isEmpty()) {
                // a literal taken from the value itself, so matches are frequent
                int a = rnd.nextInt(v.length());
                int b = a + rnd.nextInt(v.length() - a + 1);
                String sub = v.substring(a, b).toLowerCase(Locale.ROOT);
                if (isLatin1(sub)) lit = sub;
            }
            if (!isLatin1(lit)) continue;
            String lower = v.toLowerCase(Locale.ROOT);
            for (int op = 0; op < 4; op++) {
                boolean want = switch (op) {
                    case 0 -> lower.equals(lit);
                    case 1 -> lower.startsWith(lit);
                    case 2 -> lower.endsWith(lit);
                    default -> lower.contains(lit);
                };
                int got = Strings.foldedTest(op, v, lit);
                if (got >= 0) {
                    decided++;
                    if (got == 1) trueDecided++;
                    assertThat(got == 1)
                            .as("op %d value '%s' literal '%s'", op, v, lit)
                            .isEqualTo(want);
                }
            }
        }
        assertThat(decided).isGreaterThan(600_000);
        assertThat(trueDecided).isGreaterThan(50_000);
    }

    @Test
    void leavesLongValuesAndNonLatin1ToTheLowerCaseForm() {
        assertThat(Strings.foldedTest(3, "x".repeat(Strings.FOLD_MAX + 1), "x")).isEqualTo(-1);
        assertThat(Strings.foldedTest(3, "MIMI\u212aATZ", "mimikatz")).isEqualTo(-1);
        assertThat(Strings.foldedTest(0, "\u0130", "i\u0307")).isEqualTo(-1);
        assertThat(Strings.foldedTest(1, "C:\\WINDOWS\\x", "c:\\windows")).isEqualTo(1);
        assertThat(Strings.foldedTest(2, "C:\\WINDOWS\\CMD.EXE", "\\cmd.exe")).isEqualTo(1);
        assertThat(Strings.foldedTest(0, "\u00c9T\u00c9", "\u00e9t\u00e9")).isEqualTo(1);
    }

    private static String random(Random rnd, int n, boolean latin) {
        StringBuilder sb = new StringBuilder(n);
        int limit = latin ? 20 : ALPHABET.length();
        for (int i = 0; i < n; i++) sb.append(ALPHABET.charAt(rnd.nextInt(limit)));
        return sb.toString();
    }

    private static boolean isLatin1(String s) {
        for (int i = 0; i < s.length(); i++) if (s.charAt(i) >= 256) return false;
        return true;
    }
}
