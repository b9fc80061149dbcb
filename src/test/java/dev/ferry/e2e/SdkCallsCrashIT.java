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
 * The saga of {@code calls-saga.mjs} (a trip object calls a payment service, which sends to a ledger object with a
 * delay) from Kafka records, with Ferry killed with SIGKILL in the middle of the chains and restarted on the same
 * database: every trip is booked once, every charge reaches the ledger once (its total is exact), whatever calls,
 * sends and results the kill cut short.
 */
class SdkCallsCrashIT {

    private static final String TOPIC = "trips-crash";
    private static final int TRIPS = 30;
    private static final Path LOG = Path.of("target", "sdk-calls-crash-it", "ferry.log");

    private final List<FerryProcess> processes = new CopyOnWriteArrayList<>();

    @AfterEach
    void stopProcesses() {
        processes.forEach(FerryProcess::close);
    }

    @Test
    void everyTripIsChargedAndRecordedOnceWhenKilledMidChain() throws Exception {
        String brokers = TestInfrastructure.kafka().bootstrapServers();
        Topics.create(TOPIC, 2);
        Files.deleteIfExists(LOG);
        String database = TestInfrastructure.freshDatabase("sdk_calls_crash");
        InvocationTable invocations = new InvocationTable(database);
        try (SdkEndpoint endpoint = SdkEndpoint.start("calls-saga.mjs", Transport.H2C);
                Records records = new Records(brokers)) {
            FerryProcess first = start(database);
            setUp(first.api(), endpoint, brokers);
            for (int trip = 0; trip < TRIPS; trip++) {
                records.send(TOPIC, "trip-" + trip, "1");
            }
            records.flush();

            await("charges under way").atMost(Duration.ofMinutes(2)).pollInterval(Duration.ofMillis(20))
                    .until(() -> endpoint.runs("charge") >= 3);
            first.kill();
            int chargesAtKill = endpoint.runs("charge");
            long chainsDoneAtKill = invocations.count("handler = 'record' and status = 'completed'");

            FerryProcess second = start(database);
            await("every trip, charge and record completed").atMost(Duration.ofMinutes(3))
                    .pollInterval(Duration.ofMillis(500))
                    .until(() -> invocations.count("handler = 'book' and status = 'completed'") == TRIPS
                            && invocations.count("handler = 'record' and status = 'completed'") == TRIPS);
            System.out.printf("SdkCallsCrashIT: killed after %d charges (%d chains done); charges %d, ledger"
                    + " records %d%n", chargesAtKill, chainsDoneAtKill, endpoint.runs("charge"),
                    endpoint.runs("record"));

            assertThat(chainsDoneAtKill).as("chains done before the kill").isLessThan(TRIPS);
            assertThat(invocations.count("handler = 'book' and completion = 'success'")).isEqualTo(TRIPS);
            assertThat(invocations.count("handler = 'charge'")).as("one payment call per trip").isEqualTo(TRIPS);
            assertThat(invocations.count("handler = 'record'")).as("one ledger send per charge").isEqualTo(TRIPS);
            assertThat(second.api().post("/call/Ledger/main/total", "").text()).as("the ledger's total")
                    .isEqualTo(String.valueOf(TRIPS));
            assertThat(invocations.count("status <> 'completed'")).isZero();
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
        Api.Reply subscribed = api.post("/subscriptions", json("""
                {'source':'kafka://local/%s','sink':'service://Trip/book',
                 'options':{'auto.offset.reset':'earliest','session.timeout.ms':'6000',
                            'heartbeat.interval.ms':'1000'}}""".formatted(TOPIC)));
        assertThat(subscribed.status()).as(subscribed.text()).isEqualTo(201);
    }
}
