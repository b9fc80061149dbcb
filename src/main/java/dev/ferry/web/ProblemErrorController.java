package dev.ferry.web;

import java.io.IOException;

import io.swagger.v3.oas.annotations.Hidden;
import jakarta.servlet.RequestDispatcher;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.apache.catalina.core.StandardHost;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.tomcat.servlet.TomcatServletWebServerFactory;
import org.springframework.boot.web.server.WebServerFactoryCustomizer;
import org.springframework.boot.webmvc.error.ErrorController;
import org.springframework.context.annotation.Bean;
import org.springframework.stereotype.Controller;
import org.springframework.web.bind.annotation.RequestMapping;

/**
 * The servlet container's error page ({@code /error}) as an RFC 9457 problem, in place of Spring Boot's
 * JSON or HTML error. Errors that never reach Spring MVC's exception handling land here: a method the
 * container refuses ({@code TRACE}), a framing error such as {@code Transfer-Encoding} with
 * {@code Content-Length}, an exception thrown by a servlet filter. Requested directly, {@code /error} is
 * simply not found. It also makes Tomcat write its own error report as a problem
 * ({@link ProblemReportValve}).
 */
@Controller
@Hidden
class ProblemErrorController implements ErrorController {

    private static final Logger log = LoggerFactory.getLogger(ProblemErrorController.class);

    @RequestMapping("${server.error.path:/error}")
    void error(HttpServletRequest request, HttpServletResponse response) throws IOException {
        Object code = request.getAttribute(RequestDispatcher.ERROR_STATUS_CODE);
        Throwable exception = (Throwable) request.getAttribute(RequestDispatcher.ERROR_EXCEPTION);
        if (response.isCommitted()) {
            return;
        }
        response.resetBuffer();
        if (!(code instanceof Integer status) || status < 400 || status > 599) {
            Problems.write(response, Problems.of(404, "not-found", "Not Found",
                    "Nothing is served at " + request.getRequestURI() + "; see /swagger-ui.html for the API."));
            return;
        }
        String detail;
        if (exception != null && status == 500) {
            log.error("Unexpected error while handling {} {}", request.getMethod(),
                    request.getAttribute(RequestDispatcher.ERROR_REQUEST_URI), exception);
            detail = "Ferry could not complete the request because of an internal error; nothing was changed"
                    + " unless the response said so. See Ferry's log for details.";
        } else {
            detail = ProblemReportValve.detail(status, null);
            if (status == 405) {
                detail = "Method " + request.getMethod() + " is not allowed here; see /swagger-ui.html for the"
                        + " methods each path takes.";
            }
        }
        Problems.write(response, Problems.of(status, status == 500 ? "internal-error" : "http-" + status,
                status == 500 ? "Internal error" : Problems.title(status), detail));
    }

    /** Tomcat's error report valve is created from its class name when the host starts. */
    @Bean
    static WebServerFactoryCustomizer<TomcatServletWebServerFactory> problemReports() {
        return factory -> factory.addContextCustomizers(context -> {
            if (context.getParent() instanceof StandardHost host) {
                host.setErrorReportValveClass(ProblemReportValve.class.getName());
            }
        });
    }
}
