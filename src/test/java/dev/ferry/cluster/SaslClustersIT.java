package dev.ferry.cluster;

import static dev.ferry.cluster.SecuredRoundTrip.assertDelivers;
import static dev.ferry.cluster.SecuredRoundTrip.awaitConnection;
import static dev.ferry.cluster.SecuredRoundTrip.clustersHealth;
import static dev.ferry.cluster.SecuredRoundTrip.createCluster;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.ScramCredentialInfo;
import org.apache.kafka.clients.admin.ScramMechanism;
import org.apache.kafka.clients.admin.UserScramCredentialUpsertion;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

import dev.ferry.testsupport.Api;
import dev.ferry.testsupport.EmbeddedKafkaBroker;
import dev.ferry.testsupport.FerryInstance;

/** SASL_PLAINTEXT clusters with PLAIN and SCRAM-SHA-512 credentials, given the librdkafka way. */
class SaslClustersIT {

    private static final String PLAIN_PASSWORD = "plain-pass-5Jk2";
    private static final String SCRAM_PASSWORD = "scram-pass-8Lw4";

    private static EmbeddedKafkaBroker broker;
    private static FerryInstance ferry;
    private static Api api;

    @BeforeAll
    static void start() throws Exception {
        broker = EmbeddedKafkaBroker.builder()
                .listenerSecurityProtocol("SASL_PLAINTEXT")
                .listenerProperty("sasl.enabled.mechanisms", "PLAIN,SCRAM-SHA-512")
                .listenerProperty("plain.sasl.jaas.config", "org.apache.kafka.common.security.plain.PlainLoginModule"
                        + " required user_alice=\"" + PLAIN_PASSWORD + "\";")
                .listenerProperty("scram-sha-512.sasl.jaas.config",
                        "org.apache.kafka.common.security.scram.ScramLoginModule required;")
                .start();
        // SCRAM credentials live in the cluster metadata: create them over the plaintext inter-broker listener
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG,
                "127.0.0.1:" + broker.ports().internal()))) {
            admin.alterUserScramCredentials(List.of(new UserScramCredentialUpsertion("bob",
                    new ScramCredentialInfo(ScramMechanism.SCRAM_SHA_512, 4096), SCRAM_PASSWORD))).all().get();
        }
        ferry = FerryInstance.start("sasl_clusters", Map.of());
        api = ferry.api();
    }

    @AfterAll
    static void stop() {
        ferry.close();
        broker.close();
    }

    @Test
    void deliversFromASaslPlainCluster() {
        assertDelivers(api, "plain", sasl("PLAIN", "alice", PLAIN_PASSWORD), "plain-topic");
    }

    @Test
    void deliversFromAScramSha512Cluster() {
        // the broker applies the credentials created in start() asynchronously
        await().atMost(Duration.ofSeconds(30)).until(() -> api.post("/kafka-clusters?validate=true",
                "{\"name\":\"scram\",\"properties\":%s}".formatted(SecuredRoundTrip.body(sasl("SCRAM-SHA-512", "bob",
                        SCRAM_PASSWORD)))).body().path("connection").path("state").asString(""), "connected"::equals);

        assertDelivers(api, "scram", sasl("SCRAM-SHA-512", "bob", SCRAM_PASSWORD), "scram-topic");
    }

    @Test
    void aWrongPasswordIsReportedOnDescribeAndInHealthWithoutTheSecret() {
        createCluster(api, "wrong-password", sasl("PLAIN", "alice", "not-the-password-3Xy"));

        JsonNode connection = awaitConnection(api, "wrong-password", "failed");

        assertThat(connection.path("error").asString()).startsWith("Authentication failed")
                .contains("Invalid username or password").doesNotContain("not-the-password-3Xy");
        JsonNode health = clustersHealth(api);
        assertThat(health.path("status").asString()).isEqualTo("DEGRADED");
        assertThat(health.path("details").path("clusters").path("wrong-password").path("error").asString())
                .startsWith("Authentication failed");
        assertThat(health.toString()).doesNotContain("not-the-password-3Xy");
    }

    @Test
    void validatesWithoutStoring() {
        Api.Reply good = api.post("/kafka-clusters?validate=true", "{\"name\":\"checked\",\"properties\":%s}"
                .formatted(SecuredRoundTrip.body(sasl("PLAIN", "alice", PLAIN_PASSWORD))));
        Api.Reply bad = api.post("/kafka-clusters?validate=true", "{\"name\":\"checked\",\"properties\":%s}"
                .formatted(SecuredRoundTrip.body(sasl("PLAIN", "alice", "wrong-Pw-77"))));

        assertThat(good.status()).isEqualTo(200);
        assertThat(good.body().path("connection").path("state").asString()).isEqualTo("connected");
        assertThat(good.body().path("properties").path("sasl.password").asString()).isEqualTo("***");
        assertThat(bad.status()).isEqualTo(200);
        assertThat(bad.body().path("connection").path("state").asString()).isEqualTo("failed");
        assertThat(bad.body().path("connection").path("error").asString()).contains("Authentication failed");
        assertThat(bad.text()).doesNotContain("wrong-Pw-77");
        assertThat(api.get("/kafka-clusters/checked").status()).isEqualTo(404);
    }

    private static Map<String, String> sasl(String mechanism, String user, String password) {
        return Map.of("bootstrap.servers", broker.bootstrapServers(), "security.protocol", "SASL_PLAINTEXT",
                "sasl.mechanisms", mechanism, "sasl.username", user, "sasl.password", password);
    }
}
