package dev.ferry.cluster;

import static dev.ferry.cluster.SecuredRoundTrip.awaitConnection;
import static dev.ferry.cluster.SecuredRoundTrip.body;
import static org.assertj.core.api.Assertions.assertThat;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Base64;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;

import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

import dev.ferry.testsupport.Api;
import dev.ferry.testsupport.FerryInstance;
import dev.ferry.testsupport.TestInfrastructure;

/**
 * Secrets are stored encrypted with the configured key; after a key rotation Ferry re-encrypts them at start-up
 * (including values stored in clear before encryption was configured); without a key it refuses to store one.
 */
class SecretsAtRestIT {

    private static final String OLD_KEY = randomKey();
    private static final String NEW_KEY = randomKey();

    @Test
    void rotatesTheEncryptionKeyAndRefusesSecretsWithoutOne() throws Exception {
        String database = TestInfrastructure.freshDatabase("secrets_at_rest");
        String brokers = TestInfrastructure.kafka().bootstrapServers();
        // secret properties that a PLAINTEXT connection ignores: the cluster connects once they decrypt
        Map<String, String> properties = new LinkedHashMap<>();
        properties.put("bootstrap.servers", brokers);
        properties.put("sasl.mechanisms", "PLAIN");
        properties.put("sasl.username", "rotating-user-8Hq");
        properties.put("sasl.password", "rotating-pass-3Vd");

        try (FerryInstance ferry = FerryInstance.startOn(database, Map.of("ferry.security.encryption-key", OLD_KEY))) {
            assertThat(ferry.api().post("/kafka-clusters", "{\"name\":\"rotating\",\"properties\":%s}"
                    .formatted(body(properties))).status()).isEqualTo(201);
            awaitConnection(ferry.api(), "rotating", "connected");
        }
        assertThat(stored(database, "rotating")).containsKeys("sasl.password", "sasl.username")
                .allSatisfy((name, value) -> {
                    if (Secrets.isSecret(name)) {
                        assertThat(value).startsWith("enc:v1:" + keyId(OLD_KEY) + ":").doesNotContain("rotating-");
                    }
                });
        storeInClear(database, "legacy", brokers, "legacy-pass-6Nf");

        try (FerryInstance ferry = FerryInstance.startOn(database, Map.of("ferry.security.encryption-key", NEW_KEY,
                "ferry.security.previous-encryption-keys", OLD_KEY))) {
            awaitConnection(ferry.api(), "rotating", "connected");
            awaitConnection(ferry.api(), "legacy", "connected");
        }
        for (String cluster : new String[] {"rotating", "legacy"}) {
            assertThat(stored(database, cluster).get("sasl.password")).startsWith("enc:v1:" + keyId(NEW_KEY) + ":");
        }

        try (FerryInstance ferry = FerryInstance.startOn(database, Map.of("ferry.security.encryption-key", ""))) {
            Api api = ferry.api();
            Api.Reply refused = api.post("/kafka-clusters", "{\"name\":\"refused\",\"properties\":%s}"
                    .formatted(body(properties)));
            assertThat(refused.status()).isEqualTo(409);
            assertThat(refused.body().path("detail").asString()).contains("ferry.security.encryption-key")
                    .contains("FERRY_SECURITY_ENCRYPTION_KEY");
            assertThat(api.get("/kafka-clusters/refused").status()).isEqualTo(404);
            assertThat(api.post("/kafka-clusters",
                    "{\"name\":\"no-secrets\",\"properties\":{\"bootstrap.servers\":\"%s\"}}"
                    .formatted(brokers)).status()).isEqualTo(201);

            JsonNode unreadable = awaitConnection(api, "rotating", "failed");
            assertThat(unreadable.path("error").asString()).contains(keyId(NEW_KEY))
                    .contains("ferry.security.previous-encryption-keys");
        }
    }

    /** What a Ferry from before encryption stored: the secret in clear. */
    private static void storeInClear(String database, String cluster, String brokers, String password)
            throws SQLException {
        try (Connection connection = connect(database); Statement statement = connection.createStatement()) {
            statement.executeUpdate(
                    "insert into kafka_clusters (name, created_at, updated_at) values ('%s', now(), now())"
                            .formatted(cluster));
            Map<String, String> properties = Map.of("bootstrap.servers", brokers, "sasl.mechanisms", "PLAIN",
                    "sasl.username", "legacy-user", "sasl.password", password);
            for (var property : properties.entrySet()) {
                statement.executeUpdate("insert into kafka_cluster_properties (cluster_name, name, value) values"
                        + " ('%s', '%s', '%s')".formatted(cluster, property.getKey(), property.getValue()));
            }
        }
    }

    private static Map<String, String> stored(String database, String cluster) throws SQLException {
        Map<String, String> stored = new LinkedHashMap<>();
        try (Connection connection = connect(database); Statement statement = connection.createStatement();
             ResultSet rows = statement.executeQuery(
                     "select name, value from kafka_cluster_properties where cluster_name = '" + cluster + "'")) {
            while (rows.next()) {
                stored.put(rows.getString(1), rows.getString(2));
            }
        }
        return stored;
    }

    private static Connection connect(String database) throws SQLException {
        var server = TestInfrastructure.database();
        return DriverManager.getConnection(database, server.username(), server.password());
    }

    /** The first four bytes of the key's SHA-256, in hex: how stored values name their key. */
    private static String keyId(String base64Key) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(Base64.getDecoder().decode(base64Key));
            return HexFormat.of().formatHex(digest, 0, 4);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String randomKey() {
        byte[] key = new byte[32];
        new SecureRandom().nextBytes(key);
        return Base64.getEncoder().encodeToString(key);
    }
}
