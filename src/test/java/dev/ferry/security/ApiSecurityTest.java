package dev.ferry.security;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;

@ExtendWith(OutputCaptureExtension.class)
class ApiSecurityTest {

    @Test
    void warnsAtStartUpWhenTheApiIsOpen(CapturedOutput output) {
        ApiSecurity.announce(new SecurityProperties(null, null, List.of(), null, null));

        assertThat(output).contains("The admin API is open").contains("ferry.security.admin-token")
                .contains("ferry.security.tokens.");
    }

    @Test
    void countsTheTokensOfEachRoleWithoutShowingThem(CapturedOutput output) {
        ApiSecurity.announce(new SecurityProperties("legacy-secret", null, List.of(), null, null,
                new SecurityProperties.Tokens(List.of("admin-secret"), List.of("caller-secret"), List.of()), null));

        assertThat(output).doesNotContain("The admin API is open")
                .contains("2 admin, 1 ingress and 0 read-only token(s)")
                .doesNotContain("legacy-secret").doesNotContain("admin-secret").doesNotContain("caller-secret");
    }

    @Test
    void leavesTheConsoleToItsOwnChain() {
        assertThat(ApiSecurity.isConsole("/console")).isTrue();
        assertThat(ApiSecurity.isConsole("/console/invocations")).isTrue();
        assertThat(ApiSecurity.isConsole("/consoles")).isFalse();
        assertThat(ApiSecurity.isConsole("/console-invocations")).isFalse();
    }
}
