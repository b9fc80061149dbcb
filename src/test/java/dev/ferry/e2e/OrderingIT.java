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
import dev.ferry.testsupport.HandlerServer.Response;
import dev.ferry.testsupport.InvocationTable;
import dev.ferry.testsupport.Records;
import dev.ferry.testsupport.TestInfrastructure;
import dev.ferry.testsupport.Topics;

/**
 * An exclusive virtual-object handler that is slow at random and fails at random must still see each key's
 * records one at a time and in partition order, while different keys run side by side.
 */
class OrderingIT {

    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final int KEYS = 100;
    private static final int PER_KEY = 50;
    private static final int PARTITIONS = 4;

    /** One handler call as the handler saw it. */
    record Call(String key, int seq, String invocationId, boolean succeeded, long startNanos, long endNanos) {
    }

    @Test
    void runsEachKeyOneAtATimeInPartitionOrderWhileKeysRunInParallel() {
        String brokers = TestInfrastructure.kafka().bootstrapServers();
        Topics.create("ordering", PARTITIONS);
        List<Call> calls = new CopyOnWriteArrayList<>();
        List<String> overlaps = new CopyOnWriteArrayList<>();
        Map<String, AtomicInteger> activeByKey = new ConcurrentHashMap<>();
        AtomicInteger active = new AtomicInteger();
        AtomicInteger maxActive = new AtomicInteger();

        try (FerryInstance ferry = FerryInstance.start("ordering", Map.of());
             HandlerServer handler = HandlerServer.start();
             Records records = new Records(brokers)) {
            handler.respondWith(request -> {
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
            });
            Api api = ferry.api();
            api.post("/kafka-clusters", json("{'name':'local','properties':{'bootstrap.servers':'%s'}}"
                    .formatted(brokers)));
            api.post("/services", json("""
                    {'name':'Counter','type':'VIRTUAL_OBJECT','endpoint':'%s',
                     'retry_policy':{'initial_interval':'10ms','max_interval':'100ms','max_attempts':0},
                     'handlers':[{'name':'add','type':'EXCLUSIVE'}]}""".formatted(handler.endpoint())));
            api.post("/subscriptions", json("""
                    {'source':'kafka://local/ordering','sink':'service://Counter/add',
                     'options':{'auto.offset.reset':'earliest'}}"""));

            long started = System.nanoTime();
            for (int seq = 0; seq < PER_KEY; seq++) {
                for (int k = 0; k < KEYS; k++) {
                    records.send("ordering", key(k), "{\"key\":\"%s\",\"seq\":%d}".formatted(key(k), seq));
                }
            }
            records.flush();

            InvocationTable invocations = new InvocationTable(ferry.databaseUrl());
            await().atMost(Duration.ofMinutes(3)).pollInterval(Duration.ofMillis(250))
                    .until(() -> invocations.count("status = 'completed'") == KEYS * PER_KEY);
            Duration elapsed = Duration.ofNanos(System.nanoTime() - started);

            List<InvocationTable.Row> rows = invocations.all();
            long retries = calls.stream().filter(call -> !call.succeeded()).count();
            System.out.printf("OrderingIT: %d records, %d calls, %d retries, max %d calls in flight at once,"
                    + " %d ms%n", KEYS * PER_KEY, calls.size(), retries, maxActive.get(), elapsed.toMillis());

            assertThat(overlaps).as("calls of one key that overlapped in time").isEmpty();
            assertThat(rows).hasSize(KEYS * PER_KEY).allSatisfy(row -> assertThat(row.succeeded()).isTrue());
            assertThat(rows.stream().mapToInt(InvocationTable.Row::attempts).sum())
                    .as("attempts recorded = calls seen").isEqualTo(calls.size());
            assertThat(calls.stream().filter(Call::succeeded).map(Call::invocationId).distinct().count())
                    .as("invocations called successfully").isEqualTo(KEYS * PER_KEY);
            assertThat(calls.stream().filter(Call::succeeded).count()).as("successful calls").isEqualTo(KEYS * PER_KEY);

            Map<String, List<Call>> byKey = calls.stream()
                    .sorted(Comparator.comparingLong(Call::startNanos))
                    .collect(Collectors.groupingBy(Call::key, TreeMap::new, Collectors.toList()));
            List<Integer> inOrder = IntStream.range(0, PER_KEY).boxed().toList();
            assertThat(byKey).hasSize(KEYS);
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
    }

    private static String key(int k) {
        return "key-" + k;
    }
}
