package dev.vigil.engine.correlate;

import java.util.Locale;

/**
 * MITRE ATT&amp;CK enterprise tactics in kill-chain order, as Sigma tags name them ({@code attack.initial-access};
 * the older underscore spelling {@code attack.initial_access} is accepted too).
 *
 * <p>ATT&amp;CK v18 split <em>Defense Evasion</em> into <em>Stealth</em> and <em>Defense Impairment</em>; the
 * SigmaHQ corpus uses all three names. They share one {@link #stage()}, so a chain never "advances" from one to
 * another. Technique tags ({@code attack.t1059.001}) are not mapped to tactics: a technique belongs to several
 * tactics and a sound mapping needs the ATT&amp;CK data set, which the engine does not ship. Rules that carry only
 * technique tags still add risk, but no tactic.
 */
public enum Tactic {
    RECONNAISSANCE("reconnaissance", 0),
    RESOURCE_DEVELOPMENT("resource-development", 1),
    INITIAL_ACCESS("initial-access", 2),
    EXECUTION("execution", 3),
    PERSISTENCE("persistence", 4),
    PRIVILEGE_ESCALATION("privilege-escalation", 5),
    DEFENSE_EVASION("defense-evasion", 6),
    STEALTH("stealth", 6),
    DEFENSE_IMPAIRMENT("defense-impairment", 6),
    CREDENTIAL_ACCESS("credential-access", 7),
    DISCOVERY("discovery", 8),
    LATERAL_MOVEMENT("lateral-movement", 9),
    COLLECTION("collection", 10),
    COMMAND_AND_CONTROL("command-and-control", 11),
    EXFILTRATION("exfiltration", 12),
    IMPACT("impact", 13);

    /** Number of distinct stages (ranks) in the order. */
    public static final int STAGES = 14;

    private static final Tactic[] VALUES = values();

    private final String tagName;
    private final int stage;

    Tactic(String tagName, int stage) {
        this.tagName = tagName;
        this.stage = stage;
    }

    /** The tag suffix, e.g. {@code initial-access}. */
    public String tagName() {
        return tagName;
    }

    /** Position in the kill-chain order (0 = reconnaissance … 13 = impact). */
    public int stage() {
        return stage;
    }

    /** The tactic a Sigma tag names ({@code attack.execution}), or null for any other tag. Case-insensitive. */
    public static Tactic fromTag(String tag) {
        if (tag == null || tag.length() < 8) return null;
        if (!tag.regionMatches(true, 0, "attack.", 0, 7)) return null;
        String name = tag.substring(7).toLowerCase(Locale.ROOT).replace('_', '-');
        for (Tactic t : VALUES) {
            if (t.tagName.equals(name)) return t;
        }
        return null;
    }

    static Tactic ofOrdinal(int ordinal) {
        return VALUES[ordinal];
    }
}
