package dev.ferry.security;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class EndpointAccessTest {

    @Test
    void leavesHealthInfoAndTheApiDescriptionOpen() {
        assertThat(EndpointAccess.of("GET", "/actuator/health")).isEqualTo(EndpointAccess.OPEN);
        assertThat(EndpointAccess.of("GET", "/actuator/health/readiness")).isEqualTo(EndpointAccess.OPEN);
        assertThat(EndpointAccess.of("GET", "/actuator/health/liveness")).isEqualTo(EndpointAccess.OPEN);
        assertThat(EndpointAccess.of("GET", "/actuator/info")).isEqualTo(EndpointAccess.OPEN);
        assertThat(EndpointAccess.of("GET", "/swagger-ui/index.html")).isEqualTo(EndpointAccess.OPEN);
        assertThat(EndpointAccess.of("GET", "/v3/api-docs")).isEqualTo(EndpointAccess.OPEN);
        assertThat(EndpointAccess.of("GET", "/actuator/healthz")).isEqualTo(EndpointAccess.READ);
    }

    @Test
    void givesMetricsToReaders() {
        assertThat(EndpointAccess.of("GET", "/actuator/prometheus")).isEqualTo(EndpointAccess.READ);
        assertThat(EndpointAccess.of("GET", "/actuator/metrics/jvm.memory.used")).isEqualTo(EndpointAccess.READ);
        assertThat(EndpointAccess.READ.allows(Role.READ_ONLY)).isTrue();
        assertThat(EndpointAccess.READ.allows(Role.INGRESS)).isFalse();
    }

    @Test
    void givesCallsSendsAndAwakeablesToTheIngress() {
        assertThat(EndpointAccess.of("POST", "/call/Greeter/greet")).isEqualTo(EndpointAccess.CALL);
        assertThat(EndpointAccess.of("POST", "/send/Account/alice/deposit")).isEqualTo(EndpointAccess.CALL);
        assertThat(EndpointAccess.of("POST", "/restate/awakeables/sign_1abc/resolve")).isEqualTo(EndpointAccess.CALL);
        assertThat(EndpointAccess.of("POST", "/restate/awakeables/sign_1abc/reject")).isEqualTo(EndpointAccess.CALL);
        assertThat(EndpointAccess.CALL.allows(Role.INGRESS)).isTrue();
        assertThat(EndpointAccess.CALL.allows(Role.READ_ONLY)).isFalse();
        assertThat(EndpointAccess.CALL.allows(Role.ADMIN)).isTrue();
    }

    @Test
    void givesTheResultOfAnInvocationToCallersAndReaders() {
        assertThat(EndpointAccess.of("GET", "/invocations/inv_1/attach")).isEqualTo(EndpointAccess.RESULT);
        assertThat(EndpointAccess.of("GET", "/invocations/inv_1/output")).isEqualTo(EndpointAccess.RESULT);
        assertThat(EndpointAccess.of("GET", "/invocations/inv_1")).isEqualTo(EndpointAccess.READ);
        assertThat(EndpointAccess.of("POST", "/invocations/inv_1/kill")).isEqualTo(EndpointAccess.WRITE);
        assertThat(EndpointAccess.RESULT.allows(Role.INGRESS)).isTrue();
        assertThat(EndpointAccess.RESULT.allows(Role.READ_ONLY)).isTrue();
    }

    @Test
    void keepsEveryChangeForAdmins() {
        for (String[] request : new String[][] {{"POST", "/kafka-clusters"}, {"PATCH", "/services/S"},
                {"DELETE", "/subscriptions/sub_1"}, {"PUT", "/services/S/state/k"}, {"POST", "/invocations/bulk/kill"},
                {"POST", "/subscriptions/sub_1/pause"}, {"POST", "/v4/deployments"}, {"POST", "/calls/x"}}) {
            assertThat(EndpointAccess.of(request[0], request[1])).as(String.join(" ", request))
                    .isEqualTo(EndpointAccess.WRITE);
        }
        assertThat(EndpointAccess.WRITE.allows(Role.ADMIN)).isTrue();
        assertThat(EndpointAccess.WRITE.allows(Role.READ_ONLY)).isFalse();
        assertThat(EndpointAccess.WRITE.allows(Role.INGRESS)).isFalse();
    }

    @Test
    void letsReadersAskRestatesCliQuery() {
        assertThat(EndpointAccess.of("POST", "/v4/query")).isEqualTo(EndpointAccess.READ);
        assertThat(EndpointAccess.of("GET", "/v4/services")).isEqualTo(EndpointAccess.READ);
    }

    @Test
    void namesTheRolesForAProblem() {
        assertThat(EndpointAccess.CALL.rolesText()).isEqualTo("admin or ingress");
        assertThat(EndpointAccess.READ.roleNames()).containsExactly("admin", "read-only");
    }
}
