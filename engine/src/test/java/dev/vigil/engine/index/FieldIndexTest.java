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

    /** Latin-1 characters for skipping-scan literals, with the Latin-1 images of the five special characters. */
    private static final String LONG_CHARS = "abcikmsz:.\\-_ 017\u00e5\u00ff\u00df\u00e9";
    /** Characters mixed into values: case changes, the five that lower-case into Latin-1, other non-Latin-1. */
    private static final String VALUE_CHARS =
            "ABCIKMSZ\u0130\u212a\u212b\u0178\u1e9e\u00c5\u00c9\u03a3\u03c3\u0441\uD83D\uDE00";

    /**
     * Keyword-like sets (CONTAINS literals of five characters or more, all Latin-1): scanned by skipping ({@link
     * SkipScanner}), which must still report exactly what the lower-case value contains — with literals at the
     * ends, overlapping, repeated, split by case changes and by the five characters outside Latin-1 that lower-case
     * into it (a Kelvin sign making "mimikatz", an Ångström sign making "å").
     */
    @Test
    void skippingScanReportsExactlyTheContainedLiterals() {
        Random rnd = new Random(11);
        int skipping = 0;
        Set<Boolean> widths = new java.util.HashSet<>();
        for (int round = 0; round < 300; round++) {
            // a small alphabet makes blocks of three characters, a large one (over 32 distinct) blocks of two
            String alphabet = round % 2 == 0 ? LONG_CHARS : LONG_CHARS + "defghjlnopqrtuvwxy23456789,;=()[]{}";
            Set<String> lits = new LinkedHashSet<>();
            int count = 1 + rnd.nextInt(round % 5 == 0 ? 200 : 12);
            while (lits.size() < count) {
                StringBuilder sb = new StringBuilder();
                int len = SkipScanner.MIN_LENGTH + rnd.nextInt(rnd.nextInt(4) == 0 ? 70 : 8);
                for (int i = 0; i < len; i++) sb.append(alphabet.charAt(rnd.nextInt(alphabet.length())));
                lits.add(sb.toString());
            }
            List<Atom> atoms = new ArrayList<>();
            for (String l : lits) atoms.add(new Atom(0, Atom.Kind.CONTAINS, l));
            FieldIndex.Builder b = new FieldIndex.Builder();
            for (int i = 0; i < atoms.size(); i++) b.add(atoms.get(i), i);
            FieldIndex fi = b.build();
            if (fi.usesSkipScan()) {
                skipping++;
                widths.add(fi.latinSkipScanner().toString().contains("blocks of 3"));
            }
            int[][] self = new int[atoms.size()][];
            for (int i = 0; i < self.length; i++) self[i] = new int[] {i};
            Scratch sc = new Scratch(atoms.size());
            sc.use(self, new int[self.length][0]);
            for (int v = 0; v < 100; v++) {
                String value = longValue(rnd, atoms);
                Event e = Event.of(Map.of("f", value));
                sc.next();
                fi.scan(e, 0, sc);
                String lower = value.toLowerCase(Locale.ROOT);
                for (int i = 0; i < atoms.size(); i++) {
                    boolean expected = lower.contains(atoms.get(i).literal());
                    boolean got = (sc.hits[i >>> 6] & (1L << i)) != 0;
                    assertThat(got)
                            .as("atom %s on '%s' (round %s)", atoms.get(i), value, round)
                            .isEqualTo(expected);
                }
                java.util.Arrays.fill(sc.hits, 0);
            }
        }
        assertThat(skipping).as("rounds scanned by skipping").isGreaterThan(250);
        assertThat(widths)
                .as("blocks of three and of two characters both tested")
                .containsExactlyInAnyOrder(true, false);
    }

    @Test
    void skippingScanEdgeCases() {
        String[] lits = {"mimikatz", "sekurlsa::", "\u00e5ngstr\u00f6m", "stra\u00dfe", "\u00ffvonne", "i\u0307stanbul"
        };
        int[] ids = {0, 1, 2, 3, 4, 5};
        assertThat(SkipScanner.of(lits, ids)).as("U+0307 is not Latin-1").isNull();
        String[] latin = java.util.Arrays.copyOf(lits, 5);
        SkipScanner sk = SkipScanner.of(latin, java.util.Arrays.copyOf(ids, 5));
        assertThat(sk).isNotNull();
        assertThat(SkipScanner.of(new String[] {"abcd", "mimikatz"}, new int[] {0, 1}))
                .as("shorter than the minimum")
                .isNull();
        String[][] cases = {
            {"MIMIKATZ", "0"},
            {"xmimi\u212aatzx", "0"}, // Kelvin sign lower-cases to k
            {"\u212bngstr\u00d6m", "2"}, // Angstrom sign lower-cases to \u00e5
            {"STRA\u1e9eE", "3"}, // capital sharp s lower-cases to \u00df
            {"\u0178VONNE", "4"}, // Y with diaeresis
            {"\u03a3 sekurlsa::logonpasswords mimikatz", "0,1"},
            {"mimikat", ""},
            {"sekurlsa:", ""},
            {"", ""},
            {"mimikatzmimikatz", "0"},
            {"\uD83D\uDE00mimikatz\uD83D\uDE00", "0"},
        };
        for (String[] c : cases) {
            Scratch sc = new Scratch(5);
            int[][] self = {{0}, {1}, {2}, {3}, {4}};
            sc.use(self, new int[5][0]);
            sc.next();
            String v = c[0];
            if (!sk.scan(v, true, sc)) {
                assertThat(SkipScanner.foldsIntoLatin1(v)).isTrue();
                assertThat(sk.scan(v.toLowerCase(Locale.ROOT), false, sc)).isTrue();
            }
            List<Integer> got = new ArrayList<>();
            for (int i = 0; i < 5; i++) if ((sc.hits[0] & (1L << i)) != 0) got.add(i);
            String want = c[1];
            assertThat(got.stream().map(String::valueOf).toList())
                    .as("'%s'", v)
                    .isEqualTo(want.isEmpty() ? List.of() : List.of(want.split(",")));
        }
    }

    private static String longValue(Random rnd, List<Atom> atoms) {
        StringBuilder sb = new StringBuilder();
        for (int k = rnd.nextInt(5); k >= 0; k--) {
            if (rnd.nextBoolean()) {
                String lit = atoms.get(rnd.nextInt(atoms.size())).literal();
                int cut = rnd.nextInt(6) == 0 ? 1 + rnd.nextInt(lit.length()) : 0; // sometimes only a part
                for (int i = cut; i < lit.length(); i++) {
                    char c = lit.charAt(i);
                    int r = rnd.nextInt(10);
                    if (r < 3) sb.append(Character.toUpperCase(c));
                    else if (r == 3 && c == 'k') sb.append('\u212a');
                    else if (r == 3 && c == 'i') sb.append('\u0130');
                    else if (r == 3 && c == '\u00e5') sb.append('\u212b');
                    else if (r == 3 && c == '\u00ff') sb.append('\u0178');
                    else if (r == 3 && c == '\u00df') sb.append('\u1e9e');
                    else sb.append(c);
                }
            } else {
                int len = rnd.nextInt(rnd.nextInt(3) == 0 ? 60 : 6);
                for (int i = 0; i < len; i++) {
                    String from = rnd.nextInt(4) == 0 ? VALUE_CHARS : LONG_CHARS;
                    sb.append(from.charAt(rnd.nextInt(from.length())));
                }
            }
        }
        return sb.toString();
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
