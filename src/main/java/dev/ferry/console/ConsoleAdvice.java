package dev.ferry.console;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.ControllerAdvice;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.ModelAttribute;
import org.springframework.web.servlet.ModelAndView;

import dev.ferry.security.SecurityProperties;
import dev.ferry.web.FerryException;

/**
 * What every console page needs: whether a login is required (for the log-out button), and a page that
 * shows a refused request's problem detail, the same text the API would answer with, instead of JSON.
 */
@ControllerAdvice(basePackageClasses = ConsoleAdvice.class)
@Order(Ordered.HIGHEST_PRECEDENCE)
class ConsoleAdvice {

    private static final Logger log = LoggerFactory.getLogger(ConsoleAdvice.class);

    private final boolean loginRequired;

    ConsoleAdvice(SecurityProperties properties) {
        this.loginRequired = !properties.apiOpen();
    }

    @ModelAttribute
    void common(Model model) {
        model.addAttribute("loginRequired", loginRequired);
    }

    @ExceptionHandler(FerryException.class)
    ModelAndView refused(FerryException refused) {
        log.debug("Console request refused: {}", refused.title());
        ModelAndView page = new ModelAndView("console/refused");
        page.setStatus(refused.status());
        page.addObject("title", refused.title());
        page.addObject("detail", refused.detail());
        page.addObject("loginRequired", loginRequired);
        return page;
    }
}
