package dev.ferry.e2e;

import static dev.ferry.e2e.ResultReader.text;
import static dev.ferry.testsupport.Api.json;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Stream;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import dev.ferry.testsupport.Api;
import dev.ferry.testsupport.FerryProcess;
import dev.ferry.testsupport.HandlerServer;
import dev.ferry.testsupport.InvocationTable;
import dev.ferry.testsupport.Records;
import dev.ferry.testsupport.SdkEndpoint;
import dev.ferry.testsupport.TestInfrastructure;
import dev.ferry.testsupport.Topics;

/**
 * A plain HTTP handler that counts balances in its object state (in Java, and in Node without any SDK), over keyed
 * deposits, with Ferry killed by SIGKILL twice mid-stream: every deposit is in its balance exactly once, and the
 * result topic holds exactly one result per record, in record order per key, for a {@code read_committed} reader.
 * {@code -Dferry.crash.records=10000} runs it over more records (a multiple of 100).
 */
class StatefulCrashIT {

    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final int KEYS = 100;
    private static final int RECORDS = Integer.getInteger("ferry.crash.records", 2000);
    private static final int PARTITIONS = 4;

    private final List<FerryProcess> processes = new CopyOnWriteArrayList<>();

    @AfterEach
    void stopProcesses() {
        processes.forEach(FerryProcess::close);
    }

    /** The handlers' languages, {@code -Dferry.crash.languages=java} for one. */
    static Stream<String> languages() {
        return Arrays.stream(System.getProperty("ferry.crash.languages", "java,node").split(","));
    }

    @ParameterizedTest
    @MethodSource("languages")
    void countsEveryDepositOnceAndProducesOneResultPerRecordThroughTwoKills(String language) throws Exception {
        String topic = "stateful-crash-" + language;
        String results = topic + "-results";
        Topics.create(topic, PARTITIONS);
        Topics.create(results, PARTITIONS);
        Path log = Path.of("target", "stateful-crash-it", language + ".log");
        Files.deleteIfExists(log);
        String database = TestInfrastructure.freshDatabase("stateful_crash_" + language);
        InvocationTable invocations = new InvocationTable(database);
        String brokers = TestInfrastructure.kafka().bootstrapServers();
        long started = System.nanoTime();
        try (Handler handler = Handler.of(language); Records records = new Records(brokers)) {
            int perKey = RECORDS / KEYS;
            for (int seq = 0; seq < perKey; seq++) {
                for (int key = 0; key < KEYS; key++) {
                    records.send(topic, "acct-" + key, "{\"amount\":1,\"seq\":%d}".formatted(seq));
                }
            }
            records.flush();

            FerryProcess first = start(database, log);
            setUp(first.api(), handler.endpoint(), brokers, topic, results);
            long atFirstKill = killOnceCompleted(first, invocations, RECORDS / 5);
            FerryProcess second = start(database, log);
            long atSecondKill = killOnceCompleted(second, invocations, RECORDS * 3 / 5);
            FerryProcess third = start(database, log);
            await("every record completed").atMost(Duration.ofMinutes(10)).pollInterval(Duration.ofMillis(500))
                    .until(() -> invocations.count("status = 'completed'") >= RECORDS);

            long sum = 0;
            for (int key = 0; key < KEYS; key++) {
                sum += third.api().get("/services/Ledger/state/acct-" + key).body().path("state").get(0)
                        .path("json").asLong();
            }
            await("outbox drained").atMost(Duration.ofMinutes(2))
                    .until(() -> invocations.count("true") > 0 && outboxDepth(third.api()) == 0);
            List<ConsumerRecord<byte[], byte[]>> committed = ResultReader.readAll(brokers, results,
                    "read_committed", RECORDS, Duration.ofMinutes(3));
            List<ConsumerRecord<byte[], byte[]>> uncommitted = ResultReader.readAll(brokers, results,
                    "read_uncommitted", RECORDS, Duration.ofMinutes(3));
            long failed = invocations.count("completion <> 'success'");
            System.out.printf("""
                    StatefulCrashIT (%s handler): %d records over %d keys, SIGKILL at %d and at %d completed, %d ms
                      invocations not successful  %d
                      sum of balances             %d
                      results, read_committed     %d
                      results, read_uncommitted   %d (aborted by the kills: %d)
                    """, language, RECORDS, KEYS, atFirstKill, atSecondKill,
                    Duration.ofNanos(System.nanoTime() - started).toMillis(), failed, sum, committed.size(),
                    uncommitted.size(), uncommitted.size() - committed.size());

            assertThat(atSecondKill).as("completed at the second kill").isLessThan(RECORDS);
            assertThat(failed).as("invocations that did not succeed").isZero();
            assertThat(sum).as("sum of all balances").isEqualTo(RECORDS);
            assertThat(committed).as("results a read_committed reader sees").hasSize(RECORDS);
            Map<String, List<Long>> seqByKey = new HashMap<>();
            Set<String> ids = new HashSet<>();
            for (ConsumerRecord<byte[], byte[]> result : committed) {
                JsonNode output = JSON.readTree(result.value());
                seqByKey.computeIfAbsent(text(result.key()), k -> new ArrayList<>()).add(output.path("seq").asLong());
                ids.add(ResultReader.header(result, "ferry.invocation.id"));
            }
            assertThat(ids).as("one result per invocation").hasSize(RECORDS);
            List<Long> inOrder = new ArrayList<>();
            for (long seq = 0; seq < perKey; seq++) {
                inOrder.add(seq);
            }
            assertThat(seqByKey).hasSize(KEYS).allSatisfy((key, seqs) -> assertThat(seqs).as(key).isEqualTo(inOrder));
            assertThat(uncommitted.size()).as("a read_uncommitted reader sees aborted results too")
                    .isGreaterThanOrEqualTo(RECORDS);
            third.terminate();
            third.awaitExit(Duration.ofSeconds(30));
        }
    }

