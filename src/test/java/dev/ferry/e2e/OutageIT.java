package dev.ferry.e2e;

import static dev.ferry.testsupport.Api.json;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

import dev.ferry.testsupport.EmbeddedDatabase;
import dev.ferry.testsupport.EmbeddedKafkaBroker;
import dev.ferry.testsupport.FerryInstance;
import dev.ferry.testsupport.HandlerServer;
import dev.ferry.testsupport.Records;
import dev.ferry.testsupport.TestInfrastructure;

/** Ferry rides out a broker that goes away and a database it cannot reach, and loses nothing. */
class OutageIT {

    @Test
    void recoversFromADatabaseOutageWithoutLosingOrRepeatingRecords() throws Exception {
        EmbeddedDatabase server = TestInfrastructure.database();
        Assumptions.assumeTrue(isSuperuser(server), "needs a superuser to cut Ferry off its database");
        String brokers = TestInfrastructure.kafka().bootstrapServers();
        try (HandlerServer handler = HandlerServer.start(); Records records = new Records(brokers);
                FerryInstance ferry = FerryInstance.start("outage_db", Map.of(
                        "spring.datasource.hikari.connection-timeout", "1000",
                        "ferry.dispatch.lease", "5s"))) {
            String database = ferry.databaseUrl().substring(ferry.databaseUrl().lastIndexOf('/') + 1).split("\\?")[0];
            setUp(ferry, handler, brokers, "db-outage");
            send(records, "db-outage", "before", 30);
            await().atMost(Duration.ofSeconds(60)).until(() -> handler.received().size() >= 30);

            admin(server, "alter database " + database + " with allow_connections false");
            admin(server, "select pg_terminate_backend(pid) from pg_stat_activity where datname = '" + database + "'");
            send(records, "db-outage", "during", 30);
            await().atMost(Duration.ofSeconds(30))
                    .until(() -> ferry.api().get("/actuator/health/readiness").status() == 503);

            admin(server, "alter database " + database + " with allow_connections true");
            await().atMost(Duration.ofSeconds(90)).until(() -> handler.received().size() >= 60);
            await().atMost(Duration.ofSeconds(30))
                    .until(() -> ferry.api().get("/actuator/health/readiness").status() == 200);
            await().atMost(Duration.ofSeconds(30)).until(() -> ferry.api().get("/invocations/counts").body()
                    .get("counts").get("completed").asInt() == 60);
            Set<String> bodies = handler.received().stream().map(HandlerServer.Received::bodyText)
                    .collect(Collectors.toSet());
            assertThat(bodies).hasSize(60);
            System.out.printf("database outage: 60 records produced, %d calls, %d distinct, 60 completed%n",
                    handler.received().size(), bodies.size());
        }
    }

    @Test
    void resumesConsumingWhenTheBrokerComesBack() throws Exception {
        Path logDir = Files.createTempDirectory("ferry-outage-kafka");
        EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.builder().logDir(logDir).start();
        int port = broker.port();
        try (HandlerServer handler = HandlerServer.start();
                FerryInstance ferry = FerryInstance.start("outage_kafka", Map.of())) {
            setUp(ferry, handler, broker.bootstrapServers(), "broker-outage");
            try (Records records = new Records(broker.bootstrapServers())) {
                send(records, "broker-outage", "before", 20);
            }
            await().atMost(Duration.ofSeconds(60)).until(() -> handler.received().size() >= 20);

            broker.close();
            await().during(Duration.ofSeconds(3)).atMost(Duration.ofSeconds(10))
                    .until(() -> ferry.api().get("/actuator/health/liveness").status() == 200);
            broker = EmbeddedKafkaBroker.builder().port(port).logDir(logDir).start();
            try (Records records = new Records(broker.bootstrapServers())) {
                send(records, "broker-outage", "after", 20);
            }
            await().atMost(Duration.ofSeconds(90)).until(() -> handler.received().size() >= 40);
            assertThat(handler.received().stream().map(HandlerServer.Received::bodyText).distinct()).hasSize(40);
        } finally {
            broker.close();
        }
    }

    private static void setUp(FerryInstance ferry, HandlerServer handler, String brokers, String topic) {
        ferry.api().post("/kafka-clusters",
                json("{'name':'local','properties':{'bootstrap.servers':'%s'}}".formatted(brokers)));
        ferry.api().post("/services",
                json("{'name':'Sink','type':'SERVICE','endpoint':'%s','handlers':[{'name':'take'}]}"
                .formatted(handler.endpoint())));
        assertThat(ferry.api().post("/subscriptions", json(("{'source':'kafka://local/%s','sink':'service://Sink/take',"
                + "'options':{'auto.offset.reset':'earliest'}}").formatted(topic))).status()).isEqualTo(201);
    }

    private static void send(Records records, String topic, String label, int count) {
        for (int i = 0; i < count; i++) {
            records.send(topic, null, "{\"%s\":%d}".formatted(label, i));
        }
        records.flush();
    }

    private static boolean isSuperuser(EmbeddedDatabase server) throws SQLException {
        try (Connection connection = DriverManager.getConnection(server.jdbcUrl(), server.username(),
                server.password());
                Statement statement = connection.createStatement();
                var result = statement.executeQuery("select rolsuper from pg_roles where rolname = current_user")) {
            return result.next() && result.getBoolean(1);
        }
    }

    private static void admin(EmbeddedDatabase server, String sql) throws SQLException {
        try (Connection connection = DriverManager.getConnection(server.jdbcUrl(), server.username(),
                server.password());
                Statement statement = connection.createStatement()) {
            statement.execute(sql);
        }
    }
}
