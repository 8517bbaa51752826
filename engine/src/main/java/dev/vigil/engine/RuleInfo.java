package dev.vigil.engine;

import java.util.List;

/**
 * The descriptive part of a Sigma rule: what it is, where it came from, how severe a match is. Immutable.
 *
 * @param id the rule's {@code id} (a UUID in SigmaHQ rules); may be null, see {@link #ref()}
 * @param name the optional unique {@code name} (used by correlation rules)
 * @param level {@code informational|low|medium|high|critical}, or null
 * @param tags the rule's tags as written, e.g. {@code attack.execution}, {@code attack.t1059.001}
 * @param file the file (or {@code archive.zip!/entry}) the rule was read from
 */
public record RuleInfo(
        String id,
        String name,
        String title,
        String description,
        String level,
        String status,
        List<String> tags,
        Logsource logsource,
        String file,
        String author,
        List<String> references,
        List<String> falsepositives,
        String date,
        String modified) {

    public RuleInfo {
        tags = tags == null ? List.of() : List.copyOf(tags);
        references = references == null ? List.of() : List.copyOf(references);
        falsepositives = falsepositives == null ? List.of() : List.copyOf(falsepositives);
        logsource = logsource == null ? Logsource.ANY : logsource;
    }

    /** The rule's stable reference: its id, else its name, else {@code file#title}. Never null. */
    public String ref() {
        if (id != null) return id;
        if (name != null) return name;
        return file + "#" + title;
    }

    /** The MITRE ATT&amp;CK tags only ({@code attack.*}). */
    public List<String> attackTags() {
        return tags.stream().filter(t -> t.startsWith("attack.")).toList();
    }
}
