package dev.ferry.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.ferry.testsupport.FerryProcess;
import dev.ferry.testsupport.InvocationTable;
import dev.ferry.testsupport.Records;
import dev.ferry.testsupport.RestateCli;
import dev.ferry.testsupport.SdkEndpoint;
import dev.ferry.testsupport.SdkEndpoint.Transport;
import dev.ferry.testsupport.TestInfrastructure;
import dev.ferry.testsupport.Topics;

/**
 * A Restate SDK deployment moved to Ferry the way its team runs it against restate-server: a Counter service and
 * an Account virtual object (the real TypeScript SDK) registered with {@code restate deployments register}, a Kafka
 * cluster and a subscription made with {@code restate kafka-clusters create} and {@code restate subscriptions
 * create}, all through Restate's own CLI pointed at Ferry. Keyed deposits stream in, Ferry is SIGKILLed once
 * mid-stream and restarted on the same database, and the balances read through {@code /call} sum to exactly the
 * number of records.
 *
 * <p>{@code -Dferry.crash.records=20000} runs it at full size (default 2,000, a multiple of 100 keys).
 */
class RestateCliCrashIT {

    private static final String TOPIC = "restate-cli-crash-deposits";
    private static final int KEYS = 100;
    private static final int PARTITIONS = 4;
    private static final Path LOG = Path.of("target", "restate-cli-crash-it", "ferry.log");

    private final List<FerryProcess> processes = new CopyOnWriteArrayList<>();

    @TempDir
    Path home;

    @AfterEach
    void stopProcesses() {
        processes.forEach(FerryProcess::close);
    }

    @Test
    void deliversEveryDepositOfADeploymentRegisteredWithRestatesCliAcrossAKill() throws Exception {
        int total = Integer.getInteger("ferry.crash.records", 2_000);
        String brokers = TestInfrastructure.kafka().bootstrapServers();
        Topics.create(TOPIC, PARTITIONS);
        Files.deleteIfExists(LOG);
        String database = TestInfrastructure.freshDatabase("restate_cli_crash");
        InvocationTable invocations = new InvocationTable(database);

        try (SdkEndpoint endpoint = SdkEndpoint.start("account-counter.mjs", Transport.H2C);
                Records records = new Records(brokers);
                DepositStream stream = new DepositStream(records, TOPIC, KEYS, total)) {
            FerryProcess first = start(database);
            setUp(RestateCli.against(first.baseUrl(), home), endpoint, brokers);
            long started = System.nanoTime();
            stream.start();

            // the kill comes a fifth into the stream, with attempts in flight and half of it still held back
            await("invocations completed before the kill").atMost(Duration.ofMinutes(5))
                    .pollInterval(Duration.ofMillis(50))
                    .until(() -> invocations.count("status = 'completed'") >= total / 5);
            first.kill();
            long completedAtKill = invocations.count("status = 'completed'");
            stream.release();

            FerryProcess second = start(database);
            stream.awaitAllSent(Duration.ofMinutes(2));
            await("every invocation completed").atMost(Duration.ofSeconds(240 + total / 20))
                    .pollInterval(Duration.ofMillis(500))
                    .until(() -> invocations.count("true") >= total && invocations.count("status <> 'completed'") == 0);
            double seconds = (System.nanoTime() - started) / 1e9;

            long sum = stream.sumOfBalances(second.api());
            int runs = endpoint.runs("deposit");
            long ofRecords = invocations.count("subscription_id is not null");
            long failed = invocations.count("completion <> 'success'");
            System.out.printf(Locale.ROOT, """
                    RestateCliCrashIT: %d keyed records over %d keys, 1 x SIGKILL after %d invocations completed
                      seconds (first record to last completion, restart included)  %.1f
                      records/s                                                    %.0f
                      invocations of records                                       %d (not successful: %d)
                      sum of balances                                              %d
                      ctx.run executions                                           %d for %d records (%d again)
                    """, total, KEYS, completedAtKill, seconds, total / seconds, ofRecords, failed, sum, runs,
                    total, runs - total);

            assertThat(completedAtKill).as("invocations completed before the kill").isPositive().isLessThan(total);
            assertThat(ofRecords).as("invocations of records").isEqualTo(total);
            assertThat(failed).as("invocations that did not succeed").isZero();
            assertThat(sum).as("sum of all balances").isEqualTo(total);
            assertThat(runs).as("ctx.run executions").isGreaterThanOrEqualTo(total);
            assertThat(RestateCli.against(second.baseUrl(), home).run("services", "list").output())
                    .containsPattern("Account +\\d+ +virtual object +HTTP +dp_\\w+")
                    .containsPattern("Counter +\\d+ +HTTP +dp_\\w+");
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

    private static void setUp(RestateCli restate, SdkEndpoint endpoint, String brokers) throws Exception {
        RestateCli.Run registered = restate.run("--yes", "deployments", "register", endpoint.uri());
        assertThat(registered.status()).as(registered.output()).isZero();
        assertThat(registered.output()).contains("Account", "Counter");
        RestateCli.Run cluster = restate.run("--yes", "kafka-clusters", "create", "local",
                "bootstrap.servers=" + brokers);
        assertThat(cluster.status()).as(cluster.output()).isZero();
        // a killed consumer leaves the group after the session timeout; keep it short so the restart rejoins fast
        RestateCli.Run subscribed = restate.run("--yes", "subscriptions", "create", "kafka://local/" + TOPIC,
                "service://Account/deposit", "auto.offset.reset=earliest", "session.timeout.ms=6000",
                "heartbeat.interval.ms=1000");
        assertThat(subscribed.status()).as(subscribed.output()).isZero();
        assertThat(subscribed.output()).containsPattern("Subscription sub_\\w+ created");
    }
}
