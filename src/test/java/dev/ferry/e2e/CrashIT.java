package dev.ferry.e2e;

import static dev.ferry.testsupport.Api.json;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import dev.ferry.testsupport.Api;
import dev.ferry.testsupport.FerryProcess;
import dev.ferry.testsupport.HandlerServer;
import dev.ferry.testsupport.HandlerServer.Response;
import dev.ferry.testsupport.InvocationTable;
import dev.ferry.testsupport.Records;
import dev.ferry.testsupport.TestInfrastructure;
import dev.ferry.testsupport.Topics;

/**
 * Ferry killed with SIGKILL in the middle of a stream, twice, and restarted on the same database: every
 * record still becomes exactly one invocation, runs to success, in partition order per key, and nothing
 * runs again once completed. The kills land inside handler calls, so their answers are lost.
 */
class CrashIT {

    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final String TOPIC = "crash-stream";
    private static final int KEYS = 20;
    private static final int PER_KEY = 100;
    private static final int PARTITIONS = 4;
    /** The first kill comes with this handler call, the second with twice as many. */
    private static final int KILL_AT_CALL = 400;
    /** Offset commits per partition that each kill loses on top of the ones it interrupts. */
    private static final int LOST_COMMITS = 100;
    private static final Path LOG = Path.of("target", "crash-it", "ferry.log");

    /** One handler call as the handler saw it, and whether the handler answered 2xx. */
    record Call(String key, int seq, String invocationId, boolean succeeded, Instant start, long startNanos) {
    }

    /** One record as the broker acknowledged it. */
    record Produced(int partition, long offset) {
    }

    private final List<FerryProcess> processes = new CopyOnWriteArrayList<>();

    @AfterEach
    void stopProcesses() {
        processes.forEach(FerryProcess::close);
    }

    @Test
    void losesNoRecordAndRunsNothingAgainAfterCompletionWhenKilledMidStream() throws Exception {
        String brokers = TestInfrastructure.kafka().bootstrapServers();
        Topics.create(TOPIC, PARTITIONS);
        Files.deleteIfExists(LOG);
        String database = TestInfrastructure.freshDatabase("crash");
        InvocationTable invocations = new InvocationTable(database);

        AtomicReference<FerryProcess> current = new AtomicReference<>();
        CountDownLatch firstKill = new CountDownLatch(1);
        CountDownLatch secondKill = new CountDownLatch(1);
        AtomicInteger callCount = new AtomicInteger();
        List<Call> calls = new CopyOnWriteArrayList<>();
        List<String> overlaps = new CopyOnWriteArrayList<>();
        Map<String, AtomicInteger> activeByKey = new ConcurrentHashMap<>();

        ScheduledExecutorService producer = Executors.newSingleThreadScheduledExecutor();
        long started = System.nanoTime();
        try (HandlerServer handler = HandlerServer.start(); Records records = new Records(brokers)) {
            handler.respondWith(request -> {
                JsonNode body = JSON.readTree(request.body());
                String key = body.get("key").asString();
                AtomicInteger ofKey = activeByKey.computeIfAbsent(key, k -> new AtomicInteger());
                if (ofKey.incrementAndGet() > 1) {
                    overlaps.add(key + "#" + body.get("seq").asInt());
                }
                ThreadLocalRandom random = ThreadLocalRandom.current();
                boolean fails = random.nextInt(20) == 0;
                calls.add(new Call(key, body.get("seq").asInt(), request.header("idempotency-key"), !fails,
                        Instant.now(), System.nanoTime()));
                LockSupport.parkNanos(TimeUnit.MICROSECONDS.toNanos(random.nextInt(5000)));
                int call = callCount.incrementAndGet();
                if (call == KILL_AT_CALL || call == 2 * KILL_AT_CALL) {
                    // killed while this call is in flight: Ferry never learns its outcome
                    current.get().kill();
                    (call == KILL_AT_CALL ? firstKill : secondKill).countDown();
                }
                ofKey.decrementAndGet();
                return fails ? Response.status(503) : Response.ok("{}");
            });

            current.set(start(database));
            current.get().awaitReady();
            String subscription = setUp(current.get().api(), handler, brokers);

            // a steady stream that runs on while Ferry is down and restarting; it holds back its second half
            // until the first kill and its last fifth until the second, so that both kills land mid-stream
            List<Future<RecordMetadata>> sent = new CopyOnWriteArrayList<>();
            AtomicInteger round = new AtomicInteger();
            CountDownLatch allSent = new CountDownLatch(1);
            AtomicReference<Throwable> producerFailure = new AtomicReference<>();
            producer.scheduleAtFixedRate(() -> {
                try {
                    int next = round.get();
                    if (next >= PER_KEY || (next >= PER_KEY / 2 && firstKill.getCount() > 0)
                            || (next >= PER_KEY * 4 / 5 && secondKill.getCount() > 0)) {
                        return;
                    }
                    for (int k = 0; k < KEYS; k++) {
                        sent.add(records.send(new ProducerRecord<>(TOPIC, Records.bytes(key(k)),
                                Records.bytes("{\"key\":\"%s\",\"seq\":%d}".formatted(key(k), next)))));
                    }
                    if (round.incrementAndGet() == PER_KEY) {
                        records.flush();
                        allSent.countDown();
                    }
                } catch (RuntimeException e) {
                    producerFailure.compareAndSet(null, e);
                }
            }, 0, 100, TimeUnit.MILLISECONDS);

            await("first kill").atMost(Duration.ofMinutes(2)).until(() -> firstKill.getCount() == 0);
            int producedAtFirstKill = sent.size();
            long rewoundAtFirstKill = loseRecentCommits(subscription, invocations);
            current.set(start(database));
            current.get().awaitReady();
            await("second kill").atMost(Duration.ofMinutes(2)).until(() -> secondKill.getCount() == 0);
            int producedAtSecondKill = sent.size();
            long rewoundAtSecondKill = loseRecentCommits(subscription, invocations);
            current.set(start(database));
            current.get().awaitReady();
            await("whole stream produced").atMost(Duration.ofMinutes(1))
                    .until(() -> allSent.getCount() == 0 || producerFailure.get() != null);
            assertThat(producerFailure.get()).isNull();
            List<Produced> produced = new ArrayList<>();
            for (Future<RecordMetadata> future : sent) {
                RecordMetadata metadata = future.get(30, TimeUnit.SECONDS);
                produced.add(new Produced(metadata.partition(), metadata.offset()));
            }

            await("every invocation completed").atMost(Duration.ofMinutes(3)).pollInterval(Duration.ofMillis(500))
                    .until(() -> invocations.count("true") >= produced.size()
                            && invocations.count("status <> 'completed'") == 0);
            Duration elapsed = Duration.ofNanos(System.nanoTime() - started);
            current.get().terminate();
            current.get().awaitExit(Duration.ofSeconds(30));

            System.out.printf("CrashIT: records stored but not committed after each kill (polled again on"
                    + " restart): %d, %d%n", rewoundAtFirstKill, rewoundAtSecondKill);
            report(produced, invocations.all(), List.copyOf(calls), overlaps, producedAtFirstKill,
                    producedAtSecondKill, elapsed);
        } finally {
            producer.shutdownNow();
        }
    }

