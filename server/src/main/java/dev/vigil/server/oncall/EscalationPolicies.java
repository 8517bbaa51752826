package dev.vigil.server.oncall;

import java.util.Optional;

/**
 * Looks up escalation policies for other modules, e.g. the incident module, whose triage rules name the escalation
 * policy an incident pages with.
 */
public interface EscalationPolicies {

    /** The policy with this id or (exact) name, if any. */
    Optional<EscalationPolicy> find(String idOrName);
}
