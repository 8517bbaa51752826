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
 * The sampled-window scan ({@link SampledGrams}) reports exactly the literals the value's {@code
 * toLowerCase(Locale.ROOT)} contains — on hash-list-like sets (hundreds of literals sharing {@code imphash=}-style
 * prefixes) and random long literals, with occurrences at every offset, at the ends, overlapping, cut short by one
 * character, in upper case, next to characters outside Latin-1, and with the five characters that lower-case into
 * Latin-1 (then the folded scan gives up and the lower-case one must report them) — and {@link FieldIndex} uses it
 * exactly where it is sound and pays.
 */
class SampledGramsTest {
    private static final String HEX = "0123456789abcdef";
    private static final String LIT_CHARS = HEX + "=_-.:\\ kis";
    private static final String VALUE_CHARS = LIT_CHARS
            + "ABCDEFKIS,;\u00c0\u00e0\u00ff\u0161\u0141\u0130\u212a\u212b\u0178\u1e9e\u0441\u0000\t\uD83D\uDE00";

    @Test
    void reportsExactlyTheLiteralsOfTheLowerCaseValue() {
        Random rnd = new Random(17);
        int rounds = 0;
        for (int round = 0; round < 200; round++) {
            List<String> lits =
                    new ArrayList<>(round % 2 == 0 ? hashLiterals(rnd, 1 + rnd.nextInt(400)) : randomLiterals(rnd));
            int[] atoms = new int[lits.size()];
            int[][] self = new int[lits.size()][];
            for (int i = 0; i < atoms.length; i++) {
                atoms[i] = i;
                self[i] = new int[] {i};
            }
            SampledGrams sg = SampledGrams.of(lits.toArray(new String[0]), atoms);
            assertThat(sg).as("%s", lits).isNotNull();
            int shortest = lits.stream().mapToInt(String::length).min().orElseThrow();
            assertThat(sg.stride()).isEqualTo(shortest - SampledGrams.Q + 1);
            rounds++;
            Scratch sc = new Scratch(lits.size());
            sc.use(self, new int[self.length][0]);
            for (int v = 0; v < 100; v++) {
                String value = randomValue(rnd, lits);
                String lower = value.toLowerCase(Locale.ROOT);
                Set<Integer> expected = new TreeSet<>();
                for (int i = 0; i < lits.size(); i++) if (lower.contains(lits.get(i))) expected.add(i);
                sc.next();
                clear(sc);
                if (!sg.scan(value, true, sc)) {
                    assertThat(SkipScanner.foldsIntoLatin1(value)).isTrue();
                    assertThat(reported(sc)).isEmpty();
                    assertThat(sg.scan(lower, false, sc)).isTrue();
                }
                assertThat(reported(sc)).as("%s in %s", lits, value).isEqualTo(expected);
            }
        }
        assertThat(rounds).isEqualTo(200);
    }

    @Test
    void literalsAtEveryOffsetAndAtTheEnds() {
        String lit = "imphash=0123456789abcdef0123456789abcdef"; // 40 characters: stride 25
        SampledGrams sg = SampledGrams.of(new String[] {lit}, new int[] {0});
        assertThat(sg.stride()).isEqualTo(25);
        Scratch sc = new Scratch(1);
        sc.use(new int[][] {{0}}, new int[1][0]);
        for (int before = 0; before < 60; before++) {
            for (int after = 0; after < 3; after++) {
                String value = "x".repeat(before) + lit.toUpperCase(Locale.ROOT) + "y".repeat(after);
                sc.next();
                clear(sc);
                assertThat(sg.scan(value, true, sc)).isTrue();
                assertThat(reported(sc)).as("at %s", before).containsExactly(0);
                // one character short, at either end: not there
                for (String cut : List.of(value.substring(0, before + lit.length() - 1), value.substring(before + 1))) {
                    sc.next();
                    clear(sc);
                    sg.scan(cut, true, sc);
                    assertThat(reported(sc)).as("cut %s", cut).isEmpty();
                }
            }
        }
    }

    @Test
    void declinesWhatItCannotTake() {
        assertThat(SampledGrams.of(new String[] {"a".repeat(26)}, new int[] {0}))
                .as("stride 11 < 12")
                .isNull();
        assertThat(SampledGrams.of(new String[] {"a".repeat(27)}, new int[] {0}))
                .isNotNull();
        assertThat(SampledGrams.of(new String[] {"a".repeat(40), "short"}, new int[] {0, 1}))
                .as("one short literal")
                .isNull();
        assertThat(SampledGrams.of(new String[] {"\u0441".repeat(40)}, new int[] {0}))
                .as("not Latin-1")
                .isNull();
        assertThat(SampledGrams.of(new String[] {"A".repeat(40)}, new int[] {0}))
                .as("not lower case")
                .isNull();
        String[] many = new String[SampledGrams.MAX_ENTRIES / 100 + 1];
        int[] ids = new int[many.length];
        Random rnd = new Random(3);
        for (int i = 0; i < many.length; i++) {
            many[i] = hex(rnd, 115);
            ids[i] = i;
        }
        assertThat(SampledGrams.of(many, ids))
                .as("more positions than MAX_ENTRIES")
                .isNull();
    }

