package dev.ferry.testsupport;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class EmbeddedDatabaseIT {

    @Test
    void jdbcRoundTripInAFreshDatabase() throws Exception {
        EmbeddedDatabase db = TestInfrastructure.database();
        String url = TestInfrastructure.freshDatabase(getClass().getSimpleName());

        try (Connection connection = DriverManager.getConnection(url, db.username(), db.password())) {
            try (Statement statement = connection.createStatement()) {
                statement.execute("CREATE TABLE ferry (id BIGINT PRIMARY KEY, name TEXT NOT NULL)");
            }
            try (PreparedStatement insert = connection.prepareStatement("INSERT INTO ferry VALUES (?, ?)")) {
                insert.setLong(1, 1);
                insert.setString(2, "MS Ferry");
                assertThat(insert.executeUpdate()).isEqualTo(1);
            }
            try (Statement statement = connection.createStatement();
                 ResultSet rs = statement.executeQuery("SELECT name, current_database() FROM ferry WHERE id = 1")) {
                assertThat(rs.next()).isTrue();
                assertThat(rs.getString(1)).isEqualTo("MS Ferry");
                assertThat(url).endsWith("/" + rs.getString(2));
            }
        }
        assertThat(TestInfrastructure.database()).isSameAs(db);
    }

    @Test
    void createdDatabasesAreIsolated() throws Exception {
        EmbeddedDatabase db = TestInfrastructure.database();
        String first = TestInfrastructure.freshDatabase("iso");
        String second = TestInfrastructure.freshDatabase("iso");
        assertThat(first).isNotEqualTo(second);
        try (Connection connection = DriverManager.getConnection(first, db.username(), db.password());
             Statement statement = connection.createStatement()) {
            statement.execute("CREATE TABLE only_in_first (id INT)");
        }
        try (Connection connection = DriverManager.getConnection(second, db.username(), db.password());
             ResultSet rs = connection.getMetaData().getTables(null, null, "only_in_first", null)) {
            assertThat(rs.next()).isFalse();
        }
        assertThatThrownBy(() -> db.createDatabase("no-dashes")).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void embeddedServerBindsOnlyToLoopback() {
        EmbeddedDatabase db = TestInfrastructure.database();
        assumeTrue(db.isEmbedded(), "only for the embedded server");
        assumeTrue(ListeningSockets.supported(), "needs /proc/net/tcp");
        assertThat(ListeningSockets.onPort(db.port()))
                .isNotEmpty()
                .allSatisfy(socket -> assertThat(socket.address()).isEqualTo("127.0.0.1"));
    }

    @Test
    void embeddedServerIsPostgres18() throws Exception {
        EmbeddedDatabase db = TestInfrastructure.database();
        assumeTrue(db.isEmbedded(), "only for the embedded server");
        try (Connection connection = db.connect()) {
            assertThat(connection.getMetaData().getDatabaseMajorVersion()).isEqualTo(18);
        }
    }

    @Test
    void developmentDatabaseKeepsDataAcrossRestarts(@TempDir Path dataDir) throws Exception {
        assumeTrue(System.getenv(EmbeddedDatabase.DEV_URL_ENV) == null, "dev database configured externally");
        try (EmbeddedDatabase dev = EmbeddedDatabase.forDevelopment(dataDir)) {
            assumeTrue(dev.isEmbedded(), "a PostgreSQL is already running on localhost:5432");
            String url = dev.ensureDatabase("ferry");
            try (Connection connection = DriverManager.getConnection(url, dev.username(), dev.password());
                 Statement statement = connection.createStatement()) {
                statement.execute("CREATE TABLE kept (v TEXT)");
                statement.execute("INSERT INTO kept VALUES ('still here')");
            }
        }
        assertThat(dataDir.resolve("PG_VERSION")).exists();

        try (EmbeddedDatabase dev = EmbeddedDatabase.forDevelopment(dataDir)) {
            String url = dev.ensureDatabase("ferry");
            try (Connection connection = DriverManager.getConnection(url, dev.username(), dev.password());
                 Statement statement = connection.createStatement();
                 ResultSet rs = statement.executeQuery("SELECT v FROM kept")) {
                assertThat(rs.next()).isTrue();
                assertThat(rs.getString(1)).isEqualTo("still here");
            }
        }
        assertThat(Files.exists(dataDir.resolve("PG_VERSION"))).isTrue();
    }

    @Test
    void externalTestServerDropsItsDatabasesOnClose() throws Exception {
        EmbeddedDatabase server = TestInfrastructure.database();
        var settings = new EmbeddedDatabase.ServerSettings(server.jdbcUrl(), server.username(), server.password());
        String name = "dropme_" + System.nanoTime();
        try (EmbeddedDatabase external = EmbeddedDatabase.externalForTests(settings)) {
            String url = external.createDatabase(name);
            // an open connection does not prevent the drop (WITH (FORCE))
            Connection open = DriverManager.getConnection(url, server.username(), server.password());
            assertThat(open.isValid(2)).isTrue();
        }
        try (Connection connection = server.connect();
             PreparedStatement query =
                     connection.prepareStatement("SELECT count(*) FROM pg_database WHERE datname = ?")) {
            query.setString(1, name);
            try (ResultSet rs = query.executeQuery()) {
                assertThat(rs.next()).isTrue();
                assertThat(rs.getInt(1)).isZero();
            }
        }
    }

    @Test
    void externalServerSettingsDeriveDatabaseUrls() {
        var settings = new EmbeddedDatabase.ServerSettings(
                "jdbc:postgresql://db.example:6543/app?sslmode=require", "u", "p");
        EmbeddedDatabase external = EmbeddedDatabase.external(settings);
        assertThat(external.jdbcUrl("other")).isEqualTo("jdbc:postgresql://db.example:6543/other?sslmode=require");
        assertThat(external.port()).isEqualTo(6543);
        assertThat(external.isEmbedded()).isFalse();
        external.close(); // no-op

        var fromEnv = EmbeddedDatabase.ServerSettings.fromEnvironment(
                Map.of("URL", "jdbc:postgresql://h/db")::get, "URL", "USER", "PASS");
        assertThat(fromEnv).isEqualTo(new EmbeddedDatabase.ServerSettings("jdbc:postgresql://h/db", "postgres", ""));
        assertThat(EmbeddedDatabase.external(fromEnv).port()).isEqualTo(5432);
        assertThat(EmbeddedDatabase.ServerSettings.fromEnvironment(Map.<String, String>of()::get, "URL", "U", "P"))
                .isNull();
    }
}
