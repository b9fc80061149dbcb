package dev.ferry.e2e;

import static dev.ferry.testsupport.Api.json;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Collectors;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import dev.ferry.testsupport.Api;
import dev.ferry.testsupport.EmbeddedDatabase;
import dev.ferry.testsupport.FerryInstance;
import dev.ferry.testsupport.FerryProcess;
import dev.ferry.testsupport.InvocationTable;
import dev.ferry.testsupport.Records;
import dev.ferry.testsupport.SdkEndpoint;
import dev.ferry.testsupport.SdkEndpoint.Transport;
import dev.ferry.testsupport.TestInfrastructure;
import dev.ferry.testsupport.Topics;

/**
 * Crashes inside one attempt of a Restate SDK virtual object (the real TypeScript SDK, {@code ledger.mjs}): the
 * SDK process killed with SIGKILL while an attempt is in flight, and Ferry killed with SIGKILL after the SDK
 * answered but before Ferry's journal write committed. Either way every record is applied to its object's
 * balance exactly once, and no {@code ctx.run} step whose result Ferry stored ever runs again: the service logs
 * every real execution outside the protocol, and the last execution of each invocation is the stored one.
 *
 * <p>{@code -Dferry.sdk-crash.records=N} (a multiple of 20) runs bigger streams; the suite runs 300 records.
 */
class SdkAttemptCrashIT {

    private static final int KEYS = 20;
    private static final int TOTAL = Integer.getInteger("ferry.sdk-crash.records", 300);
    private static final int PARTITIONS = 4;
    private static final Path DIR = Path.of("target", "sdk-attempt-crash-it");

    private final List<AutoCloseable> running = new CopyOnWriteArrayList<>();

    @AfterEach
    void stop() throws Exception {
        for (AutoCloseable each : running.reversed()) {
            each.close();
        }
    }

    @Test
    void neverRunsAStoredStepAgainWhenTheSdkProcessIsKilledMidAttempt() throws Exception {
        String topic = "sdk-kill-node";
        String database = TestInfrastructure.freshDatabase("sdk_kill_node");
        Path log = freshLog("kill-node-runs.log");
        RunLedger ledger = new RunLedger(log, database);
        InvocationTable invocations = new InvocationTable(database);
        int holdAt = TOTAL / 5;
        long started = System.nanoTime();

        FerryInstance ferry = keep(FerryInstance.startOn(database, Map.of()));
        SdkEndpoint first = keep(SdkEndpoint.start("ledger.mjs", Transport.H2C, log.toString(),
                Integer.toString(holdAt)));
        Records records = keep(new Records(TestInfrastructure.kafka().bootstrapServers()));
        setUp(ferry.api(), first, topic);
        DepositStream stream = keep(new DepositStream(records, topic, KEYS, TOTAL));
        stream.start();

        // the held execution has run and logged, but its attempt cannot answer: it is in flight when the kill comes
        await("the held ctx.run executed").atMost(Duration.ofMinutes(2)).pollInterval(Duration.ofMillis(50))
                .until(() -> ledger.executionCount() >= holdAt);
        String held = heldInvocation(ledger, holdAt);
        first.kill();
        long completedAtKill = invocations.count("status = 'completed'");
        stream.release();
        keep(SdkEndpoint.startOn(first.port(), "ledger.mjs", Transport.H2C, log.toString()));

        stream.awaitAllSent(Duration.ofMinutes(1));
        awaitAllCompleted(invocations);
        long sum = stream.sumOfBalances(ferry.api());
        report("SDK process SIGKILLed mid-attempt", started, completedAtKill, sum, ledger);

        assertThat(completedAtKill).as("invocations completed before the kill").isLessThan(TOTAL);
        assertExactlyOnce(invocations, ledger, sum);
        assertThat(ledger.executions().get(held)).as("executions of the step held in flight by the kill")
                .hasSizeGreaterThanOrEqualTo(2);
    }

