package dev.vigil.engine.index;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vigil.engine.event.Event;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/**
 * The SIMD keyword prefilter ({@link PackedScanner}) reports exactly the literals the value's {@code
 * toLowerCase(Locale.ROOT)} contains — on random short literal sets and long random values with upper case, the
 * characters around the ASCII letters ({@code @[\]^_`{}}), characters outside Latin-1 whose low byte is a literal's
 * character, and the five that lower-case into Latin-1 (then the folded scan must give up) — and {@link FieldIndex}
 * uses it for such sets when the Vector API is present (the build runs the tests with it).
 */
class PackedScannerTest {
    private static final String LIT_CHARS = "abcdikoswz019 -_.:/@[^`{";
    private static final String VALUE_CHARS = LIT_CHARS
            + "ABCDIKOSWZ\\]}~\u00c0\u00e0\u00ff\u0161\u0141\u0130\u212a\u212b\u0178\u1e9e\u0441\u0000\t\uD83D\uDE00";

    @Test
    void theBuildRunsWithTheVectorApi() {
        assertThat(Simd.AVAILABLE).isTrue();
    }

    @Test
    void reportsExactlyTheLiteralsOfTheLowerCaseValue() {
        Random rnd = new Random(11);
        for (int round = 0; round < 300; round++) {
            int count = 1 + rnd.nextInt(round % 5 == 0 ? PackedScanner.MAX_LITERALS : 12);
            List<String> lits = new ArrayList<>(randomLiterals(rnd, count));
            int[] atoms = new int[lits.size()];
            int[][] self = new int[lits.size()][];
            for (int i = 0; i < atoms.length; i++) {
                atoms[i] = i;
                self[i] = new int[] {i};
            }
            PackedScanner ps = PackedScanner.of(lits.toArray(new String[0]), atoms);
            assertThat(ps).isNotNull();
            Scratch sc = new Scratch(lits.size());
            sc.use(self, new int[self.length][0]);
            for (int v = 0; v < 100; v++) {
                String value = randomValue(rnd, lits);
                String lower = value.toLowerCase(Locale.ROOT);
                Set<Integer> expected = new TreeSet<>();
                for (int i = 0; i < lits.size(); i++) if (lower.contains(lits.get(i))) expected.add(i);
                sc.next();
                clear(sc);
                if (!ps.scan(value, true, sc)) {
                    assertThat(SkipScanner.foldsIntoLatin1(value)).isTrue();
                    assertThat(reported(sc)).isEmpty();
                    assertThat(ps.scan(lower, false, sc)).isTrue();
                }
                assertThat(reported(sc)).as("%s in %s", lits, value).isEqualTo(expected);
            }
        }
    }

    @Test
    void fieldIndexUsesItForShortKeywordSetsOnLongValues() {
        FieldIndex.Builder b = new FieldIndex.Builder();
        String[] lits = {"dir", "more", "show running-config", "aaa", "username"};
        for (int i = 0; i < lits.length; i++) b.add(new Atom(0, Atom.Kind.CONTAINS, lits[i]), i);
        FieldIndex fi = b.build();
        assertThat(fi.usesPackedScan()).isTrue();
        int[][] self = new int[lits.length][];
        for (int i = 0; i < self.length; i++) self[i] = new int[] {i};
        Scratch sc = new Scratch(lits.length);
        sc.use(self, new int[self.length][0]);
        Event e = Event.of(
                Map.of("f", "<189>Jan 6 %AAA-5-USER_LOGGED: User backup executed: SHOW RUNNING-CONFIG | more"));
        sc.next();
        fi.scan(e, 0, sc);
        assertThat(reported(sc)).containsExactly(1, 2, 3);
        // the same with a Kelvin sign for the k of "backup": the folded scan gives up, the lower-case one reports
        Event k = Event.of(Map.of("f", "<189>Jan 6 %AAA-5-USER_LOGGED: User bac\u212aup executed: DIR flash: | MORE"));
        sc.next();
        clear(sc);
        fi.scan(k, 0, sc);
        assertThat(reported(sc)).containsExactly(0, 1, 3);
    }

    private static void clear(Scratch sc) {
        java.util.Arrays.fill(sc.hits, 0);
        java.util.Arrays.fill(sc.hits2, 0);
        java.util.Arrays.fill(sc.touched, 0);
    }

    private static Set<Integer> reported(Scratch sc) {
        Set<Integer> out = new TreeSet<>();
        for (int w = 0; w < sc.hits.length; w++) {
            for (long bits = sc.hits[w]; bits != 0; bits &= bits - 1)
                out.add(w * 64 + Long.numberOfTrailingZeros(bits));
        }
        return out;
    }

    private static Set<String> randomLiterals(Random rnd, int n) {
        Set<String> out = new LinkedHashSet<>();
        while (out.size() < n) {
            StringBuilder sb = new StringBuilder();
            int len = 3 + rnd.nextInt(rnd.nextInt(4) == 0 ? 30 : 6);
            for (int i = 0; i < len; i++) sb.append(LIT_CHARS.charAt(rnd.nextInt(LIT_CHARS.length())));
            out.add(sb.toString());
        }
        return out;
    }

    private static String randomValue(Random rnd, List<String> lits) {
        StringBuilder sb = new StringBuilder();
        int target = rnd.nextInt(4) == 0 ? rnd.nextInt(20) : 24 + rnd.nextInt(200);
        while (sb.length() < target) {
            if (rnd.nextInt(3) == 0) {
                String lit = lits.get(rnd.nextInt(lits.size()));
                for (int i = 0; i < lit.length(); i++) {
                    char c = lit.charAt(i);
                    int r = rnd.nextInt(12);
                    if (r < 3) sb.append(Character.toUpperCase(c));
                    else if (r == 3 && c == 'k') sb.append('\u212a');
                    else if (r == 3 && c == 'i') sb.append('\u0130');
                    else if (r == 3 && c == 'a') sb.append('\u0161'); // low byte 0x61
                    else if (r == 4 && i == lit.length() - 1) continue; // a literal cut short
                    else sb.append(c);
                }
            } else {
                for (int i = rnd.nextInt(6); i >= 0; i--)
                    sb.append(VALUE_CHARS.charAt(rnd.nextInt(VALUE_CHARS.length())));
            }
        }
        return sb.toString();
    }
}
