package dev.ferry.security;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.springframework.security.core.GrantedAuthority;
import org.springframework.security.oauth2.jwt.Jwt;

class OidcJwtsTest {

    @Test
    void takesRolesFromTheRolesClaimAsAListOrAString() {
        assertThat(roles(Map.of("roles", List.of("admin", "unknown")), "roles")).containsExactly("ROLE_ADMIN");
        assertThat(roles(Map.of("roles", "ingress read-only"), "roles"))
                .containsExactly("ROLE_INGRESS", "ROLE_READ_ONLY");
    }

    @Test
    void readsANestedClaimByItsDottedName() {
        assertThat(roles(Map.of("realm_access", Map.of("roles", List.of("ferry:ingress"))), "realm_access.roles"))
                .containsExactly("ROLE_INGRESS");
        assertThat(roles(Map.of("realm_access", "admin"), "realm_access.roles")).isEmpty();
    }

    @Test
    void takesFerryScopesButNotBareRoleNamesInTheScope() {
        assertThat(roles(Map.of("scope", "openid ferry:read"), "roles")).containsExactly("ROLE_READ_ONLY");
        assertThat(roles(Map.of("scp", List.of("ferry:admin")), "roles")).containsExactly("ROLE_ADMIN");
        assertThat(roles(Map.of("scope", "admin"), "roles")).isEmpty();
    }

    private static List<String> roles(Map<String, Object> claims, String rolesClaim) {
        Jwt jwt = Jwt.withTokenValue("t").header("alg", "RS256").subject("caller").issuedAt(Instant.EPOCH)
                .claims(all -> all.putAll(claims)).build();
        return OidcJwts.authorities(jwt, rolesClaim).stream().map(GrantedAuthority::getAuthority).toList();
    }
}
