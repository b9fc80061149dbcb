package dev.ferry.security;

import static dev.ferry.testsupport.Api.json;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import dev.ferry.testsupport.Api;
import dev.ferry.testsupport.FerryInstance;
import dev.ferry.testsupport.HandlerServer;
import dev.ferry.testsupport.JwkSetServer;
import dev.ferry.testsupport.RawHttp;

/**
 * One Ferry with a token of each role (the admin one both as {@code admin-token} and as the second of a rotated
 * pair) and OIDC JWTs from a JWK set served on 127.0.0.1: each credential against each endpoint family.
 */
class ApiRolesIT {

    private static final String ADMIN = "admin-token-for-tests-7c1f0e";
    private static final String NEXT_ADMIN = "next-admin-token-for-tests-55e1";
    private static final String INGRESS = "ingress-token-for-tests-0b93aa";
    private static final String READER = "read-only-token-for-tests-e41c2d";

    /** What a credential gets: through to the endpoint (any answer but 401 and 403), or refused. */
    private enum Outcome { PASSES, UNAUTHORIZED, FORBIDDEN }

    private static final AtomicInteger SERVICES = new AtomicInteger();

    private static JwkSetServer issuer;
    private static HandlerServer handler;
    private static FerryInstance ferry;
    private static Api anonymous;

    @BeforeAll
    static void start() {
        issuer = JwkSetServer.start();
        handler = HandlerServer.start().respondWith(request -> HandlerServer.Response.ok("{\"hello\":\"you\"}"));
        ferry = FerryInstance.start("api_roles", Map.of("ferry.security.admin-token", ADMIN,
                "ferry.security.tokens.admin", "retired-admin-token-for-tests," + NEXT_ADMIN,
                "ferry.security.tokens.ingress", INGRESS, "ferry.security.tokens.read-only", READER,
                "ferry.security.oidc.jwk-set-uri", issuer.jwkSetUri(),
                "ferry.security.oidc.issuer-uri", issuer.issuer()));
        anonymous = ferry.api();
        assertThat(as(ADMIN).post("/services", service("Greeter")).status()).isEqualTo(201);
    }

    @AfterAll
    static void stop() {
        ferry.close();
        handler.close();
        issuer.close();
    }

    @Test
    void eachRoleReachesItsEndpointFamiliesAndNoOther() {
        Map<String, Api> credentials = new LinkedHashMap<>();
        credentials.put("none", anonymous);
        credentials.put("admin", as(ADMIN));
        credentials.put("next admin", as(NEXT_ADMIN));
        credentials.put("ingress", as(INGRESS));
        credentials.put("read-only", as(READER));
        credentials.put("JWT admin", as(issuer.token(Map.of("roles", List.of("admin")))));
        credentials.put("JWT ingress", as(issuer.token(Map.of("roles", List.of("ingress")))));
        credentials.put("JWT ferry:read scope", as(issuer.token(Map.of("scope", "openid ferry:read"))));

        Map<String, Function<Api, Api.Reply>> families = new LinkedHashMap<>();
        families.put("admin write", api -> api.post("/services", service("Written" + SERVICES.incrementAndGet())));
        families.put("admin delete", api -> api.delete("/kafka-clusters/nothing"));
        families.put("admin read", api -> api.get("/kafka-clusters"));
        families.put("invocations read", api -> api.get("/invocations"));
        families.put("state read", api -> api.get("/services/Greeter/state"));
        families.put("restate query", api -> api.post("/v4/query", json("{'query':'SELECT 1'}")));
        families.put("ingress call", api -> api.post("/call/Greeter/greet", "{}"));
        families.put("ingress send and attach", ApiRolesIT::sendAndAttach);
        families.put("awakeable", api -> api.post("/restate/awakeables/sign_1nothing/resolve", "1"));
        families.put("health", api -> api.get("/actuator/health/readiness"));
        families.put("prometheus", api -> api.get("/actuator/prometheus"));
        families.put("metrics", api -> api.get("/actuator/metrics"));
        families.put("api docs", api -> api.get("/v3/api-docs"));
        families.put("swagger ui", api -> api.get("/swagger-ui/index.html"));

        List<String> mismatches = new ArrayList<>();
        credentials.forEach((who, api) -> families.forEach((family, request) -> {
            Api.Reply reply = request.apply(api);
            Outcome expected = expected(who, family);
            Outcome actual = reply.status() == 401 ? Outcome.UNAUTHORIZED
                    : reply.status() == 403 ? Outcome.FORBIDDEN : Outcome.PASSES;
            if (actual != expected || reply.status() >= 500) {
                mismatches.add(who + " / " + family + ": expected " + expected + ", got " + reply.status() + " "
                        + reply.text().substring(0, Math.min(200, reply.text().length())));
            }
        }));
        assertThat(mismatches).isEmpty();
    }

