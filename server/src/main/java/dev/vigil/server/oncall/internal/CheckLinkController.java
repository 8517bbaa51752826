package dev.vigil.server.oncall.internal;

import static dev.vigil.server.oncall.internal.ActionLinkController.csrfField;
import static dev.vigil.server.oncall.internal.ActionLinkController.esc;
import static dev.vigil.server.oncall.internal.ActionLinkController.html;

import dev.vigil.server.oncall.OutOfBandChecks;
import dev.vigil.server.platform.access.Permission;
import dev.vigil.server.platform.access.RequirePermission;
import jakarta.servlet.http.HttpServletRequest;
import java.time.Clock;
import java.time.Instant;
import java.util.Optional;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.stereotype.Controller;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;

/**
 * {@code /oncall/check/{token}}: the "confirm receipt" link of an out-of-band test notification, usable without
 * signing in (the signed token is the capability). GET shows a confirmation button and changes nothing (link
 * scanners); POST confirms, once, before the deadline. A forged token gets 404, a used or late one 410.
 */
@RequirePermission(Permission.PUBLIC)
@Controller
class CheckLinkController {
    private final OutOfBandCheck check;
    private final Clock clock;

    CheckLinkController(OutOfBandCheck check, Clock clock) {
        this.check = check;
        this.clock = clock;
    }

    @GetMapping("/oncall/check/{token}")
    ResponseEntity<String> show(@PathVariable String token, HttpServletRequest request) {
        Optional<OutOfBandChecks.Result> r = check.verify(token);
        if (r.isEmpty()) {
            return html(HttpStatus.NOT_FOUND, "Unknown link", "This link is not valid.");
        }
        OutOfBandChecks.Result result = r.get();
        if (result.confirmedAt() != null
                || !result.confirmBy().isAfter(clock.instant())
                || "failed".equals(result.status())
                || "unconfirmed".equals(result.status())) {
            return html(HttpStatus.GONE, "Link no longer valid", "This test was already confirmed or has expired.");
        }
        return html(
                HttpStatus.OK,
                "Confirm the test notification",
                "<p>Vigil sent a test notification over <strong>" + esc(result.channelName()) + "</strong>"
                        + (result.userName() == null ? "" : " to " + esc(result.userName())) + ".</p>"
                        + "<form method=\"post\" action=\"/oncall/check/" + esc(token) + "\">" + csrfField(request)
                        + "<button type=\"submit\">I received it</button></form>");
    }

    @PostMapping("/oncall/check/{token}")
    ResponseEntity<String> confirm(@PathVariable String token, HttpServletRequest request) {
        Instant now = clock.instant();
        Optional<OutOfBandChecks.Result> r = check.verify(token);
        if (r.isEmpty()) {
            return html(HttpStatus.NOT_FOUND, "Unknown link", "This link is not valid.");
        }
        if (!check.confirm(r.get(), now, request.getRemoteAddr())) {
            return html(HttpStatus.GONE, "Link no longer valid", "This test was already confirmed or has expired.");
        }
        return html(
                HttpStatus.OK,
                "Thank you",
                "<p>Receipt over <strong>" + esc(r.get().channelName()) + "</strong> confirmed.</p>");
    }
}
