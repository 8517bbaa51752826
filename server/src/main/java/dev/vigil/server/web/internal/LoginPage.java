package dev.vigil.server.web.internal;

import dev.vigil.server.platform.access.Permission;
import dev.vigil.server.platform.access.RequirePermission;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.security.authentication.AnonymousAuthenticationToken;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;

/** {@code GET /login}: the sign-in page (password form, and the single sign-on button when configured). */
@Controller
@RequirePermission(Permission.PUBLIC)
class LoginPage {
    private final boolean sso;
    private final String ssoName;

    LoginPage(
            @Value("${vigil.security.oidc.enabled:false}") boolean sso,
            @Value("${vigil.security.oidc.display-name:single sign-on}") String ssoName) {
        this.sso = sso;
        this.ssoName = ssoName;
    }

    @GetMapping("/login")
    String login(Model model) {
        Authentication auth = SecurityContextHolder.getContext().getAuthentication();
        if (auth != null && auth.isAuthenticated() && !(auth instanceof AnonymousAuthenticationToken)) {
            return "redirect:/";
        }
        model.addAttribute("sso", sso);
        model.addAttribute("ssoName", ssoName);
        return "login";
    }
}
