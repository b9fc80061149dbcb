package dev.ferry.web;

import jakarta.servlet.http.HttpServletRequest;
import org.springframework.http.server.PathContainer;
import org.springframework.http.server.RequestPath;

/**
 * The path of a request as Spring MVC's router matches it: taken from the raw request URI, split into
 * segments and decoded one by one, without the servlet container's normalisation. Whatever decides on a
 * path before routing (such as the admin token check) uses this, so that it cannot see one path while the
 * router sees another.
 */
public final class RequestPaths {

    private RequestPaths() {
    }

    /** The decoded path within the application, segment parameters left out: {@code /kafka-clusters/a b}. */
    public static String routed(HttpServletRequest request) {
        StringBuilder path = new StringBuilder();
        for (PathContainer.Element element : parse(request).elements()) {
            path.append(element instanceof PathContainer.PathSegment segment
                    ? segment.valueToMatch() : element.value());
        }
        return path.toString();
    }

    /**
     * Why the path is not in its plain form, or null when it is: a {@code .} or {@code ..} segment (also
     * percent-encoded) or a {@code ;} parameter, which the container and the router would read differently.
     */
    public static String irregularity(HttpServletRequest request) {
        for (PathContainer.Element element : parse(request).elements()) {
            if (element instanceof PathContainer.PathSegment segment) {
                if (segment.valueToMatch().equals(".") || segment.valueToMatch().equals("..")) {
                    return "a '" + segment.valueToMatch() + "' segment";
                }
                if (!segment.parameters().isEmpty() || segment.value().contains(";")) {
                    return "a ';' parameter";
                }
            }
        }
        return null;
    }

    private static PathContainer parse(HttpServletRequest request) {
        String contextPath = request.getContextPath() == null ? "" : request.getContextPath();
        return RequestPath.parse(request.getRequestURI(), contextPath).pathWithinApplication();
    }
}
