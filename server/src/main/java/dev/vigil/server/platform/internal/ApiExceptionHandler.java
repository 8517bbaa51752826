package dev.vigil.server.platform.internal;

import jakarta.validation.ConstraintViolationException;
import java.sql.SQLException;
import java.util.NoSuchElementException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.dao.DataIntegrityViolationException;
import org.springframework.http.HttpStatus;
import org.springframework.http.ProblemDetail;
import org.springframework.security.access.AccessDeniedException;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.RestControllerAdvice;
import org.springframework.web.multipart.MultipartException;
import org.springframework.web.servlet.mvc.method.annotation.ResponseEntityExceptionHandler;

/**
 * RFC 9457 problem details for every error a controller raises. Spring MVC's own exceptions (400 binding and
 * validation, 404 no handler or resource, 405, 406, 413, 415, ...) come from {@link ResponseEntityExceptionHandler};
 * on top of those, the exceptions every module uses: {@link IllegalArgumentException} is the caller's fault (400),
 * {@link NoSuchElementException} a missing object (404), {@link IllegalStateException} a conflict with the current
 * state (409), {@link AccessDeniedException} 403. Anything else is a 500 whose body says nothing about internals
 * (the log has the stack trace). 401 and 403 decided before MVC are written by the security module in the same
 * format; errors outside MVC reach {@link ProblemErrorController}.
 */
@RestControllerAdvice
@Order(Ordered.LOWEST_PRECEDENCE)
class ApiExceptionHandler extends ResponseEntityExceptionHandler {
    private static final Logger log = LoggerFactory.getLogger(ApiExceptionHandler.class);

    @ExceptionHandler({IllegalArgumentException.class, ConstraintViolationException.class})
    ProblemDetail badRequest(RuntimeException e) {
        return ProblemDetail.forStatusAndDetail(HttpStatus.BAD_REQUEST, e.getMessage());
    }

    /** An upload endpoint called without a (well-formed) multipart body; too large is 413 (handled above). */
    @ExceptionHandler(MultipartException.class)
    ProblemDetail notMultipart(MultipartException e) {
        return ProblemDetail.forStatusAndDetail(
                HttpStatus.BAD_REQUEST, "expected a multipart/form-data upload with the file: " + e.getMessage());
    }

    @ExceptionHandler(NoSuchElementException.class)
    ProblemDetail notFound(NoSuchElementException e) {
        return ProblemDetail.forStatusAndDetail(HttpStatus.NOT_FOUND, e.getMessage());
    }

    @ExceptionHandler(IllegalStateException.class)
    ProblemDetail conflict(IllegalStateException e) {
        return ProblemDetail.forStatusAndDetail(HttpStatus.CONFLICT, e.getMessage());
    }

    @ExceptionHandler(AccessDeniedException.class)
    ProblemDetail forbidden(AccessDeniedException e, jakarta.servlet.http.HttpServletRequest request) {
        dev.vigil.server.platform.access.AccessRefusal.note(request, e.getMessage());
        return ProblemDetail.forStatusAndDetail(HttpStatus.FORBIDDEN, e.getMessage());
    }

    /**
     * PostgreSQL refuses NUL characters in {@code text} (SQLSTATE 22021) and their escape in {@code jsonb}
     * (22P05): a request carrying one is the caller's mistake, whichever module's column it reached.
     */
    @ExceptionHandler(DataIntegrityViolationException.class)
    ProblemDetail dataIntegrity(DataIntegrityViolationException e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof SQLException sql
                    && ("22021".equals(sql.getSQLState()) || "22P05".equals(sql.getSQLState()))) {
                return ProblemDetail.forStatusAndDetail(
                        HttpStatus.BAD_REQUEST, "text must not contain NUL characters (U+0000)");
            }
        }
        return internal(e);
    }

    @ExceptionHandler(Exception.class)
    ProblemDetail internal(Exception e) {
        log.error("Unhandled error", e);
        return ProblemDetail.forStatusAndDetail(
                HttpStatus.INTERNAL_SERVER_ERROR, "internal error (see the server log)");
    }
}
