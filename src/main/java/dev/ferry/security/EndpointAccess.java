package dev.ferry.security;

import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Which roles may use an endpoint family. One place decides for every request outside the console, on the
 * path as the router sees it ({@code dev.ferry.web.RequestPaths}), so that the rule and the 403 that names
 * the missing role cannot disagree.
 */
enum EndpointAccess {

    /** Health (with liveness and readiness), info, Swagger UI and the API's description: no data. */
    OPEN(EnumSet.noneOf(Role.class)),
    /** Calling and sending to handlers, resolving and rejecting awakeables. */
    CALL(EnumSet.of(Role.ADMIN, Role.INGRESS)),
    /** The result of an invocation, which callers attach to after a send. */
    RESULT(EnumSet.of(Role.ADMIN, Role.INGRESS, Role.READ_ONLY)),
    /** Reads of the admin API, and the metrics. */
    READ(EnumSet.of(Role.ADMIN, Role.READ_ONLY)),
    /** Everything else: every change. */
    WRITE(EnumSet.of(Role.ADMIN));

    private static final List<String> OPEN_PATHS = List.of("/actuator/health", "/actuator/health/",
            "/actuator/info", "/swagger-ui.html", "/swagger-ui/", "/v3/api-docs", "/v3/api-docs/");
    private static final List<String> CALL_PREFIXES = List.of("/call/", "/send/", "/restate/awakeables/");
    private static final Set<String> READ_METHODS = Set.of("GET", "HEAD", "OPTIONS");

    private final Set<Role> roles;

    EndpointAccess(Set<Role> roles) {
        this.roles = roles;
    }

    static EndpointAccess of(String method, String path) {
        if (matchesAny(path, OPEN_PATHS)) {
            return OPEN;
        }
        boolean read = READ_METHODS.contains(method.toUpperCase(Locale.ROOT));
        if (!read && CALL_PREFIXES.stream().anyMatch(path::startsWith)) {
            return CALL;
        }
        if (read && isResult(path)) {
            return RESULT;
        }
        if (read || (method.equalsIgnoreCase("POST") && path.equals("/v4/query"))) {
            return READ;
        }
        return WRITE;
    }

    boolean allows(Role role) {
        return this == OPEN || roles.contains(role);
    }

    /** The roles that may, as a settings reader writes them: "admin or ingress". */
    String rolesText() {
        return roles.stream().map(Role::wire).collect(Collectors.joining(" or "));
    }

    List<String> roleNames() {
        return roles.stream().map(Role::wire).toList();
    }

    /** {@code /invocations/{id}/output} and {@code /invocations/{id}/attach}. */
    private static boolean isResult(String path) {
        String[] segments = path.split("/", -1);
        return segments.length == 4 && segments[0].isEmpty() && segments[1].equals("invocations")
                && !segments[2].isEmpty() && (segments[3].equals("output") || segments[3].equals("attach"));
    }

    /** Exact matches, and prefixes ending in '/'. */
    private static boolean matchesAny(String path, List<String> patterns) {
        for (String pattern : patterns) {
            if (pattern.endsWith("/") ? path.startsWith(pattern) : path.equals(pattern)) {
                return true;
            }
        }
        return false;
    }
}
