package dev.vigil.server.incidents;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.time.Instant;
import java.util.List;

/**
 * A response playbook (a scenario with instructions), versioned: saving a changed playbook makes a new version and
 * incidents keep the version they applied.
 *
 * @param scenario what situation it is for, in a few sentences
 * @param appliesWhen when triage or a responder should pick it (classifications, tags)
 * @param tasks the ordered tasks it creates
 * @param requiredBeforeClose fields that must be filled before the incident can be closed: {@code outcome},
 *     {@code final-classification}, {@code lead}, {@code applications}, {@code assets}, {@code observables},
 *     {@code techniques}, {@code data-types}, {@code jurisdictions}, {@code occurred-at}, {@code contained-at},
 *     {@code rca}
 * @param stakeholders who must be involved, and when
 * @param source the YAML document as written
 */
@JsonInclude(JsonInclude.Include.NON_EMPTY)
public record Playbook(
        String key,
        int version,
        String name,
        String scenario,
        AppliesWhen appliesWhen,
        List<Task> tasks,
        List<String> requiredBeforeClose,
        List<StakeholderRule> stakeholders,
        boolean active,
        boolean builtin,
        Instant createdAt,
        String createdBy,
        String source) {

    /** When the playbook fits: any of these classifications ({@code class} or {@code class/type}) or tags. */
    @JsonInclude(JsonInclude.Include.NON_EMPTY)
    public record AppliesWhen(List<String> classifications, List<String> tags, String description) {}

    /**
     * One task.
     *
     * @param owner the role that owns it (incident lead, analyst, IT operations, legal, communications, DPO, ...)
     * @param due offset from applying the playbook ({@code 30m}, {@code 4h}, {@code 2d}, ISO-8601), or null
     * @param phase the NIST phase it belongs to
     */
    @JsonInclude(JsonInclude.Include.NON_EMPTY)
    public record Task(String title, String instructions, String owner, String due, boolean mandatory, String phase) {}

    /**
     * A stakeholder to involve: attaches the notification obligation {@code obligation} (a template key) when given,
     * otherwise creates a task to inform {@code group} within {@code due}; only when the incident is at least
     * {@code minSeverity} (null: always).
     */
    @JsonInclude(JsonInclude.Include.NON_EMPTY)
    public record StakeholderRule(String group, String obligation, String due, String minSeverity, String message) {}
}
