/**
 * The OWASP SAMM v2 Incident Management self-assessment (IM1–IM3, streams A "incident detection" and B "incident
 * response"), answered from Vigil's own data: each question's answer is computed from coverage figures (applications
 * whose logs are evaluated, incident types with a playbook, on-call coverage, ...), each quality criterion is checked
 * with links to its evidence, and the stream and practice scores use SAMM's answer weights (0, 0.25, 0.5, 1). An
 * assessor may override an answer with a recorded justification. Snapshots are kept as history and exported as
 * Markdown, PDF and JSON. {@link dev.vigil.server.assessment.AssessmentService} is the API.
 */
@org.springframework.modulith.ApplicationModule(displayName = "Assessment")
package dev.vigil.server.assessment;
