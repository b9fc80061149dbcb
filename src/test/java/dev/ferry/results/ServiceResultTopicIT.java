package dev.ferry.results;

import static dev.ferry.testsupport.Api.json;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

import dev.ferry.testsupport.Api;
import dev.ferry.testsupport.Api.Reply;
import dev.ferry.testsupport.FerryInstance;
import dev.ferry.testsupport.HandlerServer;
import dev.ferry.testsupport.TestInfrastructure;
import dev.ferry.testsupport.Topics;

/**
 * A service's {@code result_topic}: the successful outputs of invocations started through {@code /call} and
 * {@code /send} are produced once each to it, keyed by the object key; a service without one produces nothing; bad
 * settings are refused with what to fix, and a cluster holding a service's result topic is not deleted.
 */
class ServiceResultTopicIT {

    private static FerryInstance ferry;
    private static Api api;
    private static String brokers;

    @BeforeAll
    static void start() {
        brokers = TestInfrastructure.kafka().bootstrapServers();
        ferry = FerryInstance.start("service_result_topic", Map.of());
        api = ferry.api();
        api.post("/kafka-clusters",
                json("{'name':'local','properties':{'bootstrap.servers':'%s'}}".formatted(brokers)));
    }

    @AfterAll
    static void stop() {
        ferry.close();
    }

    @Test
    void producesEachRpcOutputOnceKeyedByTheObjectKey() {
        String topic = "rpc-results-" + UUID.randomUUID();
        Topics.create(topic, 1);
        try (HandlerServer handler = HandlerServer.start()) {
            handler.respondWith(request -> HandlerServer.Response.ok("{\"echo\":" + request.bodyText() + "}"));
            Reply registered = api.post("/services", json("""
                    {'name':'Accounts','type':'VIRTUAL_OBJECT','endpoint':'%s','handlers':[{'name':'deposit'}],
                     'result_topic':'kafka://local/%s'}""".formatted(handler.endpoint(), topic)));
            assertThat(registered.status()).as(registered.text()).isEqualTo(201);
            assertThat(registered.body().get("result_topic").asString()).isEqualTo("kafka://local/" + topic);
            assertThat(api.post("/services", json("{'name':'Quiet','type':'SERVICE','endpoint':'%s',"
                    .formatted(handler.endpoint()) + "'handlers':[{'name':'ping'}]}")).status()).isEqualTo(201);

            Reply quiet = api.post("/call/Quiet/ping", "{\"n\":0}");
            assertThat(quiet.status()).as(quiet.text()).isEqualTo(200);
            Reply first = api.post("/call/Accounts/acct-1/deposit", "{\"n\":1}");
            Reply second = api.post("/call/Accounts/acct-2/deposit", "{\"n\":2}");
            Reply sent = api.post("/send/Accounts/acct-1/deposit", "{\"n\":3}");
            assertThat(first.status()).as(first.text()).isEqualTo(200);
            assertThat(second.status()).as(second.text()).isEqualTo(200);
            assertThat(sent.status()).as(sent.text()).isEqualTo(202);

            List<ConsumerRecord<byte[], byte[]>> results = read(topic, 3);
            assertThat(results).extracting(ServiceResultTopicIT::invocationId).containsExactlyInAnyOrder(
                    invocationId(first), invocationId(second), sent.body().get("invocation_id").asString());
            assertThat(results).extracting(ServiceResultTopicIT::invocationId).doesNotContain(invocationId(quiet));
            for (ConsumerRecord<byte[], byte[]> result : results) {
                String value = text(result.value());
                String key = text(result.key());
                assertThat(value).startsWith("{\"echo\":{\"n\":");
                assertThat(key).isEqualTo(value.contains("\"n\":2") ? "acct-2" : "acct-1");
                assertThat(text(result.headers().lastHeader("content-type").value())).isEqualTo("application/json");
                assertThat(result.headers().toArray()).extracting(Header::key)
                        .containsExactlyInAnyOrder("ferry.invocation.id", "content-type");
            }
        }
    }