    private void report(List<Produced> produced, List<InvocationTable.Row> rows, List<Call> calls,
            List<String> overlaps, int producedAtFirstKill, int producedAtSecondKill, Duration elapsed) {
        Map<String, InvocationTable.Row> byId = rows.stream()
                .collect(Collectors.toMap(InvocationTable.Row::id, row -> row));
        Map<String, List<InvocationTable.Row>> byCoordinates = rows.stream()
                .collect(Collectors.groupingBy(row -> row.partition() + "@" + row.offset()));
        Set<String> producedCoordinates = produced.stream().map(record -> record.partition() + "@" + record.offset())
                .collect(Collectors.toSet());
        Set<String> calledWithSuccess = calls.stream().filter(Call::succeeded).map(Call::invocationId)
                .collect(Collectors.toSet());

        long duplicates = rows.size() - byCoordinates.size();
        long unknown = byCoordinates.keySet().stream().filter(coordinates -> !producedCoordinates.contains(coordinates))
                .count();
        long notStored = producedCoordinates.stream().filter(coordinates -> !byCoordinates.containsKey(coordinates))
                .count();
        long notSucceeded = rows.stream().filter(row -> !row.succeeded()).count();
        long neverSucceeded = rows.stream().filter(row -> !calledWithSuccess.contains(row.id())).count();
        long losses = notStored + notSucceeded + neverSucceeded;

        // per key, the first successful call of each invocation must come in partition (= production) order
        Map<String, List<Integer>> firstSuccessesByKey = new TreeMap<>();
        Set<String> seen = new HashSet<>();
        calls.stream().filter(Call::succeeded).sorted(Comparator.comparingLong(Call::startNanos)).forEach(call -> {
            if (seen.add(call.invocationId())) {
                firstSuccessesByKey.computeIfAbsent(call.key(), k -> new ArrayList<>()).add(call.seq());
            }
        });
        int orderViolations = 0;
        for (List<Integer> seqs : firstSuccessesByKey.values()) {
            for (int i = 1; i < seqs.size(); i++) {
                if (seqs.get(i) <= seqs.get(i - 1)) {
                    orderViolations++;
                }
            }
        }
        List<Call> afterCompletion = calls.stream().filter(call -> {
            InvocationTable.Row row = byId.get(call.invocationId());
            return row != null && row.completedAt() != null && call.start().isAfter(row.completedAt());
        }).toList();
        long failedCalls = calls.stream().filter(call -> !call.succeeded()).count();
        // an invocation answered 2xx more than once ran again because Ferry never learnt of the first answer
        long rerunAfterSuccess = calls.stream().filter(Call::succeeded)
                .collect(Collectors.groupingBy(Call::invocationId, Collectors.counting()))
                .values().stream().filter(count -> count > 1).count();

        System.out.printf("""
                CrashIT: 2 x SIGKILL (after %d and %d records produced), %d ms
                  records produced       %d
                  invocations created    %d (distinct partition/offset: %d, not from a produced record: %d)
                  duplicates             %d
                  losses                 %d (not stored %d, not completed with success %d, no 2xx call %d)
                  order violations       %d
                  handler calls          %d (%d answered 503; invocations answered 2xx more than once: %d)
                  calls after completion %d
                  overlapping calls/key  %d
                """, producedAtFirstKill, producedAtSecondKill, elapsed.toMillis(), produced.size(), rows.size(),
                byCoordinates.size(), unknown, duplicates, losses, notStored, notSucceeded, neverSucceeded,
                orderViolations, calls.size(), failedCalls, rerunAfterSuccess, afterCompletion.size(), overlaps.size());

        assertThat(produced).hasSize(KEYS * PER_KEY);
        assertThat(producedAtFirstKill).as("records produced before the first kill").isLessThan(produced.size());
        assertThat(producedAtSecondKill).as("records produced before the second kill").isLessThan(produced.size());
        assertThat(rows).as("invocations").hasSize(produced.size());
        assertThat(duplicates).as("duplicate invocations").isZero();
        assertThat(unknown).as("invocations of no produced record").isZero();
        assertThat(losses).as("lost records").isZero();
        assertThat(orderViolations).as("order violations").isZero();
        List<Integer> inOrder = IntStream.range(0, PER_KEY).boxed().toList();
        assertThat(firstSuccessesByKey).hasSize(KEYS).allSatisfy((key, seqs) ->
                assertThat(seqs).as("first successful calls of %s", key).isEqualTo(inOrder));
        assertThat(afterCompletion).as("calls of invocations that had completed").isEmpty();
        assertThat(overlaps).as("calls of one key that overlapped").isEmpty();
        assertThat(rerunAfterSuccess).as("invocations whose answer a kill lost, run again").isPositive();
    }

