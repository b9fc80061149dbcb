package dev.ferry.fault;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

import dev.ferry.testsupport.FerryProcess;
import dev.ferry.testsupport.HandlerServer.Response;
import dev.ferry.testsupport.TcpProxy;

/**
 * Drives a keyed stream (an exclusive virtual-object handler, many keys, rising sequence numbers per key) through
 * one fault after another against one Ferry in a child JVM, and prints a line of figures per fault to stdout and
 * to {@code target/faults/results.md}. Every fault must lose nothing, keep every key in order and one call at a
 * time, run a record again only if the fault could have lost its answer, and have every key flowing again within
 * the lease (or, for a handler outage, the retry policy's longest wait) plus one poll after the fault ends.
 *
 * <p>Size: {@code -Dferry.faults.records=N} records per fault (default 1200) over {@code -Dferry.faults.keys=K}
 * keys (default 40). The outages keep their stated lengths: 20 s for PostgreSQL and the broker, 60 s for the
 * handler refusing connections.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class FaultSuiteIT {

    private static final int RECORDS = Integer.getInteger("ferry.faults.records", 1200);
    private static final int KEYS = Integer.getInteger("ferry.faults.keys", 40);
    private static final int ROUNDS = Math.max(8, RECORDS / KEYS);
    private static final Duration OUTAGE = Duration.ofSeconds(20);
    private static final Duration REFUSAL = Duration.ofSeconds(60);
    private static final Duration LATENCY = Duration.ofMillis(200);
    private static final Duration RETRY_AFTER = FaultEnvironment.MAX_INTERVAL;
    /** Room on top of each recovery target for a shared two-core machine. */
    private static final Duration MARGIN = Duration.ofSeconds(5);
    private static final Duration LEASE_AND_POLL = FaultEnvironment.LEASE.plus(FaultEnvironment.POLL);
    /** A broker that comes back makes the consumer rejoin its group, which waits out the old member's session. */
    private static final Duration SESSION_AND_POLL = FaultEnvironment.SESSION_TIMEOUT.plus(FaultEnvironment.POLL);
    private static final Duration BACKOFF_AND_POLL = FaultEnvironment.MAX_INTERVAL.plus(FaultEnvironment.POLL);
    /** Rounds of connection cuts, 20 ms apart. */
    private static final int CUTS = 150;
    private static final Path RESULTS = Path.of("target", "faults", "results.md");

    private static final List<String> rows = new CopyOnWriteArrayList<>();
    private static FaultEnvironment environment;
    private static ScheduledExecutorService scheduler;
    /** Runs samples and repeated cuts, apart from {@link #scheduler}, which ends the faults. */
    private static ScheduledExecutorService sampler;

    /** One fault run: the subscription, the stream it carries and, for handler faults, the proxy before the handler. */
    private record Run(String subscription, KeyedStream stream, TcpProxy proxy) implements AutoCloseable {

        @Override
        public void close() {
            stream.close();
            if (proxy != null) {
                proxy.close();
            }
        }
    }

    @BeforeAll
    static void startEnvironment() throws Exception {
        environment = FaultEnvironment.start();
        scheduler = Executors.newSingleThreadScheduledExecutor();
        sampler = Executors.newSingleThreadScheduledExecutor();
    }

    @AfterAll
    static void writeResults() throws Exception {
        scheduler.shutdownNow();
        sampler.shutdownNow();
        if (environment != null) {
            environment.close();
        }
        Files.createDirectories(RESULTS.getParent());
        Files.writeString(RESULTS,
                "%d records per fault over %d keys; lease %ds, poll %dms, retry max interval %ds%n%n%s%n%s%n"
                .formatted(ROUNDS * KEYS, KEYS, FaultEnvironment.LEASE.toSeconds(), FaultEnvironment.POLL.toMillis(),
                        FaultEnvironment.MAX_INTERVAL.toSeconds(), Figures.HEADER, String.join("\n", rows)));
    }

    @Test
    @Order(1)
    void sigkillThreeTimesMidStream() throws Exception {
        environment.ensureFerry();
        try (Run run = open("Sigkill", false)) {
            int quarter = ROUNDS / 4;
            List<Long> restarts = new ArrayList<>();
            List<Integer> inFlight = new ArrayList<>();
            long lostAnswers = 0;
            CompletableFuture<Void> producing = run.stream().produce(quarter);
            for (int kill = 0; kill < 3; kill++) {
                // each kill lands inside a call about half-way through the records produced since the last one
                CompletableFuture<Void> killed = run.stream().atCall((kill * quarter + quarter / 2) * KEYS, () -> {
                    inFlight.add(run.stream().inFlight());
                    environment.ferry().kill();
                });
                await("kill " + (kill + 1)).atMost(Duration.ofMinutes(2)).until(killed::isDone);
                killed.join();
                lostAnswers += unrecordedAnswers(run);
                producing = run.stream().produce(kill == 2 ? ROUNDS - 3 * quarter : quarter);
                environment.startFerry();
                restarts.add(System.nanoTime());
            }
            producing.join();
            Figures figures = finish(run, new Figures.Fault("Ferry SIGKILLed 3 times mid-stream", restarts, lostAnswers,
                    "answers unrecorded at the kills", LEASE_AND_POLL,
                    "calls in flight at the kills " + inFlight + "; recovery counted from each restart's readiness"));
            assertThat(figures.again()).isLessThanOrEqualTo(figures.againBound());
        }
    }

    @Test
    @Order(2)
    void sigtermDuringABurst() throws Exception {
        environment.ensureFerry();
        try (Run run = open("Sigterm", false)) {
            AtomicInteger inFlight = new AtomicInteger();
            AtomicLong stopping = new AtomicLong();
            run.stream().produce(ROUNDS / 2);
            CompletableFuture<Void> terminated = run.stream().atCall(ROUNDS / 4 * KEYS, () -> {
                inFlight.set(run.stream().inFlight());
                stopping.set(System.nanoTime());
                environment.ferry().terminate();
            });
            await("SIGTERM").atMost(Duration.ofMinutes(2)).until(terminated::isDone);
            FerryProcess stopped = environment.ferry();
            boolean exited = stopped.awaitExit(FaultEnvironment.SHUTDOWN_TIMEOUT.plusSeconds(20));
            Duration stopTook = Duration.ofNanos(System.nanoTime() - stopping.get());
            assertThat(exited).as("Ferry exited within its shutdown timeout").isTrue();
            long lostAnswers = unrecordedAnswers(run);
            long callsBeforeExit = run.stream().calls().size();
            CompletableFuture<Void> rest = run.stream().produce(ROUNDS - ROUNDS / 2);
            environment.startFerry();
            long restarted = System.nanoTime();
            rest.join();
            Figures figures = finish(run, new Figures.Fault("SIGTERM during a burst", List.of(restarted), lostAnswers,
                    "answers unrecorded at exit", LEASE_AND_POLL,
                    "%d calls in flight at SIGTERM; exit %d after %.1f s; %d calls before exit"
                            .formatted(inFlight.get(), stopped.exitValue(), stopTook.toMillis() / 1000.0,
                                    callsBeforeExit)));
            assertThat(figures.again()).isLessThanOrEqualTo(figures.againBound());
            assertThat(lostAnswers).as("answers a graceful stop did not record").isZero();
        }
    }

    @Test
    @Order(3)
    void postgresStoppedFor20Seconds() throws Exception {
        environment.ensureFerry();
        try (Run run = open("PgStop", false)) {
            Set<String> atRisk = ConcurrentHashMap.newKeySet();
            FaultWindow window = outage(run, () -> {
                atRisk.addAll(unrecordedAnswersNow(run));
                environment.stopDatabase();
            }, OUTAGE, environment::startDatabase);
            atRisk.addAll(window.answeredDuring(run.stream()));
            Figures figures = finish(run, new Figures.Fault("PostgreSQL stopped 20 s", List.of(window.end()),
                    atRisk.size(), "answers unrecorded at the stop or given during it", LEASE_AND_POLL, ""));
            assertThat(figures.again()).isLessThanOrEqualTo(figures.againBound());
        }
    }

    @Test
    @Order(4)
    void databaseConnectionsTerminatedWhileIngesting() throws Exception {
        environment.ensureFerry();
        try (Run run = open("PgTerminate", false)) {
            Set<String> atRisk = ConcurrentHashMap.newKeySet();
            AtomicInteger terminated = new AtomicInteger();
            AtomicInteger inTransaction = new AtomicInteger();
            AtomicInteger left = new AtomicInteger(CUTS);
            CompletableFuture<Long> lastCut = new CompletableFuture<>();
            AtomicReference<ScheduledFuture<?>> cutting = new AtomicReference<>();
            // records keep arriving, one round every 200 ms, while Ferry's connections are cut
            FaultWindow window = outage(run, () -> {
                atRisk.addAll(unrecordedAnswersNow(run));
                cutting.set(sampler.scheduleAtFixedRate(() -> {
                    // every connection first, then whichever is inside a statement or transaction, 50 times a second
                    int[] cut = environment.terminateFerryBackends(left.get() < CUTS);
                    terminated.addAndGet(cut[0]);
                    inTransaction.addAndGet(cut[1]);
                    if (left.decrementAndGet() == 0) {
                        lastCut.complete(System.nanoTime());
                        cutting.get().cancel(false);
                    }
                }, 0, 20, TimeUnit.MILLISECONDS));
            }, Duration.ZERO, () -> lastCut.join(), 200);
            atRisk.addAll(window.answeredDuring(run.stream()));
            Figures figures = finish(run, new Figures.Fault("Ferry's PostgreSQL connections terminated while ingesting",
                    List.of(window.end()), atRisk.size(),
                    "answers unrecorded at the first cut or given during the cuts",
                    LEASE_AND_POLL,
                    "%d backends terminated in %d rounds 20 ms apart, %d of them inside a statement or transaction"
                            .formatted(terminated.get(), CUTS, inTransaction.get())));
            assertThat(inTransaction.get()).as("connections terminated inside a statement or transaction").isPositive();
            assertThat(figures.again()).isLessThanOrEqualTo(figures.againBound());
        }
    }

    @Test
    @Order(5)
    void brokerStoppedFor20Seconds() throws Exception {
        environment.ensureFerry();
        try (Run run = open("BrokerStop", false)) {
            FaultWindow window = outage(run, environment::stopBroker, OUTAGE, environment::startBroker);
            Figures figures = finish(run, new Figures.Fault("Kafka broker stopped 20 s", List.of(window.end()), 0,
                    "none: Ferry and its database stay up", SESSION_AND_POLL,
                    "target: the consumer's session timeout (6 s) + one poll, as the group waits it out on rejoining"));
            assertThat(figures.again()).isZero();
        }
    }

    @Test
    @Order(6)
    void handlerRefusingConnectionsFor60Seconds() throws Exception {
        environment.ensureFerry();
        try (Run run = open("Refusing", true)) {
            List<long[]> samples = new CopyOnWriteArrayList<>();
            AtomicReference<ScheduledFuture<?>> sampling = new AtomicReference<>();
            Set<String> atRisk = ConcurrentHashMap.newKeySet();
            // connects fail, so count attempts where Ferry counts them: one per claim, in its database
            FaultWindow window = outage(run, () -> {
                run.proxy().refuse();
                // a second on, the calls the cut caught have answered, and none can have run again
                sampler.schedule(() -> atRisk.addAll(unrecordedAnswersNow(run)), 1, TimeUnit.SECONDS);
                sampling.set(sampler.scheduleAtFixedRate(() -> samples.add(new long[] {System.nanoTime(),
                        environment.invocations().attempts(run.subscription())}), 0, 1, TimeUnit.SECONDS));
            }, REFUSAL, () -> {
                sampling.get().cancel(false);
                run.proxy().accept();
            });
            atRisk.addAll(window.answeredDuring(run.stream()));
            Rate rate = Rate.ofSamples(samples, window);
            // backoffs at the cap are jittered evenly between half the max interval and all of it: 3/4 on average
            double bound = KEYS / (0.75 * FaultEnvironment.MAX_INTERVAL.toMillis() / 1000.0);
            Figures figures = finish(run, new Figures.Fault("handler refusing connections 60 s", List.of(window.end()),
                    atRisk.size(), "calls cut when the handler went away", BACKOFF_AND_POLL,
                    ("attempts during the outage: %s (targets: ≤ %.0f/s on average = keys / the mean jittered"
                            + " backoff at the cap, 3/4 of the max interval,"
                            + " ≤ %d in one second = one per key)").formatted(rate, bound, KEYS)));
            assertThat(figures.again()).isLessThanOrEqualTo(figures.againBound());
            rate.assertBounded(bound, KEYS);
        }
    }

    @Test
    @Order(7)
    void handlerAnswering503WithRetryAfterDuringAnOutage() throws Exception {
        environment.ensureFerry();
        try (Run run = open("RetryAfter", false)) {
            Response unavailable = new Response(503, "", Map.of("retry-after", Long.toString(RETRY_AFTER.toSeconds())));
            FaultWindow window = outage(run, () -> run.stream().answerWith(request -> unavailable), OUTAGE,
                    () -> run.stream().answerWith(null));
            List<KeyedStream.Call> calls = run.stream().calls();
            Rate rate = Rate.ofCalls(calls, window, call -> true);
            Duration gap = Rate.shortestRetryGap(calls, window);
            double bound = KEYS / (double) RETRY_AFTER.toSeconds();
            Figures figures = finish(run, new Figures.Fault("handler answering 503 with Retry-After: 2 for 20 s",
                    List.of(window.end()), 0, "none: no call of the outage succeeded", BACKOFF_AND_POLL,
                    ("calls during the outage: %s (targets: ≤ %.0f/s on average = keys / Retry-After,"
                            + " ≤ %d in one second = one per key); shortest retry of a key %d ms")
                            .formatted(rate, bound, KEYS, gap.toMillis())));
            assertThat(figures.again()).isZero();
            rate.assertBounded(bound, KEYS);
            assertThat(gap).as("shortest wait before retrying a key that was answered 503 with Retry-After")
                    .isGreaterThanOrEqualTo(RETRY_AFTER.minusMillis(100));
        }
    }

    @Test
    @Order(8)
    void latencyBetweenFerryAndTheHandler() throws Exception {
        environment.ensureFerry();
        try (Run run = open("Latency", true)) {
            FaultWindow window = outage(run, () -> run.proxy().latency(LATENCY), Duration.ofSeconds(10),
                    () -> run.proxy().latency(Duration.ZERO));
            Rate rate = Rate.ofCalls(run.stream().calls(), new FaultWindow(window.begin() - Rate.RAMP.toNanos(),
                    window.end()), KeyedStream.Call::succeeded);
            Figures figures = finish(run, new Figures.Fault("200 ms latency per chunk each way for 10 s",
                    List.of(window.end()), 0, "none: no call is cut", BACKOFF_AND_POLL,
                    "2xx calls during the latency: " + rate));
            assertThat(figures.again()).isZero();
        }
    }

    /**
     * Runs a fault in the middle of a stream: produces two fifths of it, begins the fault inside the call a fifth
     * of the way through, produces three tenths while the fault lasts {@code length}, ends it, and produces the rest.
     */
    private static FaultWindow outage(Run run, Runnable begin, Duration length, Runnable end) {
        return outage(run, begin, length, end, 10);
    }

    private static FaultWindow outage(Run run, Runnable begin, Duration length, Runnable end, long duringPeriodMillis) {
        KeyedStream stream = run.stream();
        stream.produce(ROUNDS * 2 / 5);
        AtomicLong began = new AtomicLong();
        CompletableFuture<Void> begun = stream.atCall(ROUNDS / 5 * KEYS, () -> {
            began.set(System.nanoTime());
            begin.run();
        });
        await("fault begins").atMost(Duration.ofMinutes(2)).until(begun::isDone);
        begun.join();
        CompletableFuture<Void> during = stream.produce(ROUNDS * 3 / 10, duringPeriodMillis);
        CompletableFuture<Long> ended = new CompletableFuture<>();
        scheduler.schedule(() -> {
            try {
                end.run();
                ended.complete(System.nanoTime());
            } catch (RuntimeException e) {
                ended.completeExceptionally(e);
            }
        }, length.toMillis(), TimeUnit.MILLISECONDS);
        await("fault ends").atMost(length.plusMinutes(2)).until(ended::isDone);
        during.join();
        stream.produce(ROUNDS - ROUNDS * 2 / 5 - ROUNDS * 3 / 10).join();
        return new FaultWindow(began.get(), ended.join());
    }

    private static Run open(String name, boolean throughProxy) throws Exception {
        KeyedStream stream = new KeyedStream(environment.topic(name), KEYS, environment.brokers());
        TcpProxy proxy = throughProxy ? TcpProxy.to(stream.handler.port()) : null;
        String endpoint = proxy == null ? stream.handler.endpoint() : "http://127.0.0.1:" + proxy.port();
        return new Run(environment.subscribe(name, endpoint), stream, proxy);
    }

    /** Waits for every call in flight to answer, then: invocations answered 2xx that Ferry has not completed. */
    private static long unrecordedAnswers(Run run) {
        run.stream().awaitNoCallInFlight();
        return unrecordedAnswersNow(run).size();
    }

    private static Set<String> unrecordedAnswersNow(Run run) {
        Set<String> answered = new HashSet<>(run.stream().answered());
        answered.removeAll(environment.invocations().completedIds(run.subscription()));
        return answered;
    }

    /** Waits until every produced record ran, prints the figures, checks the targets every fault shares. */
    private static Figures finish(Run run, Figures.Fault fault) throws Exception {
        List<KeyedStream.Produced> produced = run.stream().produced();
        Invocations invocations = environment.invocations();
        await(fault.name() + ": every record completed").atMost(Duration.ofMinutes(3))
                .pollInterval(Duration.ofMillis(250))
                .until(() -> invocations.completed(run.subscription()) >= produced.size());
        run.stream().awaitNoCallInFlight();
        Figures figures = Figures.of(fault, produced, invocations.of(run.subscription()), run.stream().calls(),
                run.stream().overlaps());
        System.out.println("FaultSuiteIT " + figures.row());
        rows.add(figures.row());
        assertThat(figures.produced()).as("records produced").isEqualTo(ROUNDS * KEYS);
        assertThat(figures.lost()).as("records lost").isZero();
        assertThat(figures.orderViolations()).as("order violations").isZero();
        assertThat(figures.overlaps()).as("calls of one key that overlapped").isZero();
        assertThat(figures.recovery()).as("time until every key flowed again after the fault")
                .isLessThanOrEqualTo(fault.recoveryBound().plus(MARGIN));
        return figures;
    }
}