    @Test
    void refusesBadSettingsWithWhatToFix() {
        assertThat(badRegistration("results")).contains("kafka://CLUSTER/TOPIC");
        assertThat(badRegistration("kafka://nowhere/results")).contains("cluster 'nowhere'")
                .contains("not registered");
        assertThat(badRegistration("kafka://local/__consumer_offsets")).contains("internal to Kafka");
        assertThat(badRegistration("kafka://local/bad topic")).contains("not a valid Kafka topic name");
        assertThat(api.get("/services/Bad").status()).isEqualTo(404);

        assertThat(api.post("/services", json("{'name':'Changing','type':'SERVICE','endpoint':'http://127.0.0.1:9',"
                + "'handlers':[{'name':'h'}]}")).status()).isEqualTo(201);
        Reply refused = api.patch("/services/Changing", json("{'result_topic':'kafka://nowhere/results'}"));
        assertThat(refused.status()).as(refused.text()).isEqualTo(400);
        assertThat(refused.body().get("detail").asString()).contains("POST /kafka-clusters");
        assertThat(api.get("/services/Changing").body().has("result_topic")).isFalse();
        Reply set = api.patch("/services/Changing", json("{'result_topic':'kafka://local/changed'}"));
        assertThat(set.status()).as(set.text()).isEqualTo(200);
        assertThat(set.body().get("result_topic").asString()).isEqualTo("kafka://local/changed");
        Reply untouched = api.patch("/services/Changing", json("{'timeout':'5s'}"));
        assertThat(untouched.body().get("result_topic").asString()).isEqualTo("kafka://local/changed");
        Reply cleared = api.patch("/services/Changing", json("{'result_topic':''}"));
        assertThat(cleared.status()).as(cleared.text()).isEqualTo(200);
        assertThat(cleared.body().has("result_topic")).isFalse();
        JsonNode schemas = api.get("/v3/api-docs").body().path("components").path("schemas");
        for (String schema : List.of("RegisterServiceRequest", "UpdateServiceRequest", "ServiceView")) {
            assertThat(schemas.path(schema).path("properties").path("result_topic").path("description").asString())
                    .as(schema).contains("kafka://CLUSTER/TOPIC").contains("/call or /send");
        }
    }

    @Test
    void keepsAClusterThatHoldsAServiceResultTopic() {
        api.post("/kafka-clusters",
                json("{'name':'audit','properties':{'bootstrap.servers':'%s'}}".formatted(brokers)));
        assertThat(api.post("/services", json("{'name':'Audited','type':'SERVICE','endpoint':'http://127.0.0.1:9',"
                + "'handlers':[{'name':'h'}],'result_topic':'kafka://audit/trail'}")).status()).isEqualTo(201);

        Reply refused = api.delete("/kafka-clusters/audit");
        assertThat(refused.status()).as(refused.text()).isEqualTo(409);
        assertThat(refused.body().get("detail").asString()).contains("Audited").contains("result_topic");
        assertThat(api.delete("/kafka-clusters/audit?force=true").status()).isEqualTo(409);

        assertThat(api.patch("/services/Audited", json("{'result_topic':''}")).status()).isEqualTo(200);
        assertThat(api.delete("/kafka-clusters/audit").status()).isEqualTo(202);
    }

    private static String badRegistration(String resultTopic) {
        Reply reply = api.post("/services", json("{'name':'Bad','type':'SERVICE','endpoint':'http://127.0.0.1:9',"
                + "'handlers':[{'name':'h'}],'result_topic':'%s'}".formatted(resultTopic)));
        assertThat(reply.status()).as(reply.text()).isEqualTo(400);
        return reply.body().get("detail").asString();
    }

    private static String invocationId(Reply reply) {
        return reply.headers().firstValue("x-ferry-invocation-id").orElseThrow();
    }

    private static String invocationId(ConsumerRecord<byte[], byte[]> record) {
        return text(record.headers().lastHeader("ferry.invocation.id").value());
    }

    private static String text(byte[] bytes) {
        return bytes == null ? null : new String(bytes, StandardCharsets.UTF_8);
    }

    /**
     * What a {@code read_committed} reader finds on {@code topic} once it saw {@code expected} records and reached
     * the end: a result produced twice would be there twice.
     */
    private static List<ConsumerRecord<byte[], byte[]>> read(String topic, int expected) {
        List<ConsumerRecord<byte[], byte[]>> records = new ArrayList<>();
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, brokers, ConsumerConfig.ISOLATION_LEVEL_CONFIG,
                "read_committed", ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class,
                ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class))) {
            TopicPartition partition = new TopicPartition(topic, 0);
            consumer.assign(List.of(partition));
            consumer.seekToBeginning(List.of(partition));
            await().atMost(Duration.ofSeconds(90)).until(() -> {
                consumer.poll(Duration.ofMillis(200)).forEach(records::add);
                return records.size() >= expected
                        && consumer.position(partition) >= consumer.endOffsets(List.of(partition)).get(partition);
            });
        }
        return records;
    }
}
