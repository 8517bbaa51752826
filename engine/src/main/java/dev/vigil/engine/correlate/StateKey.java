package dev.vigil.engine.correlate;

/**
 * Key of one group's state in a {@link StateStore}: the rule's state key ({@code ref#fingerprint}, so a changed
 * rule does not inherit the state of its previous definition; {@code kill-chain/host} for kill-chain entities) and
 * the group's key. A Kafka Streams store would partition by {@code group}.
 */
public record StateKey(String rule, GroupKey group) {
    public StateKey {
        if (rule == null || group == null) throw new IllegalArgumentException("rule and group must not be null");
    }
}
