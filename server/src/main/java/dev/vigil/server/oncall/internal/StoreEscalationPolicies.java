package dev.vigil.server.oncall.internal;

import dev.vigil.server.oncall.EscalationPolicies;
import dev.vigil.server.oncall.EscalationPolicy;
import java.util.Optional;
import java.util.UUID;
import org.springframework.stereotype.Component;

/** {@link EscalationPolicies} over the on-call store. */
@Component
class StoreEscalationPolicies implements EscalationPolicies {
    private final OnCallStore store;

    StoreEscalationPolicies(OnCallStore store) {
        this.store = store;
    }

    @Override
    public Optional<EscalationPolicy> find(String idOrName) {
        if (idOrName == null || idOrName.isBlank()) {
            return Optional.empty();
        }
        String v = idOrName.strip();
        try {
            Optional<EscalationPolicy> byId = store.policy(UUID.fromString(v));
            if (byId.isPresent()) {
                return byId;
            }
        } catch (IllegalArgumentException e) {
            // not an id: a name
        }
        return store.policyByName(v);
    }
}
