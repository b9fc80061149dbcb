package dev.ferry.web;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.util.Map;

import org.apache.catalina.connector.Request;
import org.apache.catalina.connector.Response;
import org.apache.catalina.valves.ErrorReportValve;
import org.springframework.http.MediaType;

/**
 * Tomcat's error report as an RFC 9457 problem instead of an HTML page. Tomcat writes this report for
 * requests it refuses before Spring MVC sees them: a malformed request line or header, an encoded slash or
 * NUL in the path, a request line or headers over {@code server.max-http-request-header-size}. Public with a
 * no-argument constructor because Tomcat creates it from its class name.
 */
public class ProblemReportValve extends ErrorReportValve {

    private static final int MAX_REASON = 200;

    @Override
    protected void report(Request request, Response response, Throwable throwable) {
        int status = response.getStatus();
        if (status < 400 || response.getContentWritten() > 0 || !response.setErrorReported()) {
            return;
        }
        Map<String, Object> problem = Problems.of(status, "http-" + status, Problems.title(status),
                detail(status, throwable == null ? response.getMessage() : null));
        try {
            response.setContentType(MediaType.APPLICATION_PROBLEM_JSON_VALUE);
            response.setCharacterEncoding(StandardCharsets.UTF_8.name());
            PrintWriter writer = response.getReporter();
            if (writer != null) {
                writer.write(Problems.json(problem));
                response.finishResponse();
            }
        } catch (IOException | IllegalStateException e) {
            // the client is gone or the response is already on its way: nothing more can be said
        }
    }

    /** What Ferry tells the client; Tomcat's own reason is kept when it gave one, but never a stack trace. */
    static String detail(int status, String reason) {
        String because = reason == null || reason.isBlank() ? ""
                : " (" + (reason.length() > MAX_REASON ? reason.substring(0, MAX_REASON) + "..." : reason) + ")";
        return switch (status) {
            case 400 -> "The HTTP request is malformed" + because + ". Percent-encode the path and query as RFC 3986"
                    + " says (no NUL, no encoded '/'), keep the request line and headers under 8 KB and send"
                    + " no control characters in headers.";
            case 413 -> "The request is too large" + because + ".";
            case 414 -> "The request URI is too long" + because + ". Keep the request line and headers under 8 KB.";
            case 431 -> "The request headers are too large" + because + ". Keep them under 8 KB in all.";
            case 505 -> "The HTTP version is not supported; use HTTP/1.1.";
            default -> Problems.title(status) + because + ".";
        };
    }
}