    @Test
    void fieldIndexUsesItForHashListsOnlyWhereSound() {
        Random rnd = new Random(5);
        List<String> lits = new ArrayList<>(hashLiterals(rnd, 350)); // more than a skipping scan takes
        FieldIndex.Builder b = new FieldIndex.Builder();
        for (int i = 0; i < lits.size(); i++) b.add(new Atom(0, Atom.Kind.CONTAINS, lits.get(i)), i);
        FieldIndex fi = b.build();
        assertThat(fi.usesSampledScan()).isTrue();
        assertThat(fi.usesSkipScan()).isFalse();
        int[][] self = new int[lits.size() + 1][];
        for (int i = 0; i < self.length; i++) self[i] = new int[] {i};
        Scratch sc = new Scratch(self.length);
        sc.use(self, new int[self.length][0]);
        String value = "MD5=" + hex(rnd, 32) + "," + lits.get(7).toUpperCase(Locale.ROOT) + ",SHA256=" + hex(rnd, 64);
        sc.next();
        fi.scan(Event.of(Map.of("f", value)), 0, sc);
        assertThat(reported(sc)).containsExactly(7);
        // the same with a Kelvin sign in front: the folded scan gives up, the lower-case one reports
        sc.next();
        clear(sc);
        fi.scan(Event.of(Map.of("f", "\u212a" + value)), 0, sc);
        assertThat(reported(sc)).containsExactly(7);

        // a literal outside Latin-1 on the same field: the Latin-1 part must read every character (it tells the
        // caller when to scan the lower-case form for the wide one), so no sampling
        FieldIndex.Builder w = new FieldIndex.Builder();
        for (int i = 0; i < lits.size(); i++) w.add(new Atom(0, Atom.Kind.CONTAINS, lits.get(i)), i);
        w.add(new Atom(0, Atom.Kind.CONTAINS, "\u0441\u0441\u0441"), lits.size());
        FieldIndex wide = w.build();
        assertThat(wide.usesSampledScan()).isFalse();
        sc.next();
        clear(sc);
        wide.scan(Event.of(Map.of("f", value + " \u0421\u0421\u0421")), 0, sc);
        assertThat(reported(sc)).containsExactly(7, lits.size());
    }

    private static String hex(Random rnd, int n) {
        StringBuilder sb = new StringBuilder(n);
        for (int i = 0; i < n; i++) sb.append(HEX.charAt(rnd.nextInt(16)));
        return sb.toString();
    }

    /** IOC lists as the SigmaHQ rules have them: {@code imphash=}, {@code md5=}, {@code sha256=} and a hash. */
    private static Set<String> hashLiterals(Random rnd, int n) {
        Set<String> out = new LinkedHashSet<>();
        while (out.size() < n) {
            switch (rnd.nextInt(4)) {
                case 0 -> out.add("md5=" + hex(rnd, 32));
                case 1 -> out.add("sha1=" + hex(rnd, 40));
                case 2 -> out.add("sha256=" + hex(rnd, 64));
                default -> out.add("imphash=" + hex(rnd, 32));
            }
        }
        return out;
    }

    private static Set<String> randomLiterals(Random rnd) {
        Set<String> out = new LinkedHashSet<>();
        int n = 1 + rnd.nextInt(40);
        while (out.size() < n) {
            StringBuilder sb = new StringBuilder();
            int len = SampledGrams.Q + SampledGrams.MIN_STRIDE - 1 + rnd.nextInt(30);
            // few distinct characters: many shared windows and overlapping occurrences
            String alphabet = rnd.nextBoolean() ? "ab" : LIT_CHARS;
            for (int i = 0; i < len; i++) sb.append(alphabet.charAt(rnd.nextInt(alphabet.length())));
            out.add(sb.toString());
        }
        return out;
    }

    private static String randomValue(Random rnd, List<String> lits) {
        StringBuilder sb = new StringBuilder();
        int target = rnd.nextInt(4) == 0 ? rnd.nextInt(40) : 40 + rnd.nextInt(300);
        while (sb.length() < target) {
            if (rnd.nextInt(3) == 0) {
                String lit = lits.get(rnd.nextInt(lits.size()));
                int cut = rnd.nextInt(5) == 0 ? 1 + rnd.nextInt(3) : 0;
                for (int i = cut > 0 && rnd.nextBoolean() ? cut : 0; i < lit.length() - (cut > 0 ? cut : 0); i++) {
                    char c = lit.charAt(i);
                    int r = rnd.nextInt(14);
                    if (r < 3) sb.append(Character.toUpperCase(c));
                    else if (r == 3 && c == 'k') sb.append('\u212a');
                    else if (r == 3 && c == 'i') sb.append('\u0130');
                    else if (r == 3 && c == 'a') sb.append('\u0161'); // low byte 0x61
                    else sb.append(c);
                }
            } else {
                for (int i = rnd.nextInt(6); i >= 0; i--)
                    sb.append(VALUE_CHARS.charAt(rnd.nextInt(VALUE_CHARS.length())));
            }
        }
        return sb.toString();
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
}
