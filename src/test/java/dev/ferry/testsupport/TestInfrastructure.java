package dev.ferry.testsupport;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Locale;
import java.util.UUID;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One Kafka broker and one PostgreSQL server per test JVM, started lazily on first use and shared by all
 * integration tests; closed by a JVM shutdown hook. A suite of many IT classes thus pays the start-up cost once.
 *
 * <p>Typical use in a Spring Boot test:
 * <pre>{@code
 * @DynamicPropertySource
 * static void infrastructure(DynamicPropertyRegistry registry) {
 *     var db = TestInfrastructure.database();
 *     String url = TestInfrastructure.freshDatabase("orders");   // isolated database per test class
 *     registry.add("spring.datasource.url", () -> url);
 *     registry.add("spring.datasource.username", db::username);
 *     registry.add("spring.datasource.password", db::password);
 *     registry.add("spring.kafka.bootstrap-servers", TestInfrastructure.kafka()::bootstrapServers);
 * }
 * }</pre>
 *
 * <p>Never close the returned instances yourself. Tests that need a broker or database with special settings
 * (SASL, restarts, ...) should start their own {@link EmbeddedKafkaBroker} / {@link EmbeddedDatabase}.
 */
public final class TestInfrastructure {

    private static final Logger log = LoggerFactory.getLogger(TestInfrastructure.class);

    private static final Object LOCK = new Object();
    private static final Deque<AutoCloseable> STARTED = new ArrayDeque<>();
    private static EmbeddedKafkaBroker kafka;
    private static EmbeddedDatabase database;
    private static boolean shutdownHookRegistered;

    private TestInfrastructure() {
    }

    /**
     * Returns the shared Kafka broker, starting it on first call.
     *
     * @return the running shared broker
     */
    public static EmbeddedKafkaBroker kafka() {
        synchronized (LOCK) {
            if (kafka == null) {
                kafka = register(EmbeddedKafkaBroker.builder().start());
            }
            return kafka;
        }
    }

    /**
     * Returns the shared database server (embedded, or the one named by {@code FERRY_TEST_DATABASE_URL}),
     * starting it on first call.
     *
     * @return the shared database server
     */
    public static EmbeddedDatabase database() {
        synchronized (LOCK) {
            if (database == null) {
                database = register(EmbeddedDatabase.forTests());
            }
            return database;
        }
    }

    /**
     * Creates a new, empty database with a unique name on the shared server.
     *
     * @param prefix a readable prefix (letters, digits, underscores), e.g. the test class's simple name
     * @return the JDBC URL of the new database (use {@link #database()} for username and password)
     */
    public static String freshDatabase(String prefix) {
        String name = (prefix.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9_]", "_") + "_"
                + UUID.randomUUID().toString().replace("-", "").substring(0, 12));
        if (!Character.isLetter(name.charAt(0)) && name.charAt(0) != '_') {
            name = "db_" + name;
        }
        if (name.length() > 63) {
            name = name.substring(name.length() - 63);
            name = Character.isLetter(name.charAt(0)) ? name : "d" + name.substring(1);
        }
        return database().createDatabase(name);
    }

    private static <T extends AutoCloseable> T register(T resource) {
        STARTED.push(resource);
        if (!shutdownHookRegistered) {
            Runtime.getRuntime().addShutdownHook(new Thread(TestInfrastructure::closeAll,
                    "ferry-test-infrastructure-shutdown"));
            shutdownHookRegistered = true;
        }
        return resource;
    }

    private static void closeAll() {
        synchronized (LOCK) {
            while (!STARTED.isEmpty()) {
                AutoCloseable resource = STARTED.pop();
                try {
                    resource.close();
                } catch (Exception e) {
                    log.warn("Failed to close {}", resource, e);
                }
            }
            kafka = null;
            database = null;
        }
    }
}
