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
import org.junit.jupiter.api.Test;

/**
 * The per-field matchers (tries, Aho–Corasick automaton, gram filter, Latin-1 folding with its fallback to the
 * lower-case string) report exactly the atoms a brute-force check of the value's {@code toLowerCase(Locale.ROOT)}
 * finds — on random literal sets of every size class and random values with case changes and non-Latin-1
 * characters.
 */
class FieldIndexTest {
    private static final String CHARS =
            "abcdeksSKXYZ\\/.-_: 0179\u00e9\u00c9\u00df\u03c3\u03a3\u0130\u212a\u017f\u0441";

    @Test
    void latin1FoldingIsExactlyTheJdkLowerCase() {
        for (int c = 0; c < 256; c++) {
            String s = String.valueOf((char) c);
            assertThat(String.valueOf(Fold.LATIN1[c])).isEqualTo(s.toLowerCase(Locale.ROOT));
        }
    }

    @Test
    void reportsExactlyTheAtomsTheLowerCaseValueSatisfies() {
        Random rnd = new Random(7);
        for (int round = 0; round < 60; round++) {
            // small rounds build a single automaton; large ones the gram filter and deep tries
            int count = round % 3 == 0 ? 1500 : 1 + rnd.nextInt(40);
            List<Atom> atoms = new ArrayList<>(randomAtoms(rnd, count));
            FieldIndex.Builder b = new FieldIndex.Builder();
            for (int i = 0; i < atoms.size(); i++) b.add(atoms.get(i), i);
            FieldIndex fi = b.build();
            int[][] self = new int[atoms.size()][];
            for (int i = 0; i < self.length; i++) self[i] = new int[] {i};
            Scratch sc = new Scratch(atoms.size());
            sc.use(self, new int[self.length][0]);
            for (int v = 0; v < 200; v++) {
                String value = randomValue(rnd, atoms);
                Event e = Event.of(Map.of("f", value));
                sc.next();
                fi.scan(e, 0, sc);
                String lower = value.toLowerCase(Locale.ROOT);
                for (int i = 0; i < atoms.size(); i++) {
                    boolean expected = holds(atoms.get(i), lower);
                    boolean got = (sc.hits[i >>> 6] & (1L << i)) != 0;
                    assertThat(got)
                            .as("atom %s on '%s' (round %s)", atoms.get(i), value, round)
                            .isEqualTo(expected);
                }
                java.util.Arrays.fill(sc.hits, 0);
            }
        }
    }

    @Test
    void suffixesWithSurrogatePairsAreReversedByCharacter() {
        assertThat(FieldIndex.reverse("a\uD83D\uDE00b")).isEqualTo("b\uDE00\uD83Da");
    }

    private static boolean holds(Atom a, String lower) {
        return switch (a.kind()) {
            case EQ -> lower.equals(a.literal());
            case PREFIX -> lower.startsWith(a.literal());
            case SUFFIX -> lower.endsWith(a.literal());
            case CONTAINS -> lower.contains(a.literal());
            default -> throw new IllegalStateException();
        };
    }

    private static Set<Atom> randomAtoms(Random rnd, int n) {
        Set<Atom> out = new LinkedHashSet<>();
        Atom.Kind[] kinds = {Atom.Kind.EQ, Atom.Kind.PREFIX, Atom.Kind.SUFFIX, Atom.Kind.CONTAINS};
        while (out.size() < n) {
            String lit = randomString(rnd, 1 + rnd.nextInt(rnd.nextInt(4) == 0 ? 20 : 6))
                    .toLowerCase(Locale.ROOT);
            if (lit.isEmpty()) continue;
            out.add(new Atom(0, kinds[rnd.nextInt(kinds.length)], lit));
        }
        return out;
    }

    private static String randomValue(Random rnd, List<Atom> atoms) {
        StringBuilder sb = new StringBuilder();
        for (int k = rnd.nextInt(4); k >= 0; k--) {
            if (rnd.nextBoolean()) {
                String lit = atoms.get(rnd.nextInt(atoms.size())).literal();
                for (int i = 0; i < lit.length(); i++) {
                    char c = lit.charAt(i);
                    int r = rnd.nextInt(10);
                    if (r < 3) sb.append(Character.toUpperCase(c));
                    else if (r == 3 && c == 'k') sb.append('\u212a');
                    else if (r == 3 && c == 'i') sb.append('\u0130');
                    else if (r == 3 && c == '\u03c3') sb.append('\u03a3');
                    else sb.append(c);
                }
            } else {
                sb.append(randomString(rnd, rnd.nextInt(8)));
            }
        }
        return sb.toString();
    }

    private static String randomString(Random rnd, int len) {
        StringBuilder sb = new StringBuilder(len);
        for (int i = 0; i < len; i++) sb.append(CHARS.charAt(rnd.nextInt(CHARS.length())));
        return sb.toString();
    }
}
