package dev.ferry.security;

import java.util.Locale;
import java.util.Optional;

import org.springframework.security.core.GrantedAuthority;
import org.springframework.security.core.authority.SimpleGrantedAuthority;

/** What a credential may do: everything, only call handlers, or only read. */
public enum Role {

    /** Everything: the admin API, the ingress, the metrics and the console. */
    ADMIN("admin", "ferry:admin"),
    /** The RPC ingress only: call and send to handlers, resolve and reject awakeables, read their results. */
    INGRESS("ingress", "ferry:ingress"),
    /** Reads of the admin API and the metrics; no writes. */
    READ_ONLY("read-only", "ferry:read");

    private final String wire;
    private final String scope;

    Role(String wire, String scope) {
        this.wire = wire;
        this.scope = scope;
    }

    /** The name used in settings, JWT claims and problems: {@code admin}, {@code ingress}, {@code read-only}. */
    public String wire() {
        return wire;
    }

    /** The OAuth scope that grants the role: {@code ferry:admin}, {@code ferry:ingress}, {@code ferry:read}. */
    public String scope() {
        return scope;
    }

    /** The authority Spring Security checks ({@code ROLE_ADMIN}, ...), so that {@code hasRole("ADMIN")} works. */
    public GrantedAuthority authority() {
        return new SimpleGrantedAuthority("ROLE_" + name());
    }

    /** The role a claim value or scope names ({@code admin}, {@code read-only}, {@code ferry:read}, any case). */
    static Optional<Role> named(String value) {
        String name = value.strip().toLowerCase(Locale.ROOT);
        for (Role role : values()) {
            if (role.wire.equals(name) || role.scope.equals(name)) {
                return Optional.of(role);
            }
        }
        return Optional.empty();
    }

    static Optional<Role> of(GrantedAuthority authority) {
        for (Role role : values()) {
            if (role.authority().getAuthority().equals(authority.getAuthority())) {
                return Optional.of(role);
            }
        }
        return Optional.empty();
    }
}
