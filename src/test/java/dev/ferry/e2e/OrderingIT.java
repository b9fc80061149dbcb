package dev.ferry.e2e;

import static dev.ferry.testsupport.Api.json;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import dev.ferry.testsupport.Api;
import dev.ferry.testsupport.FerryInstance;
import dev.ferry.testsupport.HandlerServer;
import dev.ferry.testsupport.HandlerServer.Received;
import dev.ferry.testsupport.HandlerServer.Response;
import dev.ferry.testsupport.InvocationTable;
import dev.ferry.testsupport.Records;
import dev.ferry.testsupport.TestInfrastructure;
import dev.ferry.testsupport.Topics;

/**
 * An exclusive virtual-object handler that is slow at random and fails at random must still see each key's
 * records one at a time and in partition order, while different keys run side by side; with two and three Ferry
 * instances on one database too.
 */
class OrderingIT {

    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final int PARTITIONS = 4;

    /** One handler call as the handler saw it. */
    record Call(String key, int seq, String invocationId, boolean succeeded, long startNanos, long endNanos) {
    }

    @Test
    void runsEachKeyOneAtATimeInPartitionOrderWhileKeysRunInParallel() {
        int keys = 100;
        int perKey = 50;
        try (FerryInstance ferry = FerryInstance.start("ordering", Map.of());
             Exclusive handler = new Exclusive()) {
            subscribe(ferry.api(), handler, "ordering");
            long started = System.nanoTime();
            produce("ordering", keys, perKey);

            awaitCompleted(ferry, keys * perKey);
            handler.print("OrderingIT", keys * perKey, Duration.ofNanos(System.nanoTime() - started));
            handler.assertOrderedAndExclusive(keys, perKey, new InvocationTable(ferry.databaseUrl()).all());
        }
    }

    @Test
    void keepsEachKeyExclusiveAndInOrderAcrossTwoInstancesOnOneDatabase() {
        int keys = 40;
        int perKey = 30;
        try (FerryInstance first = FerryInstance.start("ordering_two", Map.of());
             FerryInstance second = FerryInstance.startOn(first.databaseUrl(), Map.of());
             Exclusive handler = new Exclusive()) {
            // registered through one instance; the other finds the subscription on its reconcile timer
            subscribe(first.api(), handler, "ordering-two");
            await().atMost(Duration.ofSeconds(30)).until(() -> second.api().get("/subscriptions").body()
                    .get("subscriptions").size() == 1);
            long started = System.nanoTime();
            produce("ordering-two", keys, perKey);

            awaitCompleted(first, keys * perKey);
            handler.print("OrderingIT (two instances)", keys * perKey, Duration.ofNanos(System.nanoTime() - started));
            handler.assertOrderedAndExclusive(keys, perKey, new InvocationTable(first.databaseUrl()).all());
        }
    }

    /**
     * Three instances on one database take turns on each key without a lock shared by all keys. Runs a few hundred
     * records; {@code -Dferry.ordering.three.per-key} (20 unless set) gives each of the 30 keys more.
     */
    @Test
    void keepsEachKeyExclusiveAndInOrderAcrossThreeInstancesOnOneDatabase() {
        int keys = 30;
        int perKey = Integer.getInteger("ferry.ordering.three.per-key", 20);
        try (FerryInstance first = FerryInstance.start("ordering_three", Map.of());
             FerryInstance second = FerryInstance.startOn(first.databaseUrl(), Map.of());
             FerryInstance third = FerryInstance.startOn(first.databaseUrl(), Map.of());
             Exclusive handler = new Exclusive()) {
            subscribe(first.api(), handler, "ordering-three");
            for (FerryInstance other : List.of(second, third)) {
                await().atMost(Duration.ofSeconds(30)).until(() -> other.api().get("/subscriptions").body()
                        .get("subscriptions").size() == 1);
            }
            long started = System.nanoTime();
            produce("ordering-three", keys, perKey);

            awaitCompleted(first, keys * perKey);
            handler.print("OrderingIT (three instances)", keys * perKey,
                    Duration.ofNanos(System.nanoTime() - started));
            handler.assertOrderedAndExclusive(keys, perKey, new InvocationTable(first.databaseUrl()).all());
        }
    }

    private static void subscribe(Api api, Exclusive handler, String topic) {
        Topics.create(topic, PARTITIONS);
        api.post("/kafka-clusters", json("{'name':'local','properties':{'bootstrap.servers':'%s'}}"
                .formatted(TestInfrastructure.kafka().bootstrapServers())));
        api.post("/services", json("""
                {'name':'Counter','type':'VIRTUAL_OBJECT','endpoint':'%s',
                 'retry_policy':{'initial_interval':'10ms','max_interval':'100ms','max_attempts':0},
                 'handlers':[{'name':'add','type':'EXCLUSIVE'}]}""".formatted(handler.server.endpoint())));
        Api.Reply subscribed = api.post("/subscriptions", json("""
                {'source':'kafka://local/%s','sink':'service://Counter/add',
                 'options':{'auto.offset.reset':'earliest'}}""".formatted(topic)));
        assertThat(subscribed.status()).as(subscribed.text()).isEqualTo(201);
    }