    private long killOnceCompleted(FerryProcess ferry, InvocationTable invocations, long completed) {
        await("completions before the kill").atMost(Duration.ofMinutes(5)).pollInterval(Duration.ofMillis(20))
                .until(() -> invocations.count("status = 'completed'") >= completed);
        ferry.kill();
        return invocations.count("status = 'completed'");
    }

    private static long outboxDepth(Api api) {
        return api.get("/actuator/prometheus").text().lines()
                .filter(line -> line.startsWith("ferry_results_outbox ") || line.startsWith("ferry_results_outbox{"))
                .mapToLong(line -> (long) Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1))).findFirst()
                .orElse(-1);
    }

    private FerryProcess start(String database, Path log) {
        FerryProcess process = FerryProcess.launch(database, Map.of("ferry.dispatch.lease", "3s"), log);
        processes.add(process);
        process.awaitReady();
        return process;
    }

    private static void setUp(Api api, String endpoint, String brokers, String topic, String results) {
        assertThat(api.post("/kafka-clusters", json("{'name':'local','properties':{'bootstrap.servers':'%s'}}"
                .formatted(brokers))).status()).isEqualTo(201);
        Api.Reply service = api.post("/services", json("""
                {'name':'Ledger','type':'VIRTUAL_OBJECT','endpoint':'%s','state':'envelope',
                 'handlers':[{'name':'deposit'}]}""".formatted(endpoint)));
        assertThat(service.status()).as(service.text()).isEqualTo(201);
        // a killed consumer leaves the group after the session timeout; keep it short so the restart rejoins fast
        Api.Reply subscribed = api.post("/subscriptions", json("""
                {'source':'kafka://local/%s','sink':'service://Ledger/deposit',
                 'options':{'auto.offset.reset':'earliest','session.timeout.ms':'6000',
                            'heartbeat.interval.ms':'1000','result.topic':'%s'}}""".formatted(topic, results)));
        assertThat(subscribed.status()).as(subscribed.text()).isEqualTo(201);
    }

    /** The counting handler, in Java in this JVM or in Node as a process of its own. */
    private record Handler(String endpoint, AutoCloseable server) implements AutoCloseable {

        static Handler of(String language) {
            if (language.equals("node")) {
                SdkEndpoint node = SdkEndpoint.start("ledger-envelope.mjs", SdkEndpoint.Transport.HTTP1);
                return new Handler(node.uri(), node);
            }
            HandlerServer java = HandlerServer.start().respondWith(CountingHandler::deposit);
            return new Handler(java.endpoint(), java);
        }

        @Override
        public void close() throws Exception {
            server.close();
        }
    }
}
