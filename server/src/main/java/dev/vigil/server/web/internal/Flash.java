package dev.vigil.server.web.internal;

import org.springframework.web.servlet.mvc.support.RedirectAttributes;

/**
 * The end of a form handler (post/redirect/get): the notice the next page shows once (the layout renders it escaped,
 * as text), then the redirect to it.
 */
final class Flash {

    private Flash() {}

    /** Flashes {@code notice} and returns {@code redirect} (a {@code redirect:} view name). */
    static String notice(RedirectAttributes flash, String notice, String redirect) {
        flash.addFlashAttribute("notice", notice);
        return redirect;
    }
}
