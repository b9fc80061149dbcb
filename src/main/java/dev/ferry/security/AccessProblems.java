package dev.ferry.security;

import java.io.IOException;
import java.util.List;
import java.util.Map;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.http.HttpHeaders;
import org.springframework.security.access.AccessDeniedException;
import org.springframework.security.core.AuthenticationException;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.security.oauth2.core.OAuth2AuthenticationException;
import org.springframework.security.web.AuthenticationEntryPoint;
import org.springframework.security.web.access.AccessDeniedHandler;

import dev.ferry.web.Problems;
import dev.ferry.web.RequestPaths;

/**
 * Answers a refused request with an RFC 9457 problem: 401 with {@code WWW-Authenticate} when the bearer token
 * is missing or not valid, 403 naming the roles the endpoint takes when the token's role is not one of them.
 * Neither the token nor anything of it goes into the answer or the log.
 */
final class AccessProblems implements AuthenticationEntryPoint, AccessDeniedHandler {

    private static final Logger log = LoggerFactory.getLogger(AccessProblems.class);
    private static final String REALM = "Bearer realm=\"ferry\"";

    private final String credentials;

    AccessProblems(boolean oidc) {
        this.credentials = "a token of ferry.security.tokens.<role> (ferry.security.admin-token is an admin token)"
                + (oidc ? " or a JWT of the configured OIDC issuer" : "");
    }

    @Override
    public void commence(HttpServletRequest request, HttpServletResponse response, AuthenticationException exception)
            throws IOException {
        EndpointAccess access = access(request);
        boolean invalid = exception instanceof OAuth2AuthenticationException || hasBearer(request);
        String reason = invalid ? reason(exception) : "";
        log.debug("Refused {} {}: {} bearer token", request.getMethod(), path(request), invalid ? "invalid" : "no");
        Map<String, Object> problem = Problems.of(HttpServletResponse.SC_UNAUTHORIZED, "unauthorized",
                "Unauthorized", invalid
                        ? "The bearer token is not accepted (" + reason + "). Send " + credentials + "."
                        : "This endpoint needs a bearer token of the role " + access.rolesText()
                                + ": send the header 'Authorization: Bearer <token>' with " + credentials + ".");
        problem.put("instance", path(request));
        problem.put("accepted_roles", access.roleNames());
        response.setHeader(HttpHeaders.WWW_AUTHENTICATE, invalid
                ? REALM + ", error=\"invalid_token\", error_description=\"" + reason + "\"" : REALM);
        Problems.write(response, problem);
    }

    @Override
    public void handle(HttpServletRequest request, HttpServletResponse response, AccessDeniedException exception)
            throws IOException {
        EndpointAccess access = access(request);
        var authentication = SecurityContextHolder.getContext().getAuthentication();
        List<String> held = authentication == null ? List.of() : authentication.getAuthorities().stream()
                .flatMap(authority -> Role.of(authority).stream()).map(Role::wire).toList();
        log.debug("Refused {} {}: the role {} is not enough", request.getMethod(), path(request), held);
        Map<String, Object> problem = Problems.of(HttpServletResponse.SC_FORBIDDEN, "forbidden", "Forbidden",
                "This endpoint needs the role " + access.rolesText() + ", and the bearer token "
                        + (held.isEmpty() ? "carries no Ferry role" : "is of the role " + String.join(", ", held))
                        + ". Send a token of one of those roles.");
        problem.put("instance", path(request));
        problem.put("accepted_roles", access.roleNames());
        problem.put("roles", held);
        response.setHeader(HttpHeaders.WWW_AUTHENTICATE, REALM + ", error=\"insufficient_scope\"");
        Problems.write(response, problem);
    }

    private static EndpointAccess access(HttpServletRequest request) {
        return EndpointAccess.of(request.getMethod(), path(request));
    }

    private static String path(HttpServletRequest request) {
        return RequestPaths.routed(request);
    }

    private static boolean hasBearer(HttpServletRequest request) {
        String header = request.getHeader(HttpHeaders.AUTHORIZATION);
        return header != null && header.regionMatches(true, 0, "Bearer ", 0, 7);
    }

    /** Why the token was refused, in words that fit a quoted header value and name nothing of the token. */
    private static String reason(AuthenticationException exception) {
        String message = exception.getMessage() == null ? "not valid" : exception.getMessage();
        String cleaned = message.replaceAll("[^\\x20-\\x7e]", " ").replace('"', '\'').replace('\\', '/');
        return cleaned.length() > 200 ? cleaned.substring(0, 200) : cleaned;
    }
}
