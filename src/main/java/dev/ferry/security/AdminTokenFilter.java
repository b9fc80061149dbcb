package dev.ferry.security;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.Principal;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletRequestWrapper;
import jakarta.servlet.http.HttpServletResponse;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.stereotype.Component;
import org.springframework.web.filter.OncePerRequestFilter;
import tools.jackson.databind.json.JsonMapper;

import dev.ferry.web.RequestPaths;

/**
 * Requires {@code Authorization: Bearer <ferry.security.admin-token>} on every request except health, info,
 * Prometheus metrics, the API documentation (Swagger UI and {@code /v3/api-docs}, which describe the API
 * but expose no data) and the web console, whose own login asks for the same token. Without a configured
 * token every request passes and a warning says so at start-up.
 *
 * <p>A request that carries the token is marked as made by an authenticated principal, which is what
 * {@code management.endpoint.health.show-details=when-authorized} checks: health details (such as why a
 * Kafka cluster is unreachable) are shown to holders of the token, or to everyone when the API is open.
 */
@Component
@Order(Ordered.HIGHEST_PRECEDENCE + 10)
public class AdminTokenFilter extends OncePerRequestFilter {

    private static final Logger log = LoggerFactory.getLogger(AdminTokenFilter.class);

    /** Paths that never need the token: exact matches, and prefixes ending in '/'. */
    private static final List<String> OPEN = List.of(
            "/actuator/health", "/actuator/health/", "/actuator/info", "/actuator/prometheus",
            "/swagger-ui.html", "/swagger-ui/", "/v3/api-docs", "/v3/api-docs/",
            // the console's Spring Security chain asks for the token in a login form and keeps it in the session
            "/console", "/console/");

    private static final Principal ADMIN = () -> "ferry-admin";

    private final byte @Nullable [] tokenDigest;
    private final JsonMapper json;

    public AdminTokenFilter(SecurityProperties properties, JsonMapper json) {
        this.tokenDigest = properties.adminToken() == null ? null : sha256(properties.adminToken());
        this.json = json;
        if (tokenDigest == null) {
            log.warn("The admin API is open: anyone who can reach Ferry can change clusters, services and"
                    + " subscriptions. Set ferry.security.admin-token (FERRY_SECURITY_ADMIN_TOKEN) to require"
                    + " 'Authorization: Bearer <token>'.");
        } else {
            log.info("The admin and RPC API require a bearer token");
        }
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        if (tokenDigest == null) {
            chain.doFilter(authenticated(request), response);
            return;
        }
        String presented = bearerToken(request);
        boolean valid = presented != null && MessageDigest.isEqual(tokenDigest, sha256(presented));
        if (valid) {
            chain.doFilter(authenticated(request), response);
        } else if (isOpen(path(request))) {
            chain.doFilter(request, response);
        } else {
            log.debug("Refused {} {}: {} bearer token", request.getMethod(), path(request),
                    presented == null ? "no" : "wrong");
            unauthorized(request, response, presented == null);
        }
    }

    static boolean isOpen(String path) {
        for (String open : OPEN) {
            if (open.endsWith("/") ? path.startsWith(open) : path.equals(open)) {
                return true;
            }
        }
        return false;
    }

    /**
     * The path the router will match (see {@link RequestPaths}), not the one the servlet container
     * normalised: the two differ for {@code ..} segments and {@code ;} parameters, which
     * {@code PlainPathFilter} refuses before this filter runs anyway.
     */
    private static String path(HttpServletRequest request) {
        return RequestPaths.routed(request);
    }

    private static @Nullable String bearerToken(HttpServletRequest request) {
        String header = request.getHeader(HttpHeaders.AUTHORIZATION);
        if (header == null || !header.regionMatches(true, 0, "Bearer ", 0, 7)) {
            return null;
        }
        String token = header.substring(7).strip();
        return token.isEmpty() ? null : token;
    }

    private void unauthorized(HttpServletRequest request, HttpServletResponse response, boolean missing)
            throws IOException {
        Map<String, Object> problem = new LinkedHashMap<>();
        problem.put("type", "https://ferry.dev/problems/unauthorized");
        problem.put("title", "Unauthorized");
        problem.put("status", HttpServletResponse.SC_UNAUTHORIZED);
        problem.put("detail", missing
                ? "This endpoint needs Ferry's admin token: send the header 'Authorization: Bearer <token>' with the"
                        + " value of ferry.security.admin-token."
                : "The bearer token is not Ferry's admin token. Send the value of ferry.security.admin-token.");
        problem.put("instance", path(request));
        response.setStatus(HttpServletResponse.SC_UNAUTHORIZED);
        response.setHeader(HttpHeaders.WWW_AUTHENTICATE, missing ? "Bearer realm=\"ferry\""
                : "Bearer realm=\"ferry\", error=\"invalid_token\"");
        response.setContentType(MediaType.APPLICATION_PROBLEM_JSON_VALUE);
        response.setCharacterEncoding(StandardCharsets.UTF_8.name());
        response.getWriter().write(json.writeValueAsString(problem));
    }

    private static HttpServletRequest authenticated(HttpServletRequest request) {
        return new HttpServletRequestWrapper(request) {
            @Override
            public Principal getUserPrincipal() {
                return ADMIN;
            }

            @Override
            public String getRemoteUser() {
                return ADMIN.getName();
            }

            @Override
            public boolean isUserInRole(String role) {
                return true;
            }
        };
    }

    /** Digests both sides first so that the comparison takes the same time whatever the presented length. */
    private static byte[] sha256(String value) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(value.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
