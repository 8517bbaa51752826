package dev.vigil.server.assessment;

import java.util.List;

/**
 * The six questions of SAMM v2 Operations / Incident Management, with their answer options and quality criteria as
 * the SAMM model states them (the model's own spelling kept, e.g. "Root Case Analysis").
 *
 * @param id {@code IM1-A} .. {@code IM3-B}
 * @param unit what the answer's coverage counts: {@code applications}, {@code incidents}, {@code incident types},
 *     {@code time} (minutes of the last 30 days with someone reachable)
 */
public record SammQuestion(
        String id,
        int level,
        String stream,
        String streamName,
        String activity,
        String text,
        String unit,
        List<String> answers,
        List<String> criteria) {

    /** SAMM's answer weights, by answer index. */
    public static final double[] WEIGHTS = {0, 0.25, 0.5, 1};

    private static List<String> scale(String of) {
        return List.of(
                "No",
                "Yes, for some " + of,
                "Yes, for at least half of the " + of,
                "Yes, for most or all of the " + of);
    }

    public static final List<SammQuestion> ALL = List.of(
            new SammQuestion(
                    "IM1-A",
                    1,
                    "A",
                    "Incident detection",
                    "Use best-effort incident detection",
                    "Do you analyze log data for security incidents periodically?",
                    "applications",
                    scale("applications"),
                    List.of(
                            "You have a contact point for the creation of security incidents",
                            "You analyze data in accordance with the log data retention periods",
                            "The frequency of this analysis is aligned with the criticality of your applications")),
            new SammQuestion(
                    "IM2-A",
                    2,
                    "A",
                    "Incident detection",
                    "Define an incident detection process",
                    "Do you follow a documented process for incident detection?",
                    "applications",
                    scale("applications"),
                    List.of(
                            "The process has a dedicated owner",
                            "You store process documentation in an accessible location",
                            "The process considers an escalation path for further analysis",
                            "You train employees responsible for incident detection in this process",
                            "You have a checklist of potential attacks to simplify incident detection")),
            new SammQuestion(
                    "IM3-A",
                    3,
                    "A",
                    "Incident detection",
                    "Improve the incident detection process",
                    "Do you review and update the incident detection process regularly?",
                    "applications",
                    scale("applications"),
                    List.of(
                            "You perform reviews at least annually",
                            "You update the checklist of potential attacks with external and internal data")),
            new SammQuestion(
                    "IM1-B",
                    1,
                    "B",
                    "Incident response",
                    "Create an incident response plan",
                    "Do you respond to detected incidents?",
                    "incidents",
                    scale("incidents"),
                    List.of(
                            "You have a defined person or role for incident handling",
                            "You document security incidents")),
            new SammQuestion(
                    "IM2-B",
                    2,
                    "B",
                    "Incident response",
                    "Define an incident response process",
                    "Do you use a repeatable process for incident handling?",
                    "incident types",
                    scale("incident types"),
                    List.of(
                            "You have an agreed upon incident classification",
                            "The process considers Root Case Analysis for high severity incidents",
                            "Employees responsible for incident response are trained in this process",
                            "Forensic analysis tooling is available")),
            new SammQuestion(
                    "IM3-B",
                    3,
                    "B",
                    "Incident response",
                    "Establish an incident response team",
                    "Do you have a dedicated incident response team available?",
                    "time",
                    List.of(
                            "No",
                            "Yes, some of the time",
                            "Yes, at least half of the time",
                            "Yes, most or all of the time"),
                    List.of(
                            "The team performs Root Cause Analysis for all security incidents unless there is a "
                                    + "specific reason not to do so",
                            "You review and update the response process at least annually")));

    public static SammQuestion byId(String id) {
        for (SammQuestion q : ALL) {
            if (q.id.equalsIgnoreCase(id)) {
                return q;
            }
        }
        throw new IllegalArgumentException("unknown SAMM question '" + id + "' (expected IM1-A .. IM3-B)");
    }
}
