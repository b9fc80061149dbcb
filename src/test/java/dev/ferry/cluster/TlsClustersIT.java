package dev.ferry.cluster;

import static dev.ferry.cluster.SecuredRoundTrip.assertDelivers;
import static dev.ferry.cluster.SecuredRoundTrip.awaitConnection;
import static dev.ferry.cluster.SecuredRoundTrip.clustersHealth;
import static dev.ferry.cluster.SecuredRoundTrip.createCluster;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

import dev.ferry.testsupport.Api;
import dev.ferry.testsupport.EmbeddedKafkaBroker;
import dev.ferry.testsupport.FerryInstance;
import dev.ferry.testsupport.TestCertificates;
import dev.ferry.testsupport.TestCertificates.Authority;
import dev.ferry.testsupport.TestCertificates.Identity;

/**
 * TLS clusters whose certificates come from a private CA made in the test: an SSL listener that requires a
 * client certificate (mutual TLS), and a SASL_SSL listener with PLAIN credentials. Ferry gets the CA, the
 * client certificate and its encrypted key as PEM files, the way librdkafka takes them.
 */
class TlsClustersIT {

    private static TestCertificates certificates;
    private static Authority ca;
    private static Identity ferryClient;
    private static EmbeddedKafkaBroker mutualTls;
    private static EmbeddedKafkaBroker saslSsl;
    private static FerryInstance ferry;
    private static Api api;

    @BeforeAll
    static void start() {
        certificates = TestCertificates.create();
        ca = certificates.authority("test-ca");
        Identity broker = certificates.identity(ca, "broker");
        ferryClient = certificates.identity(ca, "ferry-client", "client-key-pass");
        mutualTls = tls(EmbeddedKafkaBroker.builder().listenerSecurityProtocol("SSL"), broker)
                .listenerProperty("ssl.client.auth", "required")
                .start();
        saslSsl = tls(EmbeddedKafkaBroker.builder().listenerSecurityProtocol("SASL_SSL"), broker)
                .listenerProperty("sasl.enabled.mechanisms", "PLAIN")
                .listenerProperty("plain.sasl.jaas.config", "org.apache.kafka.common.security.plain.PlainLoginModule"
                        + " required user_carol=\"carol-pass-4Tz\";")
                .start();
        ferry = FerryInstance.start("tls_clusters", Map.of("ferry.cluster.connection-check-timeout", "4s"));
        api = ferry.api();
    }

    @AfterAll
    static void stop() {
        ferry.close();
        mutualTls.close();
        saslSsl.close();
    }

    private static EmbeddedKafkaBroker.Builder tls(EmbeddedKafkaBroker.Builder builder, Identity broker) {
        return builder.listenerProperty("ssl.keystore.type", "PEM")
                .listenerProperty("ssl.keystore.certificate.chain", broker.certificatePem())
                .listenerProperty("ssl.keystore.key", broker.keyPem())
                .listenerProperty("ssl.truststore.type", "PEM")
                .listenerProperty("ssl.truststore.certificates", ca.certificatePem());
    }

    @Test
    void deliversOverMutualTlsWithAPemClientCertificate() {
        assertDelivers(api, "mtls", mutualTlsProperties(ca), "mtls-topic");
    }

    @Test
    void deliversOverSaslSsl() {
        assertDelivers(api, "sasl-ssl", Map.of("bootstrap.servers", saslSsl.bootstrapServers(),
                "security.protocol", "SASL_SSL", "ssl.ca.location", ca.certificate().toString(),
                "sasl.mechanisms", "PLAIN", "sasl.username", "carol", "sasl.password", "carol-pass-4Tz"),
                "sasl-ssl-topic");
    }

    @Test
    void aCertificateFromAnotherCaIsReportedWithoutCrashingAnything() {
        Authority stranger = certificates.authority("stranger-ca");

        createCluster(api, "wrong-ca", mutualTlsProperties(stranger));
        JsonNode connection = awaitConnection(api, "wrong-ca", "failed");

        assertThat(connection.path("error").asString()).startsWith("TLS handshake failed")
                .contains("ssl.ca.location").doesNotContain("client-key-pass");
        JsonNode health = clustersHealth(api);
        assertThat(health.path("status").asString()).isEqualTo("DEGRADED");
        assertThat(health.path("details").path("clusters").path("wrong-ca").path("state").asString())
                .isEqualTo("failed");
        assertThat(api.get("/kafka-clusters").status()).isEqualTo(200);
    }

    @Test
    void aTlsClientTalkingToAPlaintextExpectationTimesOutWithAHint() {
        Api.Reply validated = api.post("/kafka-clusters?validate=true", "{\"name\":\"plain-to-tls\",\"properties\":%s}"
                .formatted(SecuredRoundTrip.body(Map.of("bootstrap.servers", mutualTls.bootstrapServers()))));

        assertThat(validated.body().path("connection").path("state").asString()).isEqualTo("failed");
        assertThat(validated.body().path("connection").path("error").asString()).contains("security.protocol");
    }

    private static Map<String, String> mutualTlsProperties(Authority trusted) {
        return Map.of("bootstrap.servers", mutualTls.bootstrapServers(), "security.protocol", "SSL",
                "ssl.ca.location", trusted.certificate().toString(),
                "ssl.certificate.location", ferryClient.certificate().toString(),
                "ssl.key.location", ferryClient.key().toString(), "ssl.key.password", "client-key-pass");
    }
}
