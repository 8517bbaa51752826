/**
 * Application inventory (OWASP SAMM IM2-A, "if you add a new application, ensure the process covers it"):
 * applications with owner, criticality and expected log sources; per source last-seen time and event rate (from
 * the intake), per application the active rules and ATT&amp;CK tactics that apply to its sources, and flags for an
 * expected source that is silent or not configured and for an application without detection coverage some days
 * after registration.
 */
@org.springframework.modulith.ApplicationModule(displayName = "Inventory")
package dev.vigil.server.inventory;
