package dev.ferry.e2e;

import static dev.ferry.testsupport.Api.json;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.boot.convert.DurationStyle;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;

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

    /**
     * The worst case of a stop: every call in flight hangs and never answers. Ferry waits for them against one
     * deadline ({@code ferry.dispatch.shutdown-timeout}, shipped at 10 s), hands them back and exits within the
     * shutdown phase timeout of its application.yml and within what the Helm chart promises (and allows).
     */
    @Test
    void exitsWithinThePhaseTimeoutAndTheChartsPromiseWhenNoCallInFlightEverAnswers() throws Exception {
        String brokers = TestInfrastructure.kafka().bootstrapServers();
        String database = TestInfrastructure.freshDatabase("graceful_stop_hung");
        InvocationTable invocations = new InvocationTable(database);
        Set<String> started = ConcurrentHashMap.newKeySet();
        CountDownLatch never = new CountDownLatch(1);
        int hung = 20;

        try (HandlerServer handler = HandlerServer.start(); Records records = new Records(brokers)) {
            handler.respondWith(request -> {
                started.add(request.header("idempotency-key"));
                try {
                    never.await();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                return Response.ok("{}");
            });
            for (int i = 0; i < hung; i++) {
                records.send("hung", "h" + i, "{\"n\":" + i + "}");
            }
            records.flush();
            FerryProcess ferry = FerryProcess.launch(database, Map.of(), LOG);
            processes.add(ferry);
            ferry.awaitReady();
            setUp(ferry.api(), handler, brokers, "hung");
            await().atMost(Duration.ofSeconds(60)).until(() -> started.size() == hung);

            long stopping = System.nanoTime();
            ferry.terminate();
            boolean exited = ferry.awaitExit(Duration.ofSeconds(60));
            Duration stopTook = Duration.ofNanos(System.nanoTime() - stopping);
            never.countDown();

            Duration phaseTimeout = phaseTimeout();
            Duration promised = chartPromise();
            Duration grace = Duration.ofSeconds(((Number) yaml(Path.of("helm", "ferry", "values.yaml"))
                    .get("terminationGracePeriodSeconds")).longValue());
            System.out.printf("GracefulStopIT: SIGTERM with %d call(s) that never answer: exit after %d ms"
                    + " (phase timeout %s, chart promise %s, grace period %s)%n", hung, stopTook.toMillis(),
                    phaseTimeout, promised, grace);
            assertThat(exited).isTrue();
            assertThat(stopTook).as("waited for the calls until the dispatcher's deadline")
                    .isGreaterThanOrEqualTo(SHUTDOWN_TIMEOUT)
                    .isLessThan(phaseTimeout).isLessThan(promised);
            assertThat(promised).isLessThan(grace);
            assertThat(invocations.count("status = 'running'")).as("handed back").isZero();
            assertThat(invocations.count("status = 'ready'")).isEqualTo(hung);
        } finally {
            never.countDown();
        }
    }

    /** {@code spring.lifecycle.timeout-per-shutdown-phase} as the application ships it. */
    private static Duration phaseTimeout() throws IOException {
        Map<String, Object> application = yaml(Path.of("src", "main", "resources", "application.yml"));
        Object lifecycle = ((Map<?, ?>) ((Map<?, ?>) application.get("spring")).get("lifecycle"))
                .get("timeout-per-shutdown-phase");
        return DurationStyle.detectAndParse(lifecycle.toString());
    }

    /** What the chart's values promise about the time Ferry takes to stop ("for up to 30 s"). */
    private static Duration chartPromise() throws IOException {
        Matcher promise = Pattern.compile("finishes in-flight work for up to (\\d+) s")
                .matcher(Files.readString(Path.of("helm", "ferry", "values.yaml")));
        assertThat(promise.find()).as("the chart states how long a stop takes").isTrue();
        return Duration.ofSeconds(Long.parseLong(promise.group(1)));
    }

    private static Map<String, Object> yaml(Path file) throws IOException {
        return new Yaml(new SafeConstructor(new LoaderOptions())).load(Files.readString(file));
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
        setUp(api, handler, brokers, "reports");
    }

    private static void setUp(Api api, HandlerServer handler, String brokers, String topic) {
        api.post("/kafka-clusters",
                json("{'name':'local','properties':{'bootstrap.servers':'%s'}}".formatted(brokers)));
        api.post("/services", json("{'name':'Reports','type':'SERVICE','endpoint':'%s','handlers':[{'name':'render'}]}"
                .formatted(handler.endpoint())));
        Api.Reply subscribed = api.post("/subscriptions", json("""
                {'source':'kafka://local/%s','sink':'service://Reports/render',
                 'options':{'auto.offset.reset':'earliest'}}""".formatted(topic)));
        assertThat(subscribed.status()).as(subscribed.text()).isEqualTo(201);
    }
}
