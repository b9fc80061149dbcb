package dev.ferry.security;

import static dev.ferry.testsupport.Api.json;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import dev.ferry.testsupport.Api;
import dev.ferry.testsupport.FerryInstance;
import dev.ferry.testsupport.RawHttp;
import dev.ferry.testsupport.TestInfrastructure;

/** With {@code ferry.security.admin-token} set, the API needs the token; health, metrics, info and docs do not. */
class AdminTokenIT {

    private static final String TOKEN = "admin-token-for-tests-7c1f0e";

    private static FerryInstance ferry;
    private static Api anonymous;
    private static Api admin;

    @BeforeAll
    static void start() {
        ferry = FerryInstance.start("admin_token", Map.of("ferry.security.admin-token", TOKEN));
        anonymous = ferry.api();
        admin = anonymous.withBearerToken(TOKEN);
    }

    @AfterAll
    static void stop() {
        ferry.close();
    }

    @Test
    void everyAdminAndRpcEndpointNeedsTheToken() {
        String cluster = json("{'name':'guarded','properties':{'bootstrap.servers':'%s'}}"
                .formatted(TestInfrastructure.kafka().bootstrapServers()));
        for (Api.Reply reply : List.of(anonymous.get("/kafka-clusters"), anonymous.post("/kafka-clusters", cluster),
                anonymous.get("/v4/kafka-clusters"), anonymous.get("/services"), anonymous.get("/subscriptions"),
                anonymous.get("/invocations"), anonymous.post("/call/Greeter/greet", "{}"),
                anonymous.post("/send/Greeter/greet", "{}"), anonymous.get("/actuator/metrics"),
                anonymous.withBearerToken("admin-token-for-tests-7c1f0f").get("/kafka-clusters"))) {
            assertThat(reply.status()).as(reply.text()).isEqualTo(401);
            assertThat(reply.headers().firstValue("content-type")).hasValueSatisfying(
                    type -> assertThat(type).startsWith("application/problem+json"));
            assertThat(reply.headers().firstValue("www-authenticate")).hasValueSatisfying(
                    value -> assertThat(value).startsWith("Bearer"));
            assertThat(reply.body().path("status").asInt()).isEqualTo(401);
            assertThat(reply.body().path("detail").asString()).contains("ferry.security.admin-token");
            assertThat(reply.text()).doesNotContain(TOKEN);
        }
        assertThat(admin.get("/kafka-clusters/guarded").status()).isEqualTo(404);

        assertThat(admin.post("/kafka-clusters", cluster).status()).isEqualTo(201);
        assertThat(admin.get("/kafka-clusters/guarded").status()).isEqualTo(200);
        assertThat(admin.get("/actuator/metrics").status()).isEqualTo(200);
    }

    @Test
    void refusesPathsTheContainerAndTheRouterWouldReadDifferently() {
        for (String path : List.of("/kafka-clusters/..;/swagger-ui/", "/swagger-ui/..;/kafka-clusters",
                "/actuator/health/../../kafka-clusters", "/kafka-clusters/%2E%2E/swagger-ui/",
                "/actuator/health;x=1/../../services", "/swagger-ui;/../kafka-clusters")) {
            RawHttp.Response response = RawHttp.exchange(ferry.baseUrl(),
                    "GET " + path + " HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
            assertThat(response.status()).as(path + ": " + response.body()).isEqualTo(400);
            assertThat(response.contentType()).startsWith("application/problem+json");
            assertThat(response.body()).contains("plain form").doesNotContain("\"name\"");
        }
    }

    @Test
    void healthMetricsInfoAndApiDocsStayOpen() {
        assertThat(anonymous.get("/actuator/health").status()).isEqualTo(200);
        assertThat(anonymous.get("/actuator/health/liveness").status()).isEqualTo(200);
        assertThat(anonymous.get("/actuator/health/readiness").status()).isEqualTo(200);
        assertThat(anonymous.get("/actuator/prometheus").status()).isEqualTo(200);
        assertThat(anonymous.get("/actuator/info").status()).isEqualTo(200);
        assertThat(anonymous.get("/swagger-ui/index.html").status()).isEqualTo(200);
        Api.Reply docs = anonymous.get("/v3/api-docs");
        assertThat(docs.status()).isEqualTo(200);
        assertThat(docs.body().path("components").path("securitySchemes").path("admin-token").path("scheme").asString())
                .isEqualTo("bearer");
    }

    @Test
    void healthDetailsAreForTokenHolders() {
        Api.Reply open = anonymous.get("/actuator/health");
        Api.Reply detailed = admin.get("/actuator/health");

        assertThat(open.body().path("components").path("kafkaClusters").path("status").isMissingNode()).isFalse();
        assertThat(open.body().path("components").path("kafkaClusters").has("details")).isFalse();
        assertThat(detailed.body().path("components").path("kafkaClusters").path("details").has("clusters")).isTrue();
    }
}
