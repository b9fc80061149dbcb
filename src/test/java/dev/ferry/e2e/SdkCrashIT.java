package dev.ferry.e2e;

import static dev.ferry.testsupport.Api.json;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import dev.ferry.testsupport.Api;
import dev.ferry.testsupport.FerryProcess;
import dev.ferry.testsupport.InvocationTable;
import dev.ferry.testsupport.Records;
import dev.ferry.testsupport.SdkEndpoint;
import dev.ferry.testsupport.SdkEndpoint.Transport;
import dev.ferry.testsupport.TestInfrastructure;
import dev.ferry.testsupport.Topics;

/**
 * Ferry killed with SIGKILL in the middle of a stream of keyed deposits into a Restate SDK virtual object (the real
 * TypeScript SDK, which lives on), and restarted on the same database: every record is applied to its object's
 * balance exactly once, whatever attempts, journal entries and state changes the kill cut short.
 */
class SdkCrashIT {

    private static final String TOPIC = "sdk-crash-deposits";
    private static final int KEYS = 50;
    private static final int PER_KEY = 40;
    private static final int PARTITIONS = 4;
    /** The kill comes once this many {@code ctx.run} steps really ran. */
    private static final int KILL_AT_RUN = 500;
    private static final Path LOG = Path.of("target", "sdk-crash-it", "ferry.log");

    private final List<FerryProcess> processes = new CopyOnWriteArrayList<>();

    @AfterEach
    void stopProcesses() {
        processes.forEach(FerryProcess::close);
    }

    @Test
    void appliesEveryRecordToItsBalanceExactlyOnceWhenKilledMidStream() throws Exception {
        String brokers = TestInfrastructure.kafka().bootstrapServers();
        Topics.create(TOPIC, PARTITIONS);
        Files.deleteIfExists(LOG);
        String database = TestInfrastructure.freshDatabase("sdk_crash");
        InvocationTable invocations = new InvocationTable(database);
        int total = KEYS * PER_KEY;
        long started = System.nanoTime();

        try (SdkEndpoint endpoint = SdkEndpoint.start("account-counter.mjs", Transport.H2C);
                Records records = new Records(brokers);
                DepositStream stream = new DepositStream(records, TOPIC, KEYS, total)) {
            FerryProcess first = start(database);
            setUp(first.api(), endpoint, brokers);
            stream.start();

            await("ctx.run steps before the kill").atMost(Duration.ofMinutes(2)).pollInterval(Duration.ofMillis(20))
                    .until(() -> endpoint.runs("deposit") >= KILL_AT_RUN);
            first.kill();
            int runsAtKill = endpoint.runs("deposit");
            long completedAtKill = invocations.count("status = 'completed'");
            stream.release();

            FerryProcess second = start(database);
            stream.awaitAllSent(Duration.ofMinutes(1));
            await("every invocation completed").atMost(Duration.ofMinutes(4)).pollInterval(Duration.ofMillis(500))
                    .until(() -> invocations.count("true") >= total && invocations.count("status <> 'completed'") == 0);
            Duration elapsed = Duration.ofNanos(System.nanoTime() - started);

            long sum = stream.sumOfBalances(second.api());
            int runs = endpoint.runs("deposit");
            long ofRecords = invocations.count("subscription_id is not null");
            long failed = invocations.count("completion <> 'success'");
            System.out.printf("""
                    SdkCrashIT: 1 x SIGKILL after %d ctx.run steps (%d invocations completed), %d ms in all
                      records produced        %d
                      invocations of records  %d (not successful, balance reads included: %d)
                      sum of balances         %d
                      ctx.run executions      %d (%d ran again: their result was lost with the kill)
                    """, runsAtKill, completedAtKill, elapsed.toMillis(), total, ofRecords, failed,
                    sum, runs, runs - total);

            assertThat(completedAtKill).as("invocations completed before the kill").isLessThan(total);
            assertThat(ofRecords).as("invocations of records").isEqualTo(total);
            assertThat(failed).as("invocations that did not succeed").isZero();
            assertThat(sum).as("sum of all balances").isEqualTo(total);
            assertThat(runs).as("ctx.run executions").isGreaterThanOrEqualTo(total);
            second.terminate();
            second.awaitExit(Duration.ofSeconds(30));
        }
    }

    private FerryProcess start(String database) {
        FerryProcess process = FerryProcess.launch(database, Map.of("ferry.dispatch.lease", "3s"), LOG);
        processes.add(process);
        process.awaitReady();
        return process;
    }

    private static void setUp(Api api, SdkEndpoint endpoint, String brokers) {
        assertThat(api.post("/kafka-clusters", json("{'name':'local','properties':{'bootstrap.servers':'%s'}}"
                .formatted(brokers))).status()).isEqualTo(201);
        Api.Reply registered = api.post("/deployments", json("{'uri':'%s'}".formatted(endpoint.uri())));
        assertThat(registered.status()).as(registered.text()).isEqualTo(201);
        // a killed consumer leaves the group after the session timeout; keep it short so the restart rejoins fast
        Api.Reply subscribed = api.post("/subscriptions", json("""
                {'source':'kafka://local/%s','sink':'service://Account/deposit',
                 'options':{'auto.offset.reset':'earliest','session.timeout.ms':'6000',
                            'heartbeat.interval.ms':'1000'}}"""
                .formatted(TOPIC)));
        assertThat(subscribed.status()).as(subscribed.text()).isEqualTo(201);
    }
}
