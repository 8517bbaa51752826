package dev.vigil.server.alerts;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * MITRE ATT&amp;CK (Enterprise) tactics from Sigma tags: Sigma writes a tactic as {@code attack.<short-name>} (e.g.
 * {@code attack.credential-access}) and a technique as {@code attack.t1110}. The tactic list follows ATT&amp;CK's
 * kill-chain order, so it can also order an attack story.
 */
public final class AttackTactics {
    /** Tactic short names in kill-chain order (ATT&amp;CK Enterprise v15+, plus the newer names). */
    public static final List<String> ORDER = List.of(
            "reconnaissance",
            "resource-development",
            "initial-access",
            "execution",
            "persistence",
            "privilege-escalation",
            "defense-evasion",
            "stealth",
            "defense-impairment",
            "credential-access",
            "discovery",
            "lateral-movement",
            "collection",
            "command-and-control",
            "exfiltration",
            "impact");

    private static final Set<String> KNOWN = Set.copyOf(ORDER);

    private AttackTactics() {}

    /** The tactics named by {@code tags}, once each, in kill-chain order. */
    public static List<String> of(Collection<String> tags) {
        List<String> found = new ArrayList<>();
        for (String tag : tags) {
            String t = tag.toLowerCase(Locale.ROOT).replace('_', '-');
            if (t.startsWith("attack.") && KNOWN.contains(t.substring(7)) && !found.contains(t.substring(7))) {
                found.add(t.substring(7));
            }
        }
        found.sort((a, b) -> Integer.compare(ORDER.indexOf(a), ORDER.indexOf(b)));
        return found;
    }
}
