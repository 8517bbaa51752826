package dev.vigil.server.web.internal;

import jakarta.servlet.http.HttpServletResponse;
import java.util.NoSuchElementException;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.security.access.AccessDeniedException;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.ControllerAdvice;
import org.springframework.web.bind.annotation.ExceptionHandler;

/** Errors of the pages as pages (the API's errors stay problem details). */
@ControllerAdvice(basePackageClasses = PageErrors.class)
@Order(Ordered.HIGHEST_PRECEDENCE)
class PageErrors {

    @ExceptionHandler(NoSuchElementException.class)
    String notFound(NoSuchElementException e, Model model, HttpServletResponse response) {
        return page(404, "Not found", e.getMessage(), model, response);
    }

    @ExceptionHandler({IllegalArgumentException.class, IllegalStateException.class})
    String badRequest(RuntimeException e, Model model, HttpServletResponse response) {
        return page(400, "That did not work", e.getMessage(), model, response);
    }

    @ExceptionHandler(AccessDeniedException.class)
    String forbidden(
            AccessDeniedException e,
            Model model,
            jakarta.servlet.http.HttpServletRequest request,
            HttpServletResponse response) {
        dev.vigil.server.platform.access.AccessRefusal.note(request, e.getMessage());
        return page(403, "Forbidden", "Your roles do not allow this.", model, response);
    }

    private static String page(int status, String title, String detail, Model model, HttpServletResponse response) {
        response.setStatus(status);
        model.addAttribute("status", status);
        model.addAttribute("title", title);
        model.addAttribute("detail", detail);
        return "error";
    }
}
