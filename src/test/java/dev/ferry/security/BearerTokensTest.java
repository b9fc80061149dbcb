package dev.ferry.security;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.util.List;

import org.junit.jupiter.api.Test;

class BearerTokensTest {

    @Test
    void mapsEachTokenToItsRoleAndKeepsTheAdminTokenAnAdminToken() {
        BearerTokens tokens = new BearerTokens(properties("legacy", List.of("old", "new"), List.of("caller"),
                List.of("reader")));

        assertThat(tokens.roleOf("legacy")).contains(Role.ADMIN);
        assertThat(tokens.roleOf("old")).contains(Role.ADMIN);
        assertThat(tokens.roleOf("new")).contains(Role.ADMIN);
        assertThat(tokens.roleOf("caller")).contains(Role.INGRESS);
        assertThat(tokens.roleOf("reader")).contains(Role.READ_ONLY);
        assertThat(tokens.roleOf("Reader")).isEmpty();
        assertThat(tokens.roleOf("reader ")).isEmpty();
        assertThat(tokens.roleOf(null)).isEmpty();
        assertThat(tokens.any()).isTrue();
    }

    @Test
    void refusesOneTokenForTwoRolesWithoutShowingIt() {
        assertThatThrownBy(() -> new BearerTokens(properties(null, List.of("shared-secret"), List.of("shared-secret"),
                List.of()))).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("ferry.security.tokens.ingress").hasMessageNotContaining("shared-secret");
    }

    @Test
    void isOpenOnlyWithoutAnyCredential() {
        assertThat(properties(null, List.of(), List.of(), List.of()).apiOpen()).isTrue();
        assertThat(properties(null, List.of(), List.of(" "), List.of()).apiOpen()).isTrue();
        assertThat(properties(null, List.of(), List.of("caller"), List.of()).apiOpen()).isFalse();
        assertThat(properties("legacy", List.of(), List.of(), List.of()).apiOpen()).isFalse();
        SecurityProperties oidc = new SecurityProperties(null, null, List.of(), null, null, null,
                new SecurityProperties.Oidc(URI.create("https://idp.example.com"), null, null, List.of()));
        assertThat(oidc.apiOpen()).isFalse();
    }

    @Test
    void neverShowsATokenInTheSettingsText() {
        String text = properties("legacy-secret", List.of("admin-secret"), List.of("caller-secret"),
                List.of("reader-secret")).toString();

        assertThat(text).doesNotContain("legacy-secret").doesNotContain("admin-secret")
                .doesNotContain("caller-secret").doesNotContain("reader-secret").contains("ingress:1");
    }

    private static SecurityProperties properties(String adminToken, List<String> admin, List<String> ingress,
            List<String> readOnly) {
        return new SecurityProperties(adminToken, null, List.of(), null, null,
                new SecurityProperties.Tokens(admin, ingress, readOnly), null);
    }
}
