package dev.ferry.fault;

import static dev.ferry.testsupport.Api.json;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.stream.Stream;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;

import dev.ferry.testsupport.Api;
import dev.ferry.testsupport.EmbeddedDatabase;
import dev.ferry.testsupport.EmbeddedKafkaBroker;
import dev.ferry.testsupport.FerryProcess;

/**
 * What the fault suite breaks: a PostgreSQL server and a Kafka broker of its own (so that stopping them touches no
 * other test), each restartable on the same port and data, and one Ferry in a child JVM that the faults share and
 * kill or stop and start again.
 */
final class FaultEnvironment implements AutoCloseable {

    static final Duration LEASE = Duration.ofSeconds(5);
    static final Duration POLL = Duration.ofMillis(200);
    static final Duration SHUTDOWN_TIMEOUT = Duration.ofSeconds(10);
    /** The retry policy's longest wait, which bounds the call rate during a handler outage. */
    static final Duration MAX_INTERVAL = Duration.ofSeconds(2);
    /** The subscriptions' consumer session timeout: how long the group waits for a member that went silent. */
    static final Duration SESSION_TIMEOUT = Duration.ofSeconds(6);
    private static final String DATABASE = "ferry_faults";
    private static final Path LOG = Path.of("target", "faults", "ferry.log");
    private static final int PARTITIONS = 4;

    private final Path databaseData;
    private final Path brokerData;
    private final int databasePort;
    private final int brokerPort;
    private final String databaseUrl;
    private volatile EmbeddedDatabase database;
    private volatile EmbeddedKafkaBroker broker;
    private volatile FerryProcess ferry;

    private FaultEnvironment() throws Exception {
        Files.createDirectories(LOG.getParent());
        Files.deleteIfExists(LOG);
        databaseData = Files.createTempDirectory("ferry-faults-pg-");
        brokerData = Files.createTempDirectory("ferry-faults-kafka-");
        database = EmbeddedDatabase.persistent(databaseData, 0);
        databasePort = database.port();
        databaseUrl = database.createDatabase(DATABASE);
        broker = EmbeddedKafkaBroker.builder().logDir(brokerData).start();
        brokerPort = broker.port();
    }

    static FaultEnvironment start() throws Exception {
        FaultEnvironment environment = new FaultEnvironment();
        environment.startFerry();
        Api.Reply cluster = environment.api().post("/kafka-clusters",
                json("{'name':'local','properties':{'bootstrap.servers':'%s'}}".formatted(environment.brokers())));
        assertThat(cluster.status()).as(cluster.text()).isEqualTo(201);
        return environment;
    }

    String brokers() {
        return "127.0.0.1:" + brokerPort;
    }

    Api api() {
        return ferry.api();
    }

    Invocations invocations() {
        return new Invocations(database, databaseUrl);
    }

    /** Starts Ferry (again) on the suite's database and waits until it is ready. */
    void startFerry() {
        ferry = FerryProcess.launch(database, databaseUrl, Map.of(
                "ferry.dispatch.lease", LEASE.toSeconds() + "s",
                "ferry.dispatch.poll-interval", POLL.toMillis() + "ms",
                "ferry.dispatch.shutdown-timeout", SHUTDOWN_TIMEOUT.toSeconds() + "s"), LOG);
        ferry.awaitReady();
    }

    /** Starts Ferry unless it runs, so that one fault that failed half-way leaves the next ones a Ferry. */
    void ensureFerry() {
        if (ferry == null || !ferry.isAlive()) {
            startFerry();
        }
    }

    FerryProcess ferry() {
        return ferry;
    }

    void stopDatabase() {
        database.close();
    }

    void startDatabase() {
        database = EmbeddedDatabase.persistent(databaseData, databasePort);
    }

    void stopBroker() {
        broker.close();
    }

    void startBroker() {
        broker = EmbeddedKafkaBroker.builder().port(brokerPort).logDir(brokerData).start();
    }

    /**
     * Ends Ferry's connections to its database: all of them, or only those inside a statement or transaction;
     * returns how many it ended and how many of those were inside one.
     */
    int[] terminateFerryBackends(boolean onlyBusy) {
        try (Connection connection = database.connect(); Statement statement = connection.createStatement();
                ResultSet result = statement.executeQuery("""
                        select count(*) filter (where pg_terminate_backend(pid)),
                               count(*) filter (where state <> 'idle')
                          from pg_stat_activity
                         where datname = '%s' and backend_type = 'client backend' and pid <> pg_backend_pid()
                           and (state <> 'idle' or not %s)""".formatted(DATABASE, onlyBusy))) {
            result.next();
            return new int[] {result.getInt(1), result.getInt(2)};
        } catch (SQLException e) {
            throw new IllegalStateException("Could not terminate Ferry's database connections", e);
        }
    }

    /**
     * Registers a virtual object {@code name} with one exclusive handler at {@code endpoint} and subscribes it to a
     * new topic of the same name; returns the subscription's id.
     */
    String subscribe(String name, String endpoint) throws InterruptedException, ExecutionException {
        String topic = "fault-" + name.toLowerCase(Locale.ROOT);
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, brokers()))) {
            admin.createTopics(List.of(new NewTopic(topic, PARTITIONS, (short) 1))).all().get();
        }
        Api.Reply service = api().post("/services", json("""
                {'name':'%s','type':'VIRTUAL_OBJECT','endpoint':'%s',
                 'retry_policy':{'initial_interval':'100ms','max_interval':'%dms','max_attempts':0},
                 'handlers':[{'name':'apply','type':'EXCLUSIVE'}]}"""
                .formatted(name, endpoint, MAX_INTERVAL.toMillis())));
        assertThat(service.status()).as(service.text()).isEqualTo(201);
        // a killed consumer leaves its group after the session timeout; keep it short so restarts rejoin fast
        Api.Reply subscribed = api().post("/subscriptions", json("""
                {'source':'kafka://local/%s','sink':'service://%s/apply',
                 'options':{'auto.offset.reset':'earliest','session.timeout.ms':'%d','heartbeat.interval.ms':'1000'}}"""
                .formatted(topic, name, SESSION_TIMEOUT.toMillis())));
        assertThat(subscribed.status()).as(subscribed.text()).isEqualTo(201);
        return subscribed.body().get("id").asString();
    }

    String topic(String name) {
        return "fault-" + name.toLowerCase(Locale.ROOT);
    }

    @Override
    public void close() throws Exception {
        if (ferry != null) {
            ferry.close();
        }
        broker.close();
        database.close();
        for (Path dir : List.of(databaseData, brokerData)) {
            try (Stream<Path> files = Files.walk(dir)) {
                files.sorted(Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
            }
        }
    }
}
