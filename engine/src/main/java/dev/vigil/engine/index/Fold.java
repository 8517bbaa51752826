package dev.vigil.engine.index;

/**
 * Case folding for index scans without building lower-case strings: for a value whose characters are all Latin-1
 * (below U+0100), {@code value.toLowerCase(Locale.ROOT)} is exactly the value with each character mapped by {@link
 * #LATIN1} (the JDK lower-cases Latin-1 text character by character, and Latin-1 lower-cases to Latin-1). So a scan
 * folds each character through the table and, at the first character outside Latin-1, gives up and scans the
 * event's cached lower-case form instead ({@code Event.lower}), where context-dependent mappings (final sigma) and
 * expansions (U+0130) have been applied by the JDK itself.
 */
final class Fold {
    static final char[] LATIN1 = new char[256];

    static {
        for (int c = 0; c < 256; c++) LATIN1[c] = Character.toLowerCase((char) c);
    }

    private Fold() {}
}
