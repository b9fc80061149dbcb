package dev.ferry.cluster;

import static dev.ferry.cluster.SecuredRoundTrip.assertDelivers;
import static dev.ferry.cluster.SecuredRoundTrip.awaitConnection;
import static dev.ferry.cluster.SecuredRoundTrip.clustersHealth;
import static dev.ferry.cluster.SecuredRoundTrip.createCluster;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

import dev.ferry.testsupport.Api;
import dev.ferry.testsupport.EmbeddedKafkaBroker;
import dev.ferry.testsupport.FerryInstance;
import dev.ferry.testsupport.OidcProvider;

/**
 * A cluster that takes SASL OAUTHBEARER tokens: Ferry gets them from a real token endpoint (client credentials
 * grant, RS256-signed JWTs) and the broker validates them against the provider's JWKS with Kafka's own
 * {@code OAuthBearerValidatorCallbackHandler}.
 */
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
