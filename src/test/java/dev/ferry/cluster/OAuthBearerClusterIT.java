package dev.ferry.cluster;

import static dev.ferry.cluster.SecuredRoundTrip.assertDelivers;
import static dev.ferry.cluster.SecuredRoundTrip.awaitConnection;
import static dev.ferry.cluster.SecuredRoundTrip.clustersHealth;
import static dev.ferry.cluster.SecuredRoundTrip.createCluster;
import static dev.ferry.testsupport.Api.json;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import ch.qos.logback.classic.Level;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import tools.jackson.databind.JsonNode;

import dev.ferry.testsupport.Api;
import dev.ferry.testsupport.EmbeddedKafkaBroker;
import dev.ferry.testsupport.FerryInstance;
import dev.ferry.testsupport.LogWatch;
import dev.ferry.testsupport.OidcProvider;

/**
 * A cluster that takes SASL OAUTHBEARER tokens: Ferry gets them from a real token endpoint (client credentials
 * grant, RS256-signed JWTs) and the broker validates them against the provider's JWKS with Kafka's own
 * {@code OAuthBearerValidatorCallbackHandler}.
 */
@ExtendWith(OutputCaptureExtension.class)
class OAuthBearerClusterIT {

    private static final String CLIENT_SECRET = "oidc-secret-Pq71";

    private static OidcProvider provider;
    private static EmbeddedKafkaBroker broker;
    private static FerryInstance ferry;
    private static Api api;
    private static String allowedBefore;

    @BeforeAll
    static void start() {
        provider = OidcProvider.start(Map.of("ferry", CLIENT_SECRET));
        // the broker's JWKS URL must be allowed before it starts; Ferry adds the token endpoint itself
        allowedBefore = System.getProperty(OAuthEndpoints.ALLOWED_URLS);
        System.setProperty(OAuthEndpoints.ALLOWED_URLS, provider.jwksEndpoint());
        broker = EmbeddedKafkaBroker.builder()
                .listenerSecurityProtocol("SASL_PLAINTEXT")
                .listenerProperty("sasl.enabled.mechanisms", "OAUTHBEARER")
                .listenerProperty("oauthbearer.sasl.jaas.config",
                        "org.apache.kafka.common.security.oauthbearer.OAuthBearerLoginModule required;")
                .listenerProperty("oauthbearer.sasl.server.callback.handler.class",
                        "org.apache.kafka.common.security.oauthbearer.OAuthBearerValidatorCallbackHandler")
                .brokerProperty("sasl.oauthbearer.jwks.endpoint.url", provider.jwksEndpoint())
                .brokerProperty("sasl.oauthbearer.expected.audience", OidcProvider.AUDIENCE)
                .brokerProperty("sasl.oauthbearer.expected.issuer", provider.issuer())
                .start();
        ferry = FerryInstance.start("oauth_cluster", Map.of());
        api = ferry.api();
    }

    @AfterAll
    static void stop() {
        ferry.close();
        broker.close();
        provider.close();
        if (allowedBefore == null) {
            System.clearProperty(OAuthEndpoints.ALLOWED_URLS);
        } else {
            System.setProperty(OAuthEndpoints.ALLOWED_URLS, allowedBefore);
        }
    }

    @Test
    void deliversWithTokensFromTheIdentityProvider() {
        int issuedBefore = provider.tokensIssued();

        assertDelivers(api, "oidc", oidc(CLIENT_SECRET), "oidc-topic");

        assertThat(provider.tokensIssued()).isGreaterThan(issuedBefore);
        assertThat(Arrays.asList(System.getProperty(OAuthEndpoints.ALLOWED_URLS).split(",")))
                .contains(provider.tokenEndpoint(), provider.jwksEndpoint());
    }

