package dev.ferry.e2e;

import static dev.ferry.testsupport.Api.json;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Function;
import java.util.stream.Collectors;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import dev.ferry.testsupport.Api;
import dev.ferry.testsupport.FerryProcess;
import dev.ferry.testsupport.HandlerServer;
import dev.ferry.testsupport.HandlerServer.Response;
import dev.ferry.testsupport.InvocationTable;
import dev.ferry.testsupport.Records;
import dev.ferry.testsupport.TestInfrastructure;

/**
 * SIGTERM while handler calls are in flight: Ferry lets the calls it started finish and records their
 * outcomes, hands the rest back untouched, exits within its shutdown deadline, and the next start runs
 * the rest exactly once.
 */
class GracefulStopIT {

    private static final int RECORDS = 40;
    private static final int MAX_IN_FLIGHT = 8;
    private static final Duration SHUTDOWN_TIMEOUT = Duration.ofSeconds(10);
    private static final Path LOG = Path.of("target", "graceful-stop-it", "ferry.log");

    /** One handler call: when it started and, once answered, when it ended. */
    record Call(String invocationId, Instant start, Instant end) {
    }

    private final List<FerryProcess> processes = new CopyOnWriteArrayList<>();

    @AfterEach
    void stopProcesses() {
        processes.forEach(FerryProcess::close);
    }

    @Test
    void finishesStartedCallsHandsBackTheRestAndExitsInTimeOnSigterm() throws Exception {
        String brokers = TestInfrastructure.kafka().bootstrapServers();
        Files.deleteIfExists(LOG);
        String database = TestInfrastructure.freshDatabase("graceful_stop");
        InvocationTable invocations = new InvocationTable(database);
        Set<String> started = ConcurrentHashMap.newKeySet();
        List<Call> answered = new CopyOnWriteArrayList<>();

        try (HandlerServer handler = HandlerServer.start(); Records records = new Records(brokers)) {
            handler.respondWith(request -> {
                Instant start = Instant.now();
                started.add(request.header("idempotency-key"));
                LockSupport.parkNanos(TimeUnit.SECONDS.toNanos(1));
                answered.add(new Call(request.header("idempotency-key"), start, Instant.now()));
                return Response.ok("{}");
            });
            for (int i = 0; i < RECORDS; i++) {
                records.send("reports", "r" + i, "{\"report\":" + i + "}");
            }
            records.flush();

            FerryProcess first = start(database);
            setUp(first.api(), handler, brokers);
            await().atMost(Duration.ofSeconds(60)).until(() -> invocations.count("true") == RECORDS
                    && !started.isEmpty());

            int inFlightAtStop = started.size() - answered.size();
            long stopping = System.nanoTime();
            first.terminate();
            boolean exited = first.awaitExit(SHUTDOWN_TIMEOUT.plusSeconds(10));
            Duration stopTook = Duration.ofNanos(System.nanoTime() - stopping);
            assertThat(exited).as("Ferry exited within its shutdown deadline").isTrue();

            Set<String> calledBeforeStop = Set.copyOf(started);
            List<InvocationTable.Row> afterStop = invocations.all();
            System.out.printf("GracefulStopIT: SIGTERM with %d call(s) in flight, exit %d after %d ms;"
                    + " %d called before the stop, statuses after: %s%n", inFlightAtStop, first.exitValue(),
                    stopTook.toMillis(), calledBeforeStop.size(), afterStop.stream()
                            .collect(Collectors.groupingBy(InvocationTable.Row::status, Collectors.counting())));
            assertThat(inFlightAtStop).isPositive();
            assertThat(answered).extracting(Call::invocationId).containsExactlyInAnyOrderElementsOf(calledBeforeStop);
            assertThat(afterStop).hasSize(RECORDS).allSatisfy(row -> {
                if (calledBeforeStop.contains(row.id())) {
                    assertThat(row.succeeded()).as("%s was called before the stop", row.id()).isTrue();
                } else {
                    assertThat(row.status()).as("%s was not called before the stop", row.id()).isEqualTo("ready");
                    assertThat(row.attempts()).isZero();
                }
            });

            FerryProcess second = start(database);
            await().atMost(Duration.ofSeconds(90)).until(() -> invocations.count("status = 'completed'") == RECORDS);
            second.terminate();
            second.awaitExit(SHUTDOWN_TIMEOUT.plusSeconds(10));

            Map<String, InvocationTable.Row> rows = invocations.all().stream()
                    .collect(Collectors.toMap(InvocationTable.Row::id, Function.identity()));
            assertThat(rows.values()).hasSize(RECORDS).allSatisfy(row -> {
                assertThat(row.succeeded()).isTrue();
                assertThat(row.attempts()).isEqualTo(1);
            });
            assertThat(handler.received()).hasSize(RECORDS);
            assertThat(answered).extracting(Call::invocationId).doesNotHaveDuplicates()
                    .containsExactlyInAnyOrderElementsOf(rows.keySet());
            assertThat(answered).allSatisfy(call ->
                    assertThat(call.start()).isBefore(rows.get(call.invocationId()).completedAt()));
        }
    }

    private FerryProcess start(String database) {
        FerryProcess process = FerryProcess.launch(database, Map.of(
                "ferry.dispatch.max-in-flight", Integer.toString(MAX_IN_FLIGHT),
                "ferry.dispatch.shutdown-timeout", SHUTDOWN_TIMEOUT.toSeconds() + "s"), LOG);
        processes.add(process);
        process.awaitReady();
        return process;
    }

    private static void setUp(Api api, HandlerServer handler, String brokers) {
        api.post("/kafka-clusters", json("{'name':'local','properties':{'bootstrap.servers':'%s'}}".formatted(brokers)));
        api.post("/services", json("{'name':'Reports','type':'SERVICE','endpoint':'%s','handlers':[{'name':'render'}]}"
                .formatted(handler.endpoint())));
        Api.Reply subscribed = api.post("/subscriptions", json("""
                {'source':'kafka://local/reports','sink':'service://Reports/render',
                 'options':{'auto.offset.reset':'earliest'}}"""));
        assertThat(subscribed.status()).as(subscribed.text()).isEqualTo(201);
    }
}
