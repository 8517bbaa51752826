package dev.vigil.server.platform.access;

import jakarta.servlet.http.HttpServletRequest;
import org.springframework.transaction.support.TransactionSynchronization;
import org.springframework.transaction.support.TransactionSynchronizationManager;
import org.springframework.web.context.request.RequestAttributes;
import org.springframework.web.context.request.RequestContextHolder;

/**
 * Why a request was refused (403), noted on the request for the security module's audit of refused changes. The
 * handlers that turn an {@link org.springframework.security.access.AccessDeniedException} into a 403 (the API's
 * problem responses, the web UI's error page, the security filter chains) call {@link #note}; the first reason noted
 * wins. The reason is the denial's own message (which permission or rule refused it), never request data.
 *
 * <p>A service that writes its own, more specific audit entry for a denial (e.g. {@code token_issue_denied}) calls
 * {@link #audited()} after it, so that the refusal is in the log once: the security module then adds no
 * {@code request_refused} entry for that request.
 */
public final class AccessRefusal {
    /** The request attribute holding the reason. */
    public static final String REASON = AccessRefusal.class.getName() + ".reason";

    /** The request attribute marking a refusal whose service has audited it ({@link #audited()}). */
    public static final String AUDITED = AccessRefusal.class.getName() + ".audited";

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

    /**
     * Marks the current request's refusal as audited by the service refusing it: call right after recording the
     * service's own entry for the denial, before throwing the {@link
     * org.springframework.security.access.AccessDeniedException}. Inside a transaction the mark is set when it
     * commits, so that an entry rolled back with the failing call does not silence the generic one. Outside a request
     * (CLI, scheduled work) it does nothing.
     */
    public static void audited() {
        RequestAttributes request = RequestContextHolder.getRequestAttributes();
        if (request == null) {
            return;
        }
        if (TransactionSynchronizationManager.isSynchronizationActive()) {
            TransactionSynchronizationManager.registerSynchronization(new TransactionSynchronization() {
                @Override
                public void afterCommit() {
                    request.setAttribute(AUDITED, Boolean.TRUE, RequestAttributes.SCOPE_REQUEST);
                }
            });
        } else {
            request.setAttribute(AUDITED, Boolean.TRUE, RequestAttributes.SCOPE_REQUEST);
        }
    }

    /** Whether the service refusing {@code request} has audited the refusal itself ({@link #audited()}). */
    public static boolean isAudited(HttpServletRequest request) {
        return Boolean.TRUE.equals(request.getAttribute(AUDITED));
    }
}
