package dev.ferry.security;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.mock.web.MockFilterChain;
import org.springframework.mock.web.MockHttpServletRequest;
import org.springframework.mock.web.MockHttpServletResponse;
import tools.jackson.databind.json.JsonMapper;

@ExtendWith(OutputCaptureExtension.class)
class AdminTokenFilterTest {

    private static final JsonMapper JSON = JsonMapper.builder().build();

    @Test
    void leavesHealthMetricsInfoAndApiDocsOpen() {
        assertThat(AdminTokenFilter.isOpen("/actuator/health")).isTrue();
        assertThat(AdminTokenFilter.isOpen("/actuator/health/readiness")).isTrue();
        assertThat(AdminTokenFilter.isOpen("/actuator/prometheus")).isTrue();
        assertThat(AdminTokenFilter.isOpen("/actuator/info")).isTrue();
        assertThat(AdminTokenFilter.isOpen("/swagger-ui/index.html")).isTrue();
        assertThat(AdminTokenFilter.isOpen("/v3/api-docs")).isTrue();
        assertThat(AdminTokenFilter.isOpen("/actuator/healthz")).isFalse();
        assertThat(AdminTokenFilter.isOpen("/actuator/metrics")).isFalse();
        assertThat(AdminTokenFilter.isOpen("/kafka-clusters")).isFalse();
        assertThat(AdminTokenFilter.isOpen("/call/Greeter/greet")).isFalse();
    }

    /** The console's own Spring Security chain asks for the token in its login form. */
    @Test
    void leavesTheConsoleToItsOwnLogin() {
        assertThat(AdminTokenFilter.isOpen("/console")).isTrue();
        assertThat(AdminTokenFilter.isOpen("/console/invocations")).isTrue();
        assertThat(AdminTokenFilter.isOpen("/consoles")).isFalse();
        assertThat(AdminTokenFilter.isOpen("/console-invocations")).isFalse();
    }

    @Test
    void refusesAMissingOrWrongTokenWithAProblem() throws Exception {
        AdminTokenFilter filter = filter("the-admin-token");

        MockHttpServletResponse missing = run(filter, request("/kafka-clusters", null));
        MockHttpServletResponse wrong = run(filter, request("/kafka-clusters", "Bearer the-admin-tokeN"));
        MockHttpServletResponse right = run(filter, request("/kafka-clusters", "bearer the-admin-token"));

        assertThat(missing.getStatus()).isEqualTo(401);
        assertThat(missing.getContentType()).startsWith("application/problem+json");
        assertThat(missing.getHeader("WWW-Authenticate")).startsWith("Bearer");
        assertThat(JSON.readTree(missing.getContentAsString()).get("detail").asString())
                .contains("Authorization: Bearer");
        assertThat(wrong.getStatus()).isEqualTo(401);
        assertThat(wrong.getContentAsString()).doesNotContain("the-admin-token");
        assertThat(right.getStatus()).isEqualTo(200);
    }

    @Test
    void decidesOnThePathTheRouterSeesNotTheNormalisedOne() throws Exception {
        AdminTokenFilter filter = filter("the-admin-token");
        MockHttpServletRequest sneaky = request("/kafka-clusters/..;/swagger-ui/", null);
        sneaky.setServletPath("/swagger-ui/");

        assertThat(run(filter, sneaky).getStatus()).isEqualTo(401);
    }

    @Test
    void warnsAtStartUpWhenTheApiIsOpen(CapturedOutput output) throws Exception {
        AdminTokenFilter filter = filter(null);

        assertThat(output).contains("The admin API is open").contains("ferry.security.admin-token");
        assertThat(run(filter, request("/kafka-clusters", null)).getStatus()).isEqualTo(200);
    }

    private static AdminTokenFilter filter(String token) {
        return new AdminTokenFilter(new SecurityProperties(token, null, List.of(), null, null), JSON);
    }

    private static MockHttpServletRequest request(String path, String authorization) {
        MockHttpServletRequest request = new MockHttpServletRequest("GET", path);
        request.setServletPath(path);
        if (authorization != null) {
            request.addHeader("Authorization", authorization);
        }
        return request;
    }

    private static MockHttpServletResponse run(AdminTokenFilter filter,
            MockHttpServletRequest request) throws Exception {
        MockHttpServletResponse response = new MockHttpServletResponse();
        filter.doFilter(request, response, new MockFilterChain());
        return response;
    }
}