    @Test
    void commitsNothingOfAnAnsweredAttemptWhenFerryIsKilledBeforeItsJournalWriteCommits() throws Exception {
        String topic = "sdk-kill-ferry-commit";
        String database = TestInfrastructure.freshDatabase("sdk_kill_commit");
        Path log = freshLog("kill-ferry-runs.log");
        Path ferryLog = DIR.resolve("ferry.log");
        RunLedger ledger = new RunLedger(log, database);
        InvocationTable invocations = new InvocationTable(database);
        long started = System.nanoTime();

        SdkEndpoint endpoint = keep(SdkEndpoint.start("ledger.mjs", Transport.H2C, log.toString()));
        FerryProcess first = keep(FerryProcess.start(database, Map.of("ferry.dispatch.lease", "3s"), ferryLog));
        Records records = keep(new Records(TestInfrastructure.kafka().bootstrapServers()));
        setUp(first.api(), endpoint, topic);
        DepositStream stream = keep(new DepositStream(records, topic, KEYS, TOTAL));
        stream.start();
        await("some deposits completed").atMost(Duration.ofMinutes(2)).pollInterval(Duration.ofMillis(50))
                .until(() -> invocations.count("status = 'completed'") >= TOTAL / 10);

        Set<String> answeredNotStored;
        long completedAtKill;
        // pg_stat_activity is read once per transaction: watch from a connection of its own
        try (Connection lock = connect(database); Connection watch = connect(database)) {
            lock.setAutoCommit(false);
            try (Statement statement = lock.createStatement()) {
                statement.execute("lock table journal_segments in exclusive mode");
            }
            // the second half of the stream comes while the lock is held, so there are attempts for it to stop
            stream.release();
            await("an attempt's journal write waits for the lock").atMost(Duration.ofMinutes(1))
                    .pollInterval(Duration.ofMillis(50)).until(() -> blockedJournalWrites(watch) > 0);
            first.kill();
            // plain reads pass an exclusive lock: which steps ran and are not stored
            answeredNotStored = answeredNotStored(ledger);
            completedAtKill = invocations.count("status = 'completed'");
            lock.commit();
            await("the killed Ferry's blocked writes ended").atMost(Duration.ofMinutes(1))
                    .until(() -> journalWritesOf(watch) == 0);
        }
        assertThat(answeredNotStored).as("steps answered to the killed Ferry and not stored").isNotEmpty();
        assertThat(ledger.storedReceipts().keySet()).as("what the killed Ferry's blocked writes committed")
                .doesNotContainAnyElementsOf(answeredNotStored);

        FerryProcess second = keep(FerryProcess.start(database, Map.of("ferry.dispatch.lease", "3s"), ferryLog));
        stream.awaitAllSent(Duration.ofMinutes(1));
        awaitAllCompleted(invocations);
        long sum = stream.sumOfBalances(second.api());
        report("Ferry SIGKILLed between the SDK's answer and its commit", started, completedAtKill, sum, ledger);

        assertThat(completedAtKill).as("invocations completed before the kill").isLessThan(TOTAL);
        assertExactlyOnce(invocations, ledger, sum);
        assertThat(ledger.ranMoreThanOnce()).as("steps run again because their answer was never committed")
                .containsAll(answeredNotStored);
    }

    private static void assertExactlyOnce(InvocationTable invocations, RunLedger ledger, long sum) {
        assertThat(invocations.count("subscription_id is not null")).as("invocations of records").isEqualTo(TOTAL);
        assertThat(invocations.count("subscription_id is not null and completion <> 'success'"))
                .as("invocations of records that did not succeed").isZero();
        assertThat(sum).as("sum of all balances").isEqualTo(TOTAL);
        assertThat(ledger.storedReceipts()).as("stored run completions").hasSize(TOTAL);
        assertThat(ledger.ranAgainAfterStoring()).as("steps that ran again after their result was stored")
                .isEmpty();
    }