    private static Outcome expected(String who, String family) {
        if (family.equals("health") || family.equals("api docs") || family.equals("swagger ui")) {
            return Outcome.PASSES;
        }
        if (who.equals("none")) {
            return Outcome.UNAUTHORIZED;
        }
        if (who.contains("admin")) {
            return Outcome.PASSES;
        }
        boolean ingress = who.contains("ingress");
        boolean allowed = switch (family) {
            case "ingress call", "awakeable" -> ingress;
            case "ingress send and attach" -> ingress;
            case "admin read", "invocations read", "state read", "restate query", "prometheus", "metrics" -> !ingress;
            default -> false;
        };
        return allowed ? Outcome.PASSES : Outcome.FORBIDDEN;
    }

    /** A send and then an attach to its invocation with the same credential; the send's refusal, if refused. */
    private static Api.Reply sendAndAttach(Api api) {
        Api.Reply sent = api.post("/send/Greeter/greet", "{}");
        if (sent.status() != 202) {
            return sent;
        }
        Api.Reply attached = api.get("/invocations/" + sent.body().path("invocation_id").asString() + "/attach");
        assertThat(attached.status()).as(attached.text()).isEqualTo(200);
        assertThat(attached.body().path("hello").asString()).isEqualTo("you");
        return attached;
    }

    @Test
    void aReaderSeesTheResultOfAnInvocationButCannotStartOne() {
        Api.Reply sent = as(INGRESS).post("/send/Greeter/greet", "{}");
        assertThat(sent.status()).isEqualTo(202);

        Api.Reply output = as(READER).get("/invocations/" + sent.body().path("invocation_id").asString()
                + "/attach");
        assertThat(output.status()).as(output.text()).isEqualTo(200);
        assertThat(as(READER).post("/send/Greeter/greet", "{}").status()).isEqualTo(403);
        assertThat(as(INGRESS).get("/invocations").status()).isEqualTo(403);
    }

    @Test
    void refusesAMissingOrUnknownTokenWith401AndAProblem() {
        for (Api.Reply reply : List.of(anonymous.get("/kafka-clusters"), anonymous.post("/call/Greeter/greet", "{}"),
                as("admin-token-for-tests-7c1f0f").get("/kafka-clusters"),
                as("retired-admin-token-for-tests-x").get("/kafka-clusters"), as("").get("/services"))) {
            assertThat(reply.status()).as(reply.text()).isEqualTo(401);
            assertThat(reply.headers().firstValue("content-type")).hasValueSatisfying(
                    type -> assertThat(type).startsWith("application/problem+json"));
            assertThat(reply.headers().firstValue("www-authenticate")).hasValueSatisfying(
                    value -> assertThat(value).startsWith("Bearer realm=\"ferry\""));
            assertThat(reply.body().path("type").asString()).isEqualTo("https://ferry.dev/problems/unauthorized");
            assertThat(reply.body().path("status").asInt()).isEqualTo(401);
            assertThat(reply.body().path("detail").asString()).contains("ferry.security.admin-token")
                    .contains("ferry.security.tokens.");
            assertThat(reply.text()).doesNotContain("admin-token-for-tests").doesNotContain(INGRESS);
        }
        Api.Reply wrong = as("admin-token-for-tests-7c1f0f").get("/kafka-clusters");
        assertThat(wrong.headers().firstValue("www-authenticate").orElseThrow()).contains("error=\"invalid_token\"");
        assertThat(anonymous.get("/kafka-clusters").body().path("detail").asString())
                .contains("the role admin or read-only").contains("Authorization: Bearer");
    }

    @Test
    void refusesARoleThatIsNotEnoughWith403NamingTheRolesNeeded() {
        Api.Reply reply = as(INGRESS).post("/services", service("Refused"));

        assertThat(reply.status()).isEqualTo(403);
        assertThat(reply.headers().firstValue("content-type").orElse("")).startsWith("application/problem+json");
        assertThat(reply.body().path("type").asString()).isEqualTo("https://ferry.dev/problems/forbidden");
        assertThat(reply.body().path("title").asString()).isEqualTo("Forbidden");
        assertThat(reply.body().path("detail").asString()).contains("needs the role admin")
                .contains("is of the role ingress");
        assertThat(reply.body().path("accepted_roles").toString()).isEqualTo("[\"admin\"]");
        assertThat(reply.body().path("instance").asString()).isEqualTo("/services");
        assertThat(reply.text()).doesNotContain(INGRESS);

        Api.Reply call = as(READER).post("/call/Greeter/greet", "{}");
        assertThat(call.body().path("accepted_roles").toString()).isEqualTo("[\"admin\",\"ingress\"]");
    }

