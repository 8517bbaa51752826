package dev.vigil.server.platform.internal;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletOutputStream;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import jakarta.servlet.http.HttpServletResponseWrapper;
import java.io.IOException;
import java.io.PrintWriter;
import java.util.LinkedHashMap;
import java.util.Map;
import org.springframework.http.HttpStatus;
import org.springframework.web.filter.OncePerRequestFilter;
import tools.jackson.databind.json.JsonMapper;

/**
 * Gives an RFC 9457 body to API errors that a handler answered without one ({@code ResponseEntity.notFound()},
 * {@code ResponseEntity.of(Optional.empty())}, a bare status): every {@code /api/**} error is a problem document, so a
 * module's controller cannot forget it. Responses with a body, and {@code sendError} (rendered by the error
 * controller), are left alone.
 */
class EmptyErrorProblemFilter extends OncePerRequestFilter {
    private static final JsonMapper JSON = JsonMapper.builder().build();

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        Tracking tracking = new Tracking(response);
        chain.doFilter(request, tracking);
        int status = response.getStatus();
        if (status >= 400 && !tracking.touched && !response.isCommitted() && response.getContentType() == null) {
            HttpStatus known = HttpStatus.resolve(status);
            Map<String, Object> problem = new LinkedHashMap<>();
            problem.put("type", "about:blank");
            problem.put("title", known == null ? "Error" : known.getReasonPhrase());
            problem.put("status", status);
            problem.put("instance", request.getRequestURI());
            byte[] body = JSON.writeValueAsBytes(problem);
            response.setContentType("application/problem+json");
            response.setContentLength(body.length);
            response.getOutputStream().write(body);
        }
    }

    /** Remembers whether the handler wrote (or asked to write) anything. */
    private static final class Tracking extends HttpServletResponseWrapper {
        boolean touched;

        Tracking(HttpServletResponse response) {
            super(response);
        }

        @Override
        public ServletOutputStream getOutputStream() throws IOException {
            touched = true;
            return super.getOutputStream();
        }

        @Override
        public PrintWriter getWriter() throws IOException {
            touched = true;
            return super.getWriter();
        }

        @Override
        public void sendError(int sc) throws IOException {
            touched = true;
            super.sendError(sc);
        }

        @Override
        public void sendError(int sc, String msg) throws IOException {
            touched = true;
            super.sendError(sc, msg);
        }

        @Override
        public void sendRedirect(String location) throws IOException {
            touched = true;
            super.sendRedirect(location);
        }

        @Override
        public void setContentType(String type) {
            if (type != null) {
                touched = true;
            }
            super.setContentType(type);
        }
    }
}
