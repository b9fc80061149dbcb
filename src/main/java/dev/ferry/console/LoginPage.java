package dev.ferry.console;

import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestParam;

import dev.ferry.security.SecurityProperties;

/** The login form: an admin token once, then the session holds the login (Spring Security's form login). */
@Controller
class LoginPage {

    private final boolean loginRequired;

    LoginPage(SecurityProperties properties) {
        this.loginRequired = !properties.apiOpen();
    }

    @GetMapping("/console/login")
    String login(@RequestParam(required = false) String error, @RequestParam(required = false) String logout,
            Model model) {
        if (!loginRequired) {
            return "redirect:/console";
        }
        model.addAttribute("failed", error != null);
        model.addAttribute("loggedOut", logout != null);
        return "console/login";
    }
}
