package dev.vigil.server.incidents;

import java.time.Instant;
import java.util.List;

/**
 * A group of stakeholders to involve in incidents (senior management, PR, legal, privacy/DPO, HR, law enforcement,
 * customers, regulators, card brands, or the organisation's own) with its contacts.
 */
public record StakeholderGroup(
        String key, String name, String description, List<Contact> contacts, boolean builtin, Instant updatedAt) {

    public record Contact(String name, String role, String email, String phone, String notes) {}
}
