package dev.vigil.server.security.internal;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import org.springframework.stereotype.Component;

/** RFC 9457 problem responses for 401 and 403, written before the request reaches Spring MVC. */
@Component
class ProblemResponses {

    void unauthorized(HttpServletResponse response, String detail) throws IOException {
        response.setHeader("WWW-Authenticate", "Bearer realm=\"vigil\"");
        write(response, 401, "Unauthorized", detail);
    }

    void forbidden(HttpServletResponse response, String detail) throws IOException {
        write(response, 403, "Forbidden", detail);
    }

    /** A minimal page for browsers (no user input in it). */
    void forbiddenPage(HttpServletResponse response) throws IOException {
        if (response.isCommitted()) {
            return;
        }
        response.setStatus(403);
        response.setContentType("text/html;charset=UTF-8");
        response.getWriter()
                .write("<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>Forbidden - Vigil</title>"
                        + "<link rel=\"stylesheet\" href=\"/assets/vigil.css\"></head><body><main class=\"narrow\">"
                        + "<h1>Forbidden</h1><p>Your roles do not allow this page or action.</p>"
                        + "<p><a href=\"/\">Back to the dashboard</a></p></main></body></html>");
    }

    /** True when the caller is a browser asking for a page rather than a client asking for JSON. */
    static boolean wantsHtml(HttpServletRequest request) {
        String accept = request.getHeader("Accept");
        return accept != null && accept.contains("text/html");
    }

    private static void write(HttpServletResponse response, int status, String title, String detail)
            throws IOException {
        if (response.isCommitted()) {
            return;
        }
        response.setStatus(status);
        response.setContentType("application/problem+json");
        response.setCharacterEncoding(StandardCharsets.UTF_8.name());
        response.getWriter()
                .write("{\"type\":\"about:blank\",\"title\":\"" + title + "\",\"status\":" + status + ",\"detail\":\""
                        + escape(detail) + "\"}");
    }

    private static String escape(String s) {
        StringBuilder b = new StringBuilder();
        for (char c : s.toCharArray()) {
            switch (c) {
                case '"' -> b.append("\\\"");
                case '\\' -> b.append("\\\\");
                default -> {
                    if (c < 0x20) {
                        b.append(String.format("\\u%04x", (int) c));
                    } else {
                        b.append(c);
                    }
                }
            }
        }
        return b.toString();
    }
}