    @Test
    void aWrongClientSecretIsReportedWithoutTheSecret() {
        createCluster(api, "oidc-wrong", oidc("not-the-secret-Zz9"));

        JsonNode connection = awaitConnection(api, "oidc-wrong", "failed");

        assertThat(provider.refused()).isPositive();
        assertThat(connection.path("error").asString()).contains("401").doesNotContain("not-the-secret-Zz9");
        JsonNode health = clustersHealth(api);
        assertThat(health.path("status").asString()).isEqualTo("DEGRADED");
        assertThat(health.toString()).doesNotContain("not-the-secret-Zz9");
    }

    @Test
    void aTokenEndpointEchoingTheRequestPutsNoFormOfTheSecretAnywhere(CapturedOutput output) {
        String secret = "echo/Secret+Wq7 9=";
        List<String> forms = secretForms("ferry", secret);
        int refusedBefore = provider.refused();
        List<String> texts = new ArrayList<>();
        try (LogWatch logs = LogWatch.start(forms, Map.of("dev.ferry", Level.DEBUG))) {
            Map<String, String> properties = oidc(secret);
            properties.put("sasl.oauthbearer.token.endpoint.url", provider.echoingTokenEndpoint());
            createCluster(api, "oidc-echo", properties);

            JsonNode connection = awaitConnection(api, "oidc-echo", "failed");
            assertThat(provider.refused()).isGreaterThan(refusedBefore);
            assertThat(connection.path("error").asString()).contains("401");
            // a consumer tries too, and fails the same way
            api.post("/services",
                    json("{'name':'Echo','type':'SERVICE','endpoint':'http://127.0.0.1:9','handlers':[{'name':'h'}]}"));
            assertThat(api.post("/subscriptions", json("{'source':'kafka://oidc-echo/echo','sink':'service://Echo/h'}"))
                    .status()).isEqualTo(201);
            int refusedByNow = provider.refused();
            await().atMost(Duration.ofSeconds(60)).until(() -> provider.refused() > refusedByNow + 2);
            Api.Reply validated = api.post("/kafka-clusters?validate=true", "{\"name\":\"oidc-echo\",\"properties\":%s}"
                    .formatted(SecuredRoundTrip.body(properties)));
            assertThat(validated.body().path("connection").path("error").asString()).contains("401");
            texts.add(validated.text());
            for (String path : List.of("/kafka-clusters", "/kafka-clusters/oidc-echo", "/v4/kafka-clusters",
                    "/v4/kafka-clusters/oidc-echo", "/actuator/health", "/actuator/health/kafkaClusters")) {
                texts.add(api.get(path).text());
            }
            assertThat(clustersHealth(api).toString()).contains("401");
            texts.add(output.getAll());
            assertThat(logs.hits()).as("log lines with a form of the secret").isEmpty();
        }
        for (String text : texts) {
            for (String form : forms) {
                assertThat(text).doesNotContain(form);
            }
        }
    }

    /** The secret as given, URL-encoded, in base64, and in base64 as HTTP Basic sends it with the client id. */
    private static List<String> secretForms(String clientId, String secret) {
        Base64.Encoder base64 = Base64.getEncoder();
        String encoded = URLEncoder.encode(secret, StandardCharsets.UTF_8);
        return List.of(secret, encoded, base64.encodeToString(secret.getBytes(StandardCharsets.UTF_8)),
                base64.encodeToString((clientId + ":" + secret).getBytes(StandardCharsets.UTF_8)),
                base64.encodeToString((clientId + ":" + encoded).getBytes(StandardCharsets.UTF_8)));
    }

    private static Map<String, String> oidc(String secret) {
        Map<String, String> properties = new HashMap<>();
        properties.put("bootstrap.servers", broker.bootstrapServers());
        properties.put("security.protocol", "SASL_PLAINTEXT");
        properties.put("sasl.mechanisms", "OAUTHBEARER");
        properties.put("sasl.oauthbearer.method", "oidc");
        properties.put("sasl.oauthbearer.client.id", "ferry");
        properties.put("sasl.oauthbearer.client.secret", secret);
        properties.put("sasl.oauthbearer.scope", "kafka");
        properties.put("sasl.oauthbearer.token.endpoint.url", provider.tokenEndpoint());
        return properties;
    }
}
