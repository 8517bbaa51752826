package dev.vigil.server.detection;

import java.util.Map;

/**
 * A rule matching one event of an evaluated batch.
 *
 * @param ruleRef the rule's reference (as alerts name it)
 * @param eventIndex the event's position in the batch
 * @param matchedFields the fields that made it match, with their values
 */
public record RuleMatch(
        String ruleRef, String ruleTitle, String level, int eventIndex, Map<String, String> matchedFields) {}