    @Test
    void refusesJwtsWithAWrongSignatureAnExpiryAnotherIssuerOrNoRole() {
        Map<String, Object> admin = Map.of("roles", List.of("admin"));
        for (String token : List.of(issuer.tokenOfAnotherKey(admin), issuer.expiredToken(admin),
                issuer.tokenOfAnotherIssuer(admin), "not-a-jwt")) {
            Api.Reply reply = as(token).get("/kafka-clusters");
            assertThat(reply.status()).as(reply.text()).isEqualTo(401);
            assertThat(reply.headers().firstValue("www-authenticate").orElseThrow())
                    .contains("error=\"invalid_token\"");
            assertThat(reply.text()).doesNotContain(token);
        }
        assertThat(as(issuer.expiredToken(admin)).get("/kafka-clusters").body().path("detail").asString())
                .contains("expired");

        Api.Reply noRole = as(issuer.token(Map.of("roles", List.of("operator"), "scope", "openid")))
                .get("/kafka-clusters");
        assertThat(noRole.status()).isEqualTo(403);
        assertThat(noRole.body().path("detail").asString()).contains("carries no Ferry role");
    }

    @Test
    void showsHealthDetailsToAdminsAndReadersOnly() {
        assertThat(details(anonymous)).isFalse();
        assertThat(details(as(INGRESS))).isFalse();
        assertThat(details(as(READER))).isTrue();
        assertThat(details(as(ADMIN))).isTrue();
        assertThat(details(as(issuer.token(Map.of("roles", List.of("read-only")))))).isTrue();
        Api.Reply staleToken = as("stale-token").get("/actuator/health/readiness");
        assertThat(staleToken.status()).as("an open endpoint takes a wrong token as none").isEqualTo(200);
        assertThat(details(as(issuer.expiredToken(Map.of("roles", List.of("admin")))))).isFalse();
        assertThat(anonymous.get("/actuator/health").body().path("components").path("kafkaClusters")
                .path("status").isMissingNode()).isFalse();
    }

    private static boolean details(Api api) {
        return api.get("/actuator/health").body().path("components").path("kafkaClusters").path("details")
                .has("clusters");
    }

    @Test
    void refusesPathsTheContainerAndTheRouterWouldReadDifferently() {
        for (String path : List.of("/kafka-clusters/..;/swagger-ui/", "/swagger-ui/..;/kafka-clusters",
                "/actuator/health/../../kafka-clusters", "/kafka-clusters/%2E%2E/swagger-ui/",
                "/actuator/health;x=1/../../services", "/swagger-ui;/../kafka-clusters",
                "/console/..;/kafka-clusters", "/kafka-clusters/..;/console")) {
            RawHttp.Response response = RawHttp.exchange(ferry.baseUrl(),
                    "GET " + path + " HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
            assertThat(response.status()).as(path + ": " + response.body()).isEqualTo(400);
            assertThat(response.contentType()).startsWith("application/problem+json");
            assertThat(response.body()).contains("plain form").doesNotContain("\"name\"");
        }
    }

    /** Spring Security's firewall would refuse these by default; the router takes them as names. */
    @Test
    void routesPercentEncodedNamesPastTheFirewall() {
        for (String path : List.of("/services/50%25off", "/services/a%3Bb", "/services/a%2Eb")) {
            Api.Reply reply = as(READER).get(path);
            assertThat(reply.status()).as(path + ": " + reply.text()).isEqualTo(404);
            assertThat(reply.body().path("type").asString()).as(path).endsWith("/service-not-found");
        }
    }

    @Test
    void describesTheBearerTokenInTheApiDocs() {
        Api.Reply docs = anonymous.get("/v3/api-docs");

        assertThat(docs.body().path("components").path("securitySchemes").path("admin-token").path("scheme")
                .asString()).isEqualTo("bearer");
    }

    private static Api as(String token) {
        return anonymous.withBearerToken(token);
    }

    private static String service(String name) {
        return json("{'name':'%s','type':'SERVICE','endpoint':'%s','handlers':[{'name':'greet'}]}"
                .formatted(name, handler.endpoint()));
    }
}
