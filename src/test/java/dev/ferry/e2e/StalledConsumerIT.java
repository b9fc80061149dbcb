package dev.ferry.e2e;

import static dev.ferry.testsupport.Api.json;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.Map;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

import dev.ferry.testsupport.EmbeddedDatabase;
import dev.ferry.testsupport.FerryInstance;
import dev.ferry.testsupport.HandlerServer;
import dev.ferry.testsupport.Records;
import dev.ferry.testsupport.TestInfrastructure;

/**
 * A consumer whose records cannot be stored is visible: while its database is out of reach it is reported
 * stalled with the reason, the consumers health component is DEGRADED (Ferry stays live), and its lag, measured
 * against the group's committed offsets, counts the records it holds back; it runs again once they are stored.
 */
class StalledConsumerIT {

    @Test
    void reportsAConsumerThatCannotStoreItsRecordsAsStalledWithItsRealLag() throws Exception {
        EmbeddedDatabase server = TestInfrastructure.database();
        Assumptions.assumeTrue(isSuperuser(server), "needs a superuser to cut Ferry off its database");
        String brokers = TestInfrastructure.kafka().bootstrapServers();
        try (HandlerServer handler = HandlerServer.start(); Records records = new Records(brokers);
                FerryInstance ferry = FerryInstance.start("stalled", Map.of(
                        "spring.datasource.hikari.connection-timeout", "1000", "ferry.consumer.lag-interval", "1s"))) {
            String database = ferry.databaseUrl().substring(ferry.databaseUrl().lastIndexOf('/') + 1).split("\\?")[0];
            ferry.api().post("/kafka-clusters", json("{'name':'local','properties':{'bootstrap.servers':'%s'}}"
                    .formatted(brokers)));
            ferry.api().post("/services",
                    json("{'name':'Sink','type':'SERVICE','endpoint':'%s','handlers':[{'name':'take'}]}"
                    .formatted(handler.endpoint())));
            String subscription = ferry.api().post("/subscriptions", json("{'source':'kafka://local/stalling',"
                    + "'sink':'service://Sink/take','options':{'auto.offset.reset':'earliest'}}")).body()
                    .get("id").asString();
            send(records, "before", 5);
            await().atMost(Duration.ofSeconds(60)).until(() -> handler.received().size() >= 5);
            assertThat(ferry.api().get("/subscriptions/" + subscription).body().get("consumer").get("state").asString())
                    .isEqualTo("running");

            admin(server, "alter database " + database + " with allow_connections false");
            admin(server, "select pg_terminate_backend(pid) from pg_stat_activity where datname = '" + database + "'");
            try {
                send(records, "during", 12);
                JsonNode consumers = await().atMost(Duration.ofSeconds(60)).until(() -> ferry.api()
                        .get("/actuator/health/consumers").body(),
                        component -> component.path("status").asString().equals("DEGRADED"));
                JsonNode stalled = consumers.path("details").path("subscriptions").path(subscription);
                assertThat(stalled.path("state").asString()).isEqualTo("stalled");
                assertThat(stalled.path("error").asString()).contains("cannot be stored as invocations");
                assertThat(stalled.path("partitions").toString()).contains("stalling-0");
                assertThat(ferry.api().get("/actuator/health/liveness").status()).isEqualTo(200);
                await().atMost(Duration.ofSeconds(30)).until(() -> lag(ferry, subscription) == 12);
            } finally {
                admin(server, "alter database " + database + " with allow_connections true");
            }

            await().atMost(Duration.ofSeconds(90)).until(() -> handler.received().size() >= 17);
            await().atMost(Duration.ofSeconds(30)).until(() -> lag(ferry, subscription) == 0);
            await().atMost(Duration.ofSeconds(30)).until(() -> ferry.api().get("/actuator/health/consumers").body()
                    .path("status").asString().equals("UP"));
            assertThat(ferry.api().get("/subscriptions/" + subscription).body().get("consumer").get("state").asString())
                    .isEqualTo("running");
        }
    }

    private static long lag(FerryInstance ferry, String subscription) {
        return ferry.api().get("/actuator/prometheus").text().lines()
                .filter(line -> line.startsWith("ferry_consumer_lag{") && line.contains(subscription))
                .mapToLong(line -> (long) Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1))).sum();
    }

    private static void send(Records records, String label, int count) {
        for (int i = 0; i < count; i++) {
            records.send("stalling", null, "{\"%s\":%d}".formatted(label, i));
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
