package dev.vigil.server.oncall.internal;

import dev.vigil.server.oncall.Page;
import dev.vigil.server.oncall.PageStatus;
import dev.vigil.server.oncall.Person;
import dev.vigil.server.platform.access.Permission;
import dev.vigil.server.platform.access.RequirePermission;
import dev.vigil.server.platform.audit.AuditLog;
import jakarta.servlet.http.HttpServletRequest;
import java.time.Clock;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.security.web.csrf.CsrfToken;
import org.springframework.stereotype.Controller;
import org.springframework.transaction.support.TransactionTemplate;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.util.HtmlUtils;

/**
 * {@code /oncall/action/{token}}: the acknowledge/resolve links of notifications, usable without signing in (the
 * token is the capability; see {@link ActionLinks}). GET only shows a confirmation page with a button — it changes
 * nothing, so mail scanners and link previews that fetch URLs cannot acknowledge a page — and POST acts. A used,
 * expired or forged token gets 410 or 404 and changes nothing. The POST carries the session's CSRF token from the
 * confirmation form like every browser form.
 */
@RequirePermission(Permission.PUBLIC)
@Controller
class ActionLinkController {
    private final ActionLinks links;
    private final EscalationEngine engine;
    private final PageRepository pages;
    private final OnCallStore store;
    private final TransactionTemplate tx;
    private final Clock clock;
    private final AuditLog audit;

    ActionLinkController(
            ActionLinks links,
            EscalationEngine engine,
            PageRepository pages,
            OnCallStore store,
            TransactionTemplate tx,
            Clock clock,
            AuditLog audit) {
        this.audit = audit;
        this.links = links;
        this.engine = engine;
        this.pages = pages;
        this.store = store;
        this.tx = tx;
        this.clock = clock;
    }

    @GetMapping("/oncall/action/{token}")
    ResponseEntity<String> confirm(@PathVariable String token, HttpServletRequest request) {
        Optional<ActionLinks.Link> parsed = links.parse(token);
        if (parsed.isEmpty()) {
            return html(HttpStatus.NOT_FOUND, "Unknown link", "This link is not valid.");
        }
        ActionLinks.Link link = parsed.get();
        if (link.usedAt() != null || !link.expiresAt().isAfter(clock.instant())) {
            return html(HttpStatus.GONE, "Link no longer valid", "This link was already used or has expired.");
        }
        Page p = pages.get(link.pageId()).orElse(null);
        if (p == null) {
            return html(HttpStatus.GONE, "Page gone", "The page no longer exists.");
        }
        String verb = link.action().equals("resolve") ? "Resolve" : "Acknowledge";
        String body = "<p><strong>" + esc(p.title()) + "</strong></p><p>Severity: "
                + esc(p.severity().id())
                + " · status: " + esc(p.status().id()) + "</p>"
                + "<form method=\"post\" action=\"/oncall/action/" + esc(token) + "\">" + csrfField(request)
                + "<button type=\"submit\" style=\"font-size:1.2em;padding:.5em 1.5em\">" + verb
                + "</button></form>";
        return html(HttpStatus.OK, verb + " page", body);
    }

    @PostMapping("/oncall/action/{token}")
    ResponseEntity<String> act(@PathVariable String token, HttpServletRequest request) {
        Instant now = clock.instant();
        Optional<ActionLinks.Link> parsed = links.parse(token);
        if (parsed.isEmpty()) {
            return html(HttpStatus.NOT_FOUND, "Unknown link", "This link is not valid.");
        }
        ActionLinks.Link link = parsed.get();
        String who = link.userId() == null
                ? "e-mail link"
                : store.person(link.userId())
                                .map(Person::name)
                                .orElse(link.userId().toString()) + " (link)";
        String from = request.getRemoteAddr();
        Page result = tx.execute(status -> {
            if (!links.consume(link, now, from)) {
                return null;
            }
            Page p = pages.get(link.pageId()).orElseThrow();
            if (p.status() == PageStatus.RESOLVED) {
                return p;
            }
            Page after = link.action().equals("resolve")
                    ? engine.resolve(link.pageId(), who, now)
                    : engine.acknowledge(link.pageId(), who, link.userId(), now);
            if (after.status() != p.status()) { // audited like a change through the API or the UI
                audit.record(
                        link.action().equals("resolve") ? "resolved" : "acknowledged",
                        "page",
                        after.id().toString(),
                        Map.of("status", p.status().id()),
                        Map.of("status", after.status().id(), "by", who, "title", after.title()));
            }
            return after;
        });
        if (result == null) {
            return html(HttpStatus.GONE, "Link no longer valid", "This link was already used or has expired.");
        }
        return html(
                HttpStatus.OK,
                "Page " + result.status().id(),
                "<p><strong>" + esc(result.title()) + "</strong> is now "
                        + esc(result.status().id()) + ".</p>");
    }

    static ResponseEntity<String> html(HttpStatus status, String title, String body) {
        String page = "<!doctype html><html><head><meta charset=\"utf-8\"><title>" + esc(title)
                + " · Vigil</title><meta name=\"robots\" content=\"noindex\"></head>"
                + "<body style=\"font-family:sans-serif;max-width:40em;margin:2em auto\"><h1>" + esc(title) + "</h1>"
                + body + "</body></html>";
        return ResponseEntity.status(status)
                .contentType(MediaType.TEXT_HTML)
                .header("Cache-Control", "no-store")
                .header("Referrer-Policy", "no-referrer")
                .body(page);
    }

    /** The browser chain protects POSTs with a CSRF token (cookie + form field); the form carries it. */
    static String csrfField(HttpServletRequest request) {
        if (request.getAttribute(CsrfToken.class.getName()) instanceof CsrfToken t) {
            return "<input type=\"hidden\" name=\"" + esc(t.getParameterName()) + "\" value=\"" + esc(t.getToken())
                    + "\">";
        }
        return "";
    }

    static String esc(String s) {
        return HtmlUtils.htmlEscape(s == null ? "" : s, "UTF-8");
    }
}
