package dev.vigil.server.detection;

import java.util.List;
import java.util.Optional;

/**
 * Rule management. Every change (import, enable, disable, delete) is stored and then applied with one atomic hot
 * reload; a change whose reload would leave zero active rules is refused with {@link IllegalStateException} and not
 * stored. Intake keeps running on the previous rule set while a reload compiles.
 */
public interface RuleService {

    /** Imports rule files: new rules are enabled, changed ones updated (keeping their enabled flag). */
    ImportResult importRules(List<RuleFile> files);

    List<DetectionRule> list();

    Optional<DetectionRule> get(String ref);

    /** Enables or disables a rule; false when there is no such rule. */
    boolean setEnabled(String ref, boolean enabled);

    /** Deletes a rule; false when there is no such rule. */
    boolean delete(String ref);

    /** Recompiles the stored rules and swaps them in. */
    RuleSetStatus reload();

    RuleSetStatus status();

    /** The stored rule YAML of {@code ref}'s file. */
    Optional<RuleFile> source(String ref);
}
