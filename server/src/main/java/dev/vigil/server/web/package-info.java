/**
 * The web UI (server-rendered Thymeleaf + htmx, no JavaScript build): sign-in, the navigation, the dashboard and the
 * pages of every module. An edge module: it reads the feature modules' APIs; nothing depends on it. Pages contribute a
 * {@link dev.vigil.server.web.NavEntry} bean to appear in the navigation and dashboards contribute
 * {@link dev.vigil.server.web.DashboardWidget} beans; see {@code docs/development.md}.
 */
@org.springframework.modulith.ApplicationModule(displayName = "Web UI")
package dev.vigil.server.web;
