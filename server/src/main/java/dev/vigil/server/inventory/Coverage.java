package dev.vigil.server.inventory;

import java.time.Instant;
import java.util.List;

/**
 * What Vigil sees of an application, as of {@code asOf}.
 *
 * @param sources its expected sources and the configured sources owned by it
 * @param rules active detection rules that apply to at least one of its sources
 * @param tactics the ATT&amp;CK tactics those rules cover, in kill-chain order
 * @param flags what needs attention; empty when all is well
 */
public record Coverage(
        Application application,
        Instant asOf,
        List<SourceCoverage> sources,
        List<RuleRef> rules,
        List<String> tactics,
        List<Flag> flags) {

    /**
     * One source of the application.
     *
     * @param expected listed in the application's expected sources
     * @param configured a log source with this name exists
     * @param lastSeen when it last delivered a record, or null
     * @param eventsPerSecond accepted records per second over the last minute
     * @param rules active rules that apply to its logsource
     */
    public record SourceCoverage(
            String name,
            boolean expected,
            boolean configured,
            String product,
            String category,
            String service,
            Instant lastSeen,
            double eventsPerSecond,
            long accepted,
            int rules) {}

    public record RuleRef(String ref, String title, String level, List<String> tactics) {}

    /**
     * @param code {@code SOURCE_NOT_CONFIGURED}, {@code SOURCE_SILENT} or {@code NO_COVERAGE}
     * @param source the source concerned, or null
     */
    public record Flag(String code, String source, String message) {}
}
