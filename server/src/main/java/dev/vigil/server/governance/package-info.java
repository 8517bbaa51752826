/**
 * Governance (OWASP SAMM Incident Management, the organisational half): the incident detection and response
 * processes with an owner, versioned Markdown documentation readable by every user, a review cadence (default
 * annual) with reminders and a change history; who does what per incident type (RACI); published contact points and
 * the manual incident report form; training records with expiry; exercises with findings and follow-up actions.
 * {@link dev.vigil.server.governance.GovernanceService} is the API; every change is audited. Reminders and manual
 * reports are published as application events ({@link dev.vigil.server.governance.GovernanceReminder},
 * {@link dev.vigil.server.governance.IncidentReported}).
 */
@org.springframework.modulith.ApplicationModule(displayName = "Governance")
package dev.vigil.server.governance;
