package dev.vigil.server.incidents;

import dev.vigil.server.alerts.Alert;
import java.util.List;
import java.util.Optional;

/**
 * Triage rules: ordered and declarative, edited in the UI or as a YAML document ({@code rules: [...]}, the format
 * {@link #exportYaml} writes). Every change is audited.
 */
public interface TriageService {

    List<TriageRule> rules();

    Optional<TriageRule> rule(String name);

    /** Creates or replaces the rule with this name; a new rule goes last unless {@code position} is positive. */
    TriageRule save(TriageRule rule);

    boolean delete(String name);

    /** Puts the rules in this order (names not listed keep their relative order after the listed ones). */
    List<TriageRule> reorder(List<String> names);

    String exportYaml();

    /**
     * Imports rules from YAML. {@code replace}: the document becomes the whole rule set; else its rules are added or
     * replaced by name. The document is validated completely first; an invalid document changes nothing.
     */
    List<TriageRule> importYaml(String yaml, boolean replace);

    /** Evaluates the rules for an alert (the same evaluation grouping uses; nothing is stored). */
    TriageResult evaluate(Alert alert);
}
