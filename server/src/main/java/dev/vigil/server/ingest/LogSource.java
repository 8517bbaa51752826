package dev.vigil.server.ingest;

import dev.vigil.server.normalize.ParserSpec;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.UUID;
import java.util.regex.Pattern;

/**
 * A configured log source: where records come from (intake and match rules), how to read them (parser), how to
 * name their fields (field-mapping pipeline), which Sigma logsource they are (product/category/service) and which
 * application owns them.
 *
 * @param pipeline a built-in engine pipeline name or a YAML pipeline; null for none
 * @param match rules that claim records of the intake for this source, OR-ed; each rule is one or more
 *     space-separated {@code key=value} conditions, AND-ed: {@code sender=10.1.0.0/16}, {@code hostname=web*},
 *     {@code app=sshd} (syslog), {@code index=filebeat-*} (bulk), {@code service=checkout} (otlp); values are
 *     case-insensitive globs ({@code *}), senders IPs or CIDR blocks. HTTP and files name their source directly.
 * @param priority lower first when several sources' rules match
 * @param builtin the per-intake default sources: cannot be deleted or renamed
 */
public record LogSource(
        UUID id,
        String name,
        Intake intake,
        ParserSpec parser,
        String pipeline,
        String product,
        String category,
        String service,
        String application,
        List<String> match,
        int priority,
        boolean enabled,
        boolean builtin,
        Instant createdAt,
        Instant updatedAt) {

    private static final Pattern NAME = Pattern.compile("[a-z0-9][a-z0-9_.-]{0,62}");

    public LogSource {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(intake, "intake");
        Objects.requireNonNull(parser, "parser");
        match = match == null ? List.of() : List.copyOf(match);
    }

    /** Throws {@link IllegalArgumentException} when the name is not a valid source name. */
    public static String checkName(String name) {
        if (name == null || !NAME.matcher(name).matches()) {
            throw new IllegalArgumentException(
                    "source name must be 1-63 characters of a-z 0-9 _ . - starting with a letter or digit");
        }
        if (name.startsWith(dev.vigil.server.normalize.ExerciseTag.PREFIX)) {
            throw new IllegalArgumentException(
                    "source names starting with 'exercise-' are reserved for replay exercises");
        }
        return name;
    }
}
