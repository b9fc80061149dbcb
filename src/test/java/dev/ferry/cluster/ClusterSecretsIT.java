package dev.ferry.cluster;

import static dev.ferry.cluster.SecuredRoundTrip.awaitConnection;
import static dev.ferry.cluster.SecuredRoundTrip.body;
import static dev.ferry.testsupport.Api.json;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import ch.qos.logback.classic.Level;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;

import dev.ferry.testsupport.Api;
import dev.ferry.testsupport.EmbeddedKafkaBroker;
import dev.ferry.testsupport.FerryInstance;
import dev.ferry.testsupport.HandlerServer;
import dev.ferry.testsupport.LogWatch;
import dev.ferry.testsupport.Records;
import dev.ferry.testsupport.TestInfrastructure;

/**
 * Distinctive secret values go through every door (create, validate, describe, list, patch, bad requests,
 * a failing connection, a running consumer) and must then appear in no API response, no log line (DEBUG
 * and TRACE included, for Ferry, Spring MVC, Spring Kafka and the Kafka clients), no metric, and no database row.
 */
@ExtendWith(OutputCaptureExtension.class)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ClusterSecretsIT {

    private static final String USER = "user-Q7x2Vb";
    private static final String PASSWORD = "pw-Kx93Lm-correct";
    private static final String WRONG_PASSWORD = "pw-Wr0ng-Tz58Hn";
    private static final String KEY_PASSWORD = "keypw-Rq62Zs";
    private static final List<String> SECRETS = List.of(USER, PASSWORD, WRONG_PASSWORD, KEY_PASSWORD);

    private static LogWatch logs;
    private static EmbeddedKafkaBroker broker;
    private static FerryInstance ferry;
    private static Api api;
    private static final List<Api.Reply> replies = new ArrayList<>();

    @BeforeAll
    static void start() {
        broker = EmbeddedKafkaBroker.builder()
                .listenerSecurityProtocol("SASL_PLAINTEXT")
                .listenerProperty("sasl.enabled.mechanisms", "PLAIN")
                .listenerProperty("plain.sasl.jaas.config", "org.apache.kafka.common.security.plain.PlainLoginModule"
                        + " required user_" + USER + "=\"" + PASSWORD + "\";")
                .start();
        ferry = FerryInstance.start("cluster_secrets", Map.of());
        api = ferry.api();
        // after start-up: Spring Boot resets the logging configuration when an application starts
        // Spring MVC at TRACE prints whole request and response bodies
        logs = LogWatch.start(SECRETS, Map.of("dev.ferry", Level.DEBUG, "org.springframework.web", Level.TRACE,
                "org.springframework.kafka", Level.DEBUG, "org.apache.kafka.clients.consumer", Level.DEBUG,
                "org.apache.kafka.clients.admin", Level.DEBUG, "org.apache.kafka.common.security", Level.DEBUG,
                "org.apache.kafka.common.config", Level.DEBUG));
    }

    @AfterAll
    static void stop() {
        ferry.close();
        broker.close();
        logs.close();
    }

    @Test
    @Order(1)
    void updatingOneSecretKeepsTheOthers() {
        record(api.post("/kafka-clusters",
                "{\"name\":\"merged\",\"properties\":%s}".formatted(body(properties(WRONG_PASSWORD)))));
        awaitConnection(api, "merged", "failed");

        Api.Reply merged = record(api.patch("/kafka-clusters/merged?merge=true",
                json("{'properties':{'sasl.password':'%s','client.id':'merged-client'}}".formatted(PASSWORD))));

        assertThat(merged.status()).as(merged.text()).isEqualTo(200);
        assertThat(merged.body().path("properties").path("sasl.username").asString()).isEqualTo("***");
        assertThat(merged.body().path("properties").path("ssl.key.password").asString()).isEqualTo("***");
        assertThat(merged.body().path("properties").path("client.id").asString()).isEqualTo("merged-client");
        awaitConnection(api, "merged", "connected");

        Api.Reply unset = record(api.patch("/kafka-clusters/merged?merge=true", json("{'unset':['client.id']}")));
        assertThat(unset.body().path("properties").has("client.id")).isFalse();
        assertThat(unset.body().path("properties").path("sasl.password").asString()).isEqualTo("***");
        assertThat(record(api.patch("/kafka-clusters/merged",
                json("{'properties':{'bootstrap.servers':'b:1'},'unset':['x']}")))
                .status()).isEqualTo(400);
    }

    @Test
    @Order(2)
    void aSecretAppearsInNoResponseLogLineMetricOrTableRow(CapturedOutput output) throws SQLException {
        Api.Reply created = record(api.post("/kafka-clusters", "{\"name\":\"secretive\",\"properties\":%s}"
                .formatted(body(properties(PASSWORD)))));
        assertThat(created.status()).isEqualTo(201);
        assertThat(created.body().path("properties").path("sasl.password").asString()).isEqualTo("***");
        record(api.post("/kafka-clusters?validate=true", "{\"name\":\"probe\",\"properties\":%s}"
                .formatted(body(properties(WRONG_PASSWORD)))));
        awaitConnection(api, "secretive", "connected");

        // a consumer runs with the secrets
        try (HandlerServer handler = HandlerServer.start()) {
            record(api.post("/services",
                    json("{'name':'Secretive','type':'SERVICE','endpoint':'%s','handlers':[{'name':'h'}]}"
                    .formatted(handler.endpoint()))));
            record(api.post("/subscriptions",
                    json("{'source':'kafka://secretive/secretive','sink':'service://Secretive/h',"
                    + "'options':{'auto.offset.reset':'earliest'}}")));
            try (Records records = new Records(ClientPropertyTranslator.toJavaClient(properties(PASSWORD)))) {
                records.send("secretive", "k", "{}");
                records.flush();
            }
            await().atMost(Duration.ofSeconds(60)).until(() -> !handler.received().isEmpty());

            // bad requests that carry the secrets
            record(api.post("/kafka-clusters",
                    "{\"name\":\"secretive\",\"properties\":%s}".formatted(body(properties(PASSWORD)))));
            record(api.post("/kafka-clusters", "{\"name\":\"bad-value\",\"properties\":%s}"
                    .formatted(body(with(properties(PASSWORD), "sasl.password", PASSWORD + "\nnext-line")))));
            record(api.post("/kafka-clusters", "{\"name\":\"bad-timeout\",\"properties\":%s}"
                    .formatted(body(with(properties(PASSWORD), "request.timeout.ms", "soon")))));
            record(api.post("/kafka-clusters", "{\"name\":\"typo\",\"properties\":%s}"
                    .formatted(body(with(properties(PASSWORD), "sasl.pasword", PASSWORD)))));
            record(api.patch("/kafka-clusters/secretive",
                    json("{'properties':{'bootstrap.servers':'%s','sasl.password':'***'}}"
                    .formatted(broker.bootstrapServers()))));
            record(api.post("/subscriptions", json("{'source':'kafka://secretive/other','sink':'service://Secretive/h',"
                    + "'options':{'sasl.password':'%s'}}".formatted(WRONG_PASSWORD))));

            // a failing connection: the running consumer restarts with a wrong password
            Api.Reply wrong = record(api.patch("/kafka-clusters/secretive?merge=true",
                    json("{'properties':{'sasl.password':'%s'}}".formatted(WRONG_PASSWORD))));
            assertThat(wrong.status()).isEqualTo(200);
            awaitConnection(api, "secretive", "failed");
            record(api.get("/kafka-clusters/secretive"));
            record(api.get("/kafka-clusters"));
            record(api.get("/v4/kafka-clusters/secretive"));
            record(api.get("/subscriptions"));
            record(api.get("/actuator/health"));
            record(api.get("/actuator/health/kafkaClusters"));
            record(api.get("/actuator/prometheus"));
            record(api.get("/actuator/metrics"));
            record(api.patch("/kafka-clusters/secretive?merge=true", json("{'properties':{'sasl.password':'%s'}}"
                    .formatted(PASSWORD))));
            awaitConnection(api, "secretive", "connected");
        }

        assertThat(replies).hasSizeGreaterThan(20);
        for (Api.Reply reply : replies) {
            for (String secret : SECRETS) {
                assertThat(reply.text()).as("a response").doesNotContain(secret);
            }
        }
        assertThat(replies).anySatisfy(reply -> assertThat(reply.status()).isEqualTo(400));
        assertThat(replies).anySatisfy(reply -> assertThat(reply.status()).isEqualTo(409));

        for (String secret : SECRETS) {
            assertThat(output.getAll()).as("console output").doesNotContain(secret);
        }
        assertThat(output.getAll()).contains("Kafka cluster secretive created").contains("cannot be reached");
        assertThat(logs.seen()).isGreaterThan(100);
        assertThat(logs.hits()).as("log lines with a secret").isEmpty();

        Map<String, String> stored = storedProperties("secretive");
        assertThat(stored.get("sasl.password")).startsWith("enc:v1:");
        assertThat(stored.get("sasl.username")).startsWith("enc:v1:");
        assertThat(stored.get("ssl.key.password")).startsWith("enc:v1:");
        assertThat(stored.get("bootstrap.servers")).isEqualTo(broker.bootstrapServers());
        for (String row : everyRow()) {
            for (String secret : SECRETS) {
                assertThat(row).as("a database row").doesNotContain(secret);
            }
        }
    }

    private static Api.Reply record(Api.Reply reply) {
        replies.add(reply);
        return reply;
    }

    private static Map<String, String> properties(String password) {
        Map<String, String> properties = new LinkedHashMap<>();
        properties.put("bootstrap.servers", broker.bootstrapServers());
        properties.put("security.protocol", "SASL_PLAINTEXT");
        properties.put("sasl.mechanisms", "PLAIN");
        properties.put("sasl.username", USER);
        properties.put("sasl.password", password);
        // a Java client secret that passes through untranslated (unused without a keystore)
        properties.put("ssl.key.password", KEY_PASSWORD);
        return properties;
    }

    private static Map<String, String> with(Map<String, String> properties, String name, String value) {
        Map<String, String> copy = new LinkedHashMap<>(properties);
        copy.put(name, value);
        return copy;
    }

    private static Map<String, String> storedProperties(String cluster) throws SQLException {
        Map<String, String> stored = new LinkedHashMap<>();
        try (Connection connection = connect(); Statement statement = connection.createStatement();
             ResultSet rows = statement.executeQuery(
                     "select name, value from kafka_cluster_properties where cluster_name = '" + cluster + "'")) {
            while (rows.next()) {
                stored.put(rows.getString(1), rows.getString(2));
            }
        }
        return stored;
    }

    /** Every row of every table of Ferry's schema, as text. */
    private static List<String> everyRow() throws SQLException {
        List<String> rows = new ArrayList<>();
        try (Connection connection = connect(); Statement statement = connection.createStatement()) {
            List<String> tables = new ArrayList<>();
            try (ResultSet names = statement.executeQuery("select table_name from information_schema.tables"
                    + " where table_schema = 'public' and table_type = 'BASE TABLE'")) {
                while (names.next()) {
                    tables.add(names.getString(1));
                }
            }
            assertThat(tables).contains("kafka_clusters", "kafka_cluster_properties", "subscription_options");
            for (String table : tables) {
                try (ResultSet all = statement.executeQuery("select t::text from \"" + table + "\" t")) {
                    while (all.next()) {
                        rows.add(all.getString(1));
                    }
                }
            }
        }
        return rows;
    }

    private static Connection connect() throws SQLException {
        var database = TestInfrastructure.database();
        return DriverManager.getConnection(ferry.databaseUrl(), database.username(), database.password());
    }
}
