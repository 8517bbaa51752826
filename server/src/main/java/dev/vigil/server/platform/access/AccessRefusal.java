package dev.vigil.server.platform.access;

import jakarta.servlet.http.HttpServletRequest;

/**
 * Why a request was refused (403), noted on the request for the security module's audit of refused changes. The
 * handlers that turn an {@link org.springframework.security.access.AccessDeniedException} into a 403 (the API's
 * problem responses, the web UI's error page, the security filter chains) call {@link #note}; the first reason noted
 * wins. The reason is the denial's own message (which permission or rule refused it), never request data.
 */
public final class AccessRefusal {
    /** The request attribute holding the reason. */
    public static final String REASON = AccessRefusal.class.getName() + ".reason";

    private AccessRefusal() {}

    /** Notes {@code reason} as why {@code request} was refused, unless a reason is already noted. */
    public static void note(HttpServletRequest request, String reason) {
        if (request != null && request.getAttribute(REASON) == null) {
            request.setAttribute(REASON, reason == null || reason.isBlank() ? "access denied" : reason);
        }
    }

    /** The noted reason, or null. */
    public static String reason(HttpServletRequest request) {
        return request.getAttribute(REASON) instanceof String s ? s : null;
    }
}
