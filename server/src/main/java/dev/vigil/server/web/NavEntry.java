package dev.vigil.server.web;

import dev.vigil.server.platform.access.Permission;

/**
 * One entry of the navigation, contributed as a bean by the page that owns it (no shared template to edit). Shown
 * only to callers with {@code permission}. Sections and the order numbers reserved for later pages:
 *
 * <ul>
 *   <li>{@link #OPERATE}: Dashboard 10, Alerts 20, Incidents 30, On-call 40, Events / Search 50
 *   <li>{@link #DETECT}: Rules 10, Sources 20, Applications 30
 *   <li>{@link #GOVERN}: Governance 10, Assessment 20, Audit 30
 *   <li>{@link #ADMIN}: Users 10, Teams 20, Tokens 30, Webhooks 40
 * </ul>
 *
 * @param path the page's path; the entry is marked current for this path and everything below it
 */
public record NavEntry(String section, String label, String path, Permission permission, int order) {
    public static final String OPERATE = "Operate";
    public static final String DETECT = "Detect";
    public static final String GOVERN = "Govern";
    public static final String ADMIN = "Administer";
}
