package dev.ferry.web;

import static dev.ferry.testsupport.Api.json;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Supplier;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

import dev.ferry.testsupport.Api;
import dev.ferry.testsupport.Api.Reply;
import dev.ferry.testsupport.EmbeddedDatabase;
import dev.ferry.testsupport.FerryInstance;
import dev.ferry.testsupport.TestInfrastructure;

/** While PostgreSQL cannot be reached, the API and health answer 503 within seconds, with the default settings. */
class DatabaseOutageApiIT {

    /** The default connection timeout (5 s) and some slack for a loaded machine. */
    private static final Duration QUICK = Duration.ofSeconds(12);

    @Test
    void answersAQuick503ProblemWhileTheDatabaseIsUnreachable() throws Exception {
        EmbeddedDatabase server = TestInfrastructure.database();
        Assumptions.assumeTrue(isSuperuser(server), "needs a superuser to cut Ferry off its database");
        try (FerryInstance ferry = FerryInstance.start("outage_api", Map.of())) {
            Api api = ferry.api();
            String database = ferry.databaseUrl().substring(ferry.databaseUrl().lastIndexOf('/') + 1).split("\\?")[0];
            assertThat(api.get("/services").status()).isEqualTo(200);
            admin(server, "alter database " + database + " with allow_connections false");
            try {
                admin(server, "select pg_terminate_backend(pid) from pg_stat_activity where datname = '"
                        + database + "'");
                Map<String, Supplier<Reply>> requests = new LinkedHashMap<>();
                requests.put("GET /services", () -> api.get("/services"));
                requests.put("POST /services", () -> api.post("/services", json("{'name':'Late','type':'SERVICE',"
                        + "'endpoint':'http://127.0.0.1:9','handlers':[{'name':'h'}]}")));
                requests.put("GET /invocations", () -> api.get("/invocations"));
                requests.put("GET /subscriptions", () -> api.get("/subscriptions"));
                for (Map.Entry<String, Supplier<Reply>> request : requests.entrySet()) {
                    long started = System.nanoTime();
                    Reply reply = request.getValue().get();
                    Duration took = Duration.ofNanos(System.nanoTime() - started);
                    System.out.printf("database unreachable: %s answered %d in %d ms%n", request.getKey(),
                            reply.status(), took.toMillis());
                    assertThat(reply.status()).as(request.getKey() + ": " + reply.text()).isEqualTo(503);
                    assertThat(took).as(request.getKey()).isLessThan(QUICK);
                    assertThat(reply.headers().firstValue("content-type").orElse(""))
                            .startsWith("application/problem+json");
                    assertThat(reply.headers().firstValue("retry-after")).hasValue("5");
                    assertThat(reply.body().get("detail").asString()).contains("cannot reach its database");
                }
                long started = System.nanoTime();
                Reply health = api.get("/actuator/health");
                Duration took = Duration.ofNanos(System.nanoTime() - started);
                System.out.printf("database unreachable: GET /actuator/health answered %d in %d ms%n", health.status(),
                        took.toMillis());
                assertThat(health.status()).isEqualTo(503);
                assertThat(took).isLessThan(QUICK);
            } finally {
                admin(server, "alter database " + database + " with allow_connections true");
            }
            await().atMost(Duration.ofSeconds(30)).until(() -> api.get("/services").status() == 200);
        }
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
