/**
 * Incidents: alerts become incidents and are carried through a formal response process. Grouping of alerts by a
 * configurable key and window (duplicates counted), ordered declarative triage rules (YAML) that decide severity,
 * priority, RSIT classification, owning team, playbook and escalation policy (each decision recorded), the NIST SP
 * 800-61 incident record and its validated life cycle, manual promote/merge/link/split, the RSIT v1003 taxonomy as
 * editable data, versioned playbooks with a starter set, stakeholder groups and notification obligations with
 * deadline arithmetic (business days, holidays, time zones, anchoring) and durable escalation timers, the war-room
 * timeline with CSV import/export, root-cause analysis gating closure, and the Markdown/PDF report. Other modules use
 * {@link dev.vigil.server.incidents.IncidentService}, {@link dev.vigil.server.incidents.TimelineService},
 * {@link dev.vigil.server.incidents.IncidentStatistics} and the {@link dev.vigil.server.incidents.IncidentEvents}.
 */
@org.springframework.modulith.ApplicationModule(displayName = "Incidents")
package dev.vigil.server.incidents;