    /** Sends {@code perKey} records for each key, round by round; a key's records share one partition. */
    private static void produce(String topic, int keys, int perKey) {
        try (Records records = new Records(TestInfrastructure.kafka().bootstrapServers())) {
            for (int seq = 0; seq < perKey; seq++) {
                for (int k = 0; k < keys; k++) {
                    records.send(topic, key(k), "{\"key\":\"%s\",\"seq\":%d}".formatted(key(k), seq));
                }
            }
            records.flush();
        }
    }

    private static void awaitCompleted(FerryInstance ferry, int count) {
        InvocationTable invocations = new InvocationTable(ferry.databaseUrl());
        await().atMost(Duration.ofMinutes(3)).pollInterval(Duration.ofMillis(250))
                .until(() -> invocations.count("status = 'completed'") == count);
    }

    private static String key(int k) {
        return "key-" + k;
    }

    /**
     * The exclusive handler: sleeps 0-20 ms, answers 503 to about one call in ten, and notes every call and
     * any call that starts while another of the same key is still running.
     */
    static final class Exclusive implements AutoCloseable {

        final HandlerServer server = HandlerServer.start();
        final List<Call> calls = new CopyOnWriteArrayList<>();
        final List<String> overlaps = new CopyOnWriteArrayList<>();
        final Map<String, AtomicInteger> activeByKey = new ConcurrentHashMap<>();
        final AtomicInteger active = new AtomicInteger();
        final AtomicInteger maxActive = new AtomicInteger();

        Exclusive() {
            server.respondWith(this::respond);
        }

        private Response respond(Received request) {
            JsonNode body = JSON.readTree(request.body());
            String key = body.get("key").asString();
            int seq = body.get("seq").asInt();
            AtomicInteger ofKey = activeByKey.computeIfAbsent(key, k -> new AtomicInteger());
            if (ofKey.incrementAndGet() > 1) {
                overlaps.add(key + "#" + seq);
            }
            maxActive.accumulateAndGet(active.incrementAndGet(), Math::max);
            long start = System.nanoTime();
            ThreadLocalRandom random = ThreadLocalRandom.current();
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(random.nextInt(21)));
            boolean fails = random.nextInt(10) == 0;
            calls.add(new Call(key, seq, request.header("idempotency-key"), !fails, start, System.nanoTime()));
            active.decrementAndGet();
            ofKey.decrementAndGet();
            return fails ? Response.status(503) : Response.ok("{}");
        }

        void print(String what, int records, Duration elapsed) {
            long retries = calls.stream().filter(call -> !call.succeeded()).count();
            System.out.printf("%s: %d records, %d calls, %d retries, max %d calls in flight at once, %d ms%n",
                    what, records, calls.size(), retries, maxActive.get(), elapsed.toMillis());
        }

        void assertOrderedAndExclusive(int keys, int perKey, List<InvocationTable.Row> rows) {
            assertThat(overlaps).as("calls of one key that overlapped in time").isEmpty();
            assertThat(rows).hasSize(keys * perKey).allSatisfy(row -> assertThat(row.succeeded()).isTrue());
            assertThat(rows.stream().mapToInt(InvocationTable.Row::attempts).sum())
                    .as("attempts recorded = calls seen").isEqualTo(calls.size());
            assertThat(calls.stream().filter(Call::succeeded).map(Call::invocationId).distinct().count())
                    .as("invocations called successfully").isEqualTo(keys * perKey);
            assertThat(calls.stream().filter(Call::succeeded).count()).as("successful calls").isEqualTo(keys * perKey);

            Map<String, List<Call>> byKey = calls.stream()
                    .sorted(Comparator.comparingLong(Call::startNanos))
                    .collect(Collectors.groupingBy(Call::key, TreeMap::new, Collectors.toList()));
            List<Integer> inOrder = IntStream.range(0, perKey).boxed().toList();
            assertThat(byKey).hasSize(keys);
            byKey.forEach((key, ofKey) -> {
                Set<Integer> firstSuccesses = new LinkedHashSet<>();
                List<Integer> attempted = new ArrayList<>();
                for (Call call : ofKey) {
                    attempted.add(call.seq());
                    if (call.succeeded()) {
                        firstSuccesses.add(call.seq());
                    }
                }
                assertThat(List.copyOf(firstSuccesses)).as("first successful calls of %s", key).isEqualTo(inOrder);
                assertThat(attempted).as("every call of %s, retries included", key).isSorted();
            });
            assertThat(maxActive.get()).as("calls of different keys in flight at once").isGreaterThan(1);
        }

        @Override
        public void close() {
            server.close();
        }
    }
}