    private static String heldInvocation(RunLedger ledger, int holdAt) {
        return ledger.executions().entrySet().stream()
                .filter(entry -> entry.getValue().stream().anyMatch(token -> token.endsWith("-" + holdAt)))
                .map(Map.Entry::getKey).findFirst().orElseThrow();
    }

    private static Set<String> answeredNotStored(RunLedger ledger) {
        Set<String> stored = ledger.storedReceipts().keySet();
        return ledger.executions().keySet().stream().filter(id -> !stored.contains(id)).collect(Collectors.toSet());
    }

    /** Ferry's journal inserts that wait for a lock. */
    private static long blockedJournalWrites(Connection connection) throws SQLException {
        return countActivity(connection, "wait_event_type = 'Lock' and query like '%insert into journal_segments%'");
    }

    /** Backends still inside a journal insert or its open transaction (a killed client's, until they notice). */
    private static long journalWritesOf(Connection connection) throws SQLException {
        return countActivity(connection, "query like '%insert into journal_segments%' and state <> 'idle'");
    }

    private static long countActivity(Connection connection, String condition) throws SQLException {
        try (PreparedStatement query = connection.prepareStatement("select count(*) from pg_stat_activity"
                + " where datname = current_database() and pid <> pg_backend_pid() and " + condition);
             ResultSet result = query.executeQuery()) {
            result.next();
            return result.getLong(1);
        }
    }

    private static void awaitAllCompleted(InvocationTable invocations) {
        await("every invocation completed").atMost(Duration.ofMinutes(4)).pollInterval(Duration.ofMillis(500))
                .until(() -> invocations.count("subscription_id is not null") >= TOTAL
                        && invocations.count("status <> 'completed'") == 0);
    }

    private static void report(String crash, long started, long completedAtKill, long sum, RunLedger ledger) {
        System.out.printf("""
                SdkAttemptCrashIT: %s, %d ms in all
                  records produced            %d (%d completed at the kill)
                  sum of balances             %d
                  ctx.run executions          %d (%d steps ran more than once, none after being stored)
                """, crash, Duration.ofNanos(System.nanoTime() - started).toMillis(), TOTAL, completedAtKill, sum,
                ledger.executionCount(), ledger.ranMoreThanOnce().size());
    }

    private void setUp(Api api, SdkEndpoint endpoint, String topic) {
        Topics.create(topic, PARTITIONS);
        String brokers = TestInfrastructure.kafka().bootstrapServers();
        assertThat(api.post("/kafka-clusters", json("{'name':'local','properties':{'bootstrap.servers':'%s'}}"
                .formatted(brokers))).status()).isEqualTo(201);
        Api.Reply registered = api.post("/deployments", json("{'uri':'%s'}".formatted(endpoint.uri())));
        assertThat(registered.status()).as(registered.text()).isEqualTo(201);
        // a killed consumer leaves the group after the session timeout; keep it short so the restart rejoins fast
        Api.Reply subscribed = api.post("/subscriptions", json("""
                {'source':'kafka://local/%s','sink':'service://Account/deposit',
                 'options':{'auto.offset.reset':'earliest','session.timeout.ms':'6000',
                            'heartbeat.interval.ms':'1000'}}""".formatted(topic)));
        assertThat(subscribed.status()).as(subscribed.text()).isEqualTo(201);
    }

    private static Connection connect(String databaseUrl) throws SQLException {
        EmbeddedDatabase database = TestInfrastructure.database();
        return DriverManager.getConnection(databaseUrl, database.username(), database.password());
    }

    private static Path freshLog(String name) throws Exception {
        Files.createDirectories(DIR);
        Path log = DIR.resolve(name).toAbsolutePath();
        Files.deleteIfExists(log);
        return log;
    }

    private <T extends AutoCloseable> T keep(T closeable) {
        running.add(closeable);
        return closeable;
    }
}
