package dev.ferry.e2e;

import static dev.ferry.testsupport.Api.json;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

import dev.ferry.testsupport.Api;
import dev.ferry.testsupport.FerryInstance;
import dev.ferry.testsupport.HandlerServer;
import dev.ferry.testsupport.Records;
import dev.ferry.testsupport.TestInfrastructure;
import dev.ferry.testsupport.Topics;

/**
 * The record shapes that once stalled a whole subscription (a key with a NUL byte, a key over the index limit,
 * a timestamp in year 10000) among good records on four partitions: every good record is delivered, the bad
 * keys complete as failed with a reason, the year-10000 record reaches its handler with its raw timestamp,
 * the consumer stays running and its lag, measured against the group's committed offsets, returns to 0.
 */
class PoisonRecordsIT {

    private static final long YEAR_10000 = 253_402_300_800_000L;

    private static FerryInstance ferry;
    private static Api api;
    private static Records records;
    private static HandlerServer handler;

    @BeforeAll
    static void start() {
        String brokers = TestInfrastructure.kafka().bootstrapServers();
        ferry = FerryInstance.start("poison_records", Map.of());
        api = ferry.api();
        records = new Records(brokers);
        handler = HandlerServer.start();
        api.post("/kafka-clusters",
                json("{'name':'local','properties':{'bootstrap.servers':'%s'}}".formatted(brokers)));
    }

    @AfterAll
    static void stop() {
        handler.close();
        records.close();
        ferry.close();
    }

    @Test
    void deliversEveryGoodRecordAroundKeysAndTimestampsPostgresqlCannotTake() {
        Topics.create("vaults", 4, Map.of("message.timestamp.after.max.ms", Long.toString(Long.MAX_VALUE)));
        Api.Reply registered = api.post("/services", json("""
                {'name':'Vault','type':'VIRTUAL_OBJECT','endpoint':'%s',\
                'handlers':[{'name':'put','type':'EXCLUSIVE'}]}"""
                .formatted(handler.endpoint())));
        assertThat(registered.status()).as(registered.text()).isEqualTo(201);
        Api.Reply subscribed = api.post("/subscriptions", json("""
                {'source':'kafka://local/vaults','sink':'service://Vault/put',\
                'options':{'auto.offset.reset':'earliest'}}"""));
        assertThat(subscribed.status()).as(subscribed.text()).isEqualTo(201);
        String subscription = subscribed.body().get("id").asString();

        List<String> good = new ArrayList<>();
        for (int i = 0; i < 40; i++) {
            String value = "{\"n\":%d}".formatted(i);
            good.add(value);
            records.send(new ProducerRecord<>("vaults", i % 4, Records.bytes("key-" + i % 8), Records.bytes(value)));
            if (i == 5) {
                records.send(new ProducerRecord<>("vaults", 0, Records.bytes("a\0b"),
                        Records.bytes("{\"bad\":\"nul\"}")));
            }
            if (i == 17) {
                records.send(new ProducerRecord<>("vaults", 1, Records.bytes("k".repeat(3000)),
                        Records.bytes("{\"bad\":\"long\"}")));
            }
            if (i == 26) {
                records.send(new ProducerRecord<>("vaults", 2, YEAR_10000, Records.bytes("future"),
                        Records.bytes("{\"year\":10000}")));
            }
        }
        records.flush();

        List<JsonNode> invocations = await().atMost(Duration.ofSeconds(60)).until(() -> {
            List<JsonNode> listed = api.get("/invocations?subscription=" + subscription + "&limit=100").body()
                    .get("invocations").valueStream().toList();
            return listed.size() == 43 && listed.stream().allMatch(i -> i.get("status").asString().equals("completed"))
                    ? listed : null;
        }, listed -> listed != null);

        Map<String, List<JsonNode>> byCompletion = invocations.stream()
                .collect(Collectors.groupingBy(invocation -> invocation.get("completion").asString()));
        assertThat(byCompletion.get("success")).hasSize(41);
        assertThat(byCompletion.get("failure")).hasSize(2).allSatisfy(failed ->
                assertThat(failed.get("failure_reason").asString()).isEqualTo("invalid-key"));
        assertThat(byCompletion.get("failure")).extracting(failed -> failed.get("last_failure").asString())
                .anySatisfy(reason -> assertThat(reason).contains("NUL character"))
                .anySatisfy(reason -> assertThat(reason).contains("3000 bytes long; at most 1024"));
        assertThat(handler.received()).filteredOn(request -> request.path().startsWith("/Vault/key-"))
                .extracting(HandlerServer.Received::bodyText).containsExactlyInAnyOrderElementsOf(good);
        assertThat(handler.received()).filteredOn(request -> request.path().equals("/Vault/future/put"))
                .singleElement().satisfies(request ->
                        assertThat(request.header("kafka.timestamp")).isEqualTo(Long.toString(YEAR_10000)));

        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
            List<String> lags = api.get("/actuator/prometheus").text().lines()
                    .filter(line -> line.startsWith("ferry_consumer_lag{") && line.contains(subscription)).toList();
            assertThat(lags).hasSize(4).allSatisfy(line -> assertThat(line).endsWith(" 0.0"));
        });
        JsonNode consumer = api.get("/subscriptions/" + subscription).body().get("consumer");
        assertThat(consumer.get("state").asString()).isEqualTo("running");
        assertThat(consumer.get("partitions").valueStream().map(JsonNode::asString))
                .containsExactlyInAnyOrder("vaults-0", "vaults-1", "vaults-2", "vaults-3");
    }
}