    private FerryProcess start(String database) {
        FerryProcess process = FerryProcess.launch(database, Map.of("ferry.dispatch.lease", "3s"), LOG);
        processes.add(process);
        return process;
    }

    /**
     * Makes the kill also lose the consumer's most recent offset commits, as a kill between storing a batch
     * and committing it does (a window too short to hit reliably by chance): once the dead member has left
     * the group, moves each partition's committed offset back by up to {@link #LOST_COMMITS} records that
     * are already stored. The next start polls them again, and only enqueue-once keeps them from becoming
     * second invocations.
     *
     * @return how many stored records will be polled again
     */
    private static long loseRecentCommits(String groupId, InvocationTable invocations) throws Exception {
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG,
                TestInfrastructure.kafka().bootstrapServers()))) {
            await("killed consumer gone from its group").atMost(Duration.ofSeconds(60)).until(() -> admin
                    .describeConsumerGroups(List.of(groupId)).describedGroups().get(groupId).get().members().isEmpty());
            Map<Integer, Long> storedUpTo = new TreeMap<>();
            for (InvocationTable.Row row : invocations.all()) {
                storedUpTo.merge(row.partition(), row.offset() + 1, Math::max);
            }
            Map<TopicPartition, OffsetAndMetadata> committed = admin.listConsumerGroupOffsets(groupId)
                    .partitionsToOffsetAndMetadata().get(30, TimeUnit.SECONDS);
            Map<TopicPartition, OffsetAndMetadata> rewound = new HashMap<>();
            long again = 0;
            for (Map.Entry<TopicPartition, OffsetAndMetadata> entry : committed.entrySet()) {
                long commit = entry.getValue().offset();
                long rewind = Math.max(0, commit - LOST_COMMITS);
                rewound.put(entry.getKey(), new OffsetAndMetadata(rewind));
                again += storedUpTo.getOrDefault(entry.getKey().partition(), 0L) - rewind;
            }
            admin.alterConsumerGroupOffsets(groupId, rewound).all().get(30, TimeUnit.SECONDS);
            return again;
        }
    }

    private static String setUp(Api api, HandlerServer handler, String brokers) {
        assertThat(api.post("/kafka-clusters", json("{'name':'local','properties':{'bootstrap.servers':'%s'}}"
                .formatted(brokers))).status()).isEqualTo(201);
        assertThat(api.post("/services", json("""
                {'name':'Inventory','type':'VIRTUAL_OBJECT','endpoint':'%s',
                 'retry_policy':{'initial_interval':'20ms','max_interval':'200ms','max_attempts':0},
                 'handlers':[{'name':'adjust','type':'EXCLUSIVE'}]}""".formatted(handler.endpoint()))).status())
                .isEqualTo(201);
        // a killed consumer leaves the group after the session timeout; keep it short so restarts rejoin fast
        Api.Reply subscribed = api.post("/subscriptions", json("""
                {'source':'kafka://local/%s','sink':'service://Inventory/adjust',
                 'options':{'auto.offset.reset':'earliest','session.timeout.ms':'6000',\
                 'heartbeat.interval.ms':'1000'}}"""
                .formatted(TOPIC)));
        assertThat(subscribed.status()).as(subscribed.text()).isEqualTo(201);
        return subscribed.body().get("id").asString();
    }

    private static String key(int k) {
        return "item-" + k;
    }
}
