package dev.ferry.ops;

import static dev.ferry.testsupport.Api.json;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;

import org.junit.jupiter.api.Test;

import dev.ferry.testsupport.Api;
import dev.ferry.testsupport.EmbeddedDatabase;
import dev.ferry.testsupport.FerryInstance;
import dev.ferry.testsupport.HandlerServer;
import dev.ferry.testsupport.Records;
import dev.ferry.testsupport.TestInfrastructure;

/**
 * The split-user mode of deploy/postgres/roles.sql against the real PostgreSQL: Flyway migrates as the owner,
 * and Ferry runs (ingests, calls, completes, answers the API) as a role that may only read and write rows.
 */
class DatabaseRightsIT {

    private static final String PASSWORD = "rights-" + UUID.randomUUID();

    @Test
    void runsWithRowRightsOnlyWhileTheOwnerMigrates() throws Exception {
        EmbeddedDatabase server = TestInfrastructure.database();
        String url = TestInfrastructure.freshDatabase("rights");
        String suffix = UUID.randomUUID().toString().replace("-", "").substring(0, 8).toLowerCase(Locale.ROOT);
        String owner = "ferry_owner_" + suffix;
        String app = "ferry_app_" + suffix;
        try (Connection admin = DriverManager.getConnection(url, server.username(), server.password());
                Statement statement = admin.createStatement()) {
            statement.execute(Files.readString(Path.of("deploy", "postgres", "roles.sql"))
                    .replace("ferry_owner", owner).replace("ferry_app", app));
            statement.execute("alter role %s password '%s'".formatted(owner, PASSWORD));
            statement.execute("alter role %s password '%s'".formatted(app, PASSWORD));
        }

        String brokers = TestInfrastructure.kafka().bootstrapServers();
        try (FerryInstance ferry = FerryInstance.startOn(url, Map.of("spring.datasource.username", app,
                "spring.datasource.password", PASSWORD, "spring.flyway.user", owner,
                "spring.flyway.password", PASSWORD));
                HandlerServer handler = HandlerServer.start(); Records records = new Records(brokers)) {
            Api api = ferry.api();
            assertThat(api.post("/kafka-clusters", json("{'name':'local','properties':{'bootstrap.servers':'%s'}}"
                    .formatted(brokers))).status()).isEqualTo(201);
            assertThat(api.post("/services", json("{'name':'Rights','type':'SERVICE','endpoint':'%s',"
                    .formatted(handler.endpoint()) + "'handlers':[{'name':'take'}]}")).status()).isEqualTo(201);
            assertThat(api.post("/subscriptions", json("{'source':'kafka://local/rights',"
                    + "'sink':'service://Rights/take','options':{'auto.offset.reset':'earliest'}}")).status())
                    .isEqualTo(201);
            records.send("rights", "k", "{\"n\":1}");
            records.flush();
            assertThat(api.post("/send/Rights/take", "{\"n\":2}").status()).isEqualTo(202);

            await().atMost(Duration.ofSeconds(90)).until(() -> handler.received().size() == 2);
            await().atMost(Duration.ofSeconds(30)).until(() -> api.get("/invocations/counts?service=Rights").body()
                    .path("counts").path("completed").asLong() == 2);
            assertThat(api.patch("/services/Rights", json("{'timeout':'3s'}")).status()).isEqualTo(200);
        }

        try (Connection runtime = DriverManager.getConnection(url, app, PASSWORD);
                Statement statement = runtime.createStatement()) {
            assertThat(statement.executeQuery("select count(*) from invocations").next()).isTrue();
            assertThatThrownBy(() -> statement.execute("create table sneaked (id int)"))
                    .isInstanceOf(SQLException.class).hasMessageContaining("permission denied");
            assertThatThrownBy(() -> statement.execute("alter table invocations add column sneaked int"))
                    .isInstanceOf(SQLException.class).hasMessageContaining("must be owner");
        }
        try (Connection connection = DriverManager.getConnection(url, server.username(), server.password());
                Statement statement = connection.createStatement()) {
            ResultSet owners = statement.executeQuery(
                    "select distinct tableowner from pg_tables where schemaname = 'public'");
            assertThat(owners.next()).isTrue();
            assertThat(owners.getString(1)).isEqualTo(owner);
            assertThat(owners.next()).as("one owner of every table").isFalse();
        }
    }
}
