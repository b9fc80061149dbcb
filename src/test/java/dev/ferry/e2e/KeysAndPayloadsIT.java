package dev.ferry.e2e;

import static dev.ferry.testsupport.Api.json;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.Map;

import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

import dev.ferry.testsupport.Api;
import dev.ferry.testsupport.FerryInstance;
import dev.ferry.testsupport.HandlerServer;
import dev.ferry.testsupport.HandlerServer.Received;
import dev.ferry.testsupport.Records;
import dev.ferry.testsupport.TestInfrastructure;

/**
 * Records a handler cannot take (no usable key, a value that is not JSON) complete at once as failed and
 * never hold up the records behind them; raw handlers take any bytes, and a null value is an empty body.
 */
class KeysAndPayloadsIT {

    private static FerryInstance ferry;
    private static Api api;
    private static Records records;
    private static HandlerServer handler;

    @BeforeAll
    static void start() {
        String brokers = TestInfrastructure.kafka().bootstrapServers();
        ferry = FerryInstance.start("keys_payloads", Map.of());
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
    void completesRecordsWithoutAUsableKeyAsInvalidKeyAndDeliversTheRecordsBehindThem() {
        register("Cart", "VIRTUAL_OBJECT", "{'name':'add','type':'EXCLUSIVE'}");
        String subscription = subscribe("carts", "Cart/add");
        send("carts", null, "{\"n\":0}");
        send("carts", new byte[] {(byte) 0xff, (byte) 0xfe, 'x'}, Records.bytes("{\"n\":1}"));
        send("carts", "alice", "{\"n\":2}");
        send("carts", null, "{\"n\":3}");
        send("carts", "alice", "{\"n\":4}");
        records.flush();

        List<JsonNode> invocations = awaitCompleted(subscription, 5);
        assertThat(invocations).extracting(invocation -> text(invocation, "failure_reason"))
                .containsExactly("invalid-key", "invalid-key", null, "invalid-key", null);
        assertThat(invocations).extracting(invocation -> invocation.get("completion").asString())
                .containsExactly("failure", "failure", "success", "failure", "success");
        assertThat(invocations.get(0).get("last_failure").asString()).contains("no key");
        assertThat(invocations.get(1).get("last_failure").asString()).contains("UTF-8");
        assertThat(invocations).extracting(invocation -> invocation.get("attempts").asInt())
                .containsExactly(0, 0, 1, 0, 1);
        assertThat(bodiesAt("/Cart/alice/add")).containsExactly("{\"n\":2}", "{\"n\":4}");
    }

    @Test
    void completesValuesThatAreNotJsonAsInvalidPayloadAndDeliversTheRecordsBehindThem() {
        register("Ledger", "VIRTUAL_OBJECT", "{'name':'post','type':'EXCLUSIVE'}");
        String subscription = subscribe("ledger", "Ledger/post");
        send("ledger", "bob", "not json");
        send("ledger", "bob", "{\"n\":1}");
        send("ledger", "bob", "{\"n\":2");
        send("ledger", "bob", "{\"n\":3} {\"n\":4}");
        send("ledger", "bob", "{\"n\":5}");
        records.flush();

        List<JsonNode> invocations = awaitCompleted(subscription, 5);
        assertThat(invocations).extracting(invocation -> text(invocation, "failure_reason"))
                .containsExactly("invalid-payload", null, "invalid-payload", "invalid-payload", null);
        assertThat(invocations).extracting(invocation -> invocation.get("key").asString())
                .containsOnly("bob");
        assertThat(bodiesAt("/Ledger/bob/post")).containsExactly("{\"n\":1}", "{\"n\":5}");
    }

    @Test
    void passesAnyBytesToARawHandlerAsOctetStream() {
        register("Blobs", "SERVICE", "{'name':'store','input':'raw'}");
        String subscription = subscribe("blobs", "Blobs/store");
        byte[] binary = {0x00, (byte) 0xff, '{', '\n', (byte) 0x80, 0x7f};
        send("blobs", null, binary);
        records.flush();

        assertThat(awaitCompleted(subscription, 1)).singleElement()
                .satisfies(invocation -> assertThat(invocation.get("completion").asString()).isEqualTo("success"));
        assertThat(handler.received()).filteredOn(request -> request.path().equals("/Blobs/store")).singleElement()
                .satisfies(request -> {
                    assertThat(request.body()).isEqualTo(binary);
                    assertThat(request.header("content-type")).isEqualTo("application/octet-stream");
                });
    }

    @Test
    void passesANullValueAsAnEmptyBody() {
        register("Pings", "SERVICE", "{'name':'json'},{'name':'raw','input':'raw'}");
        String toJson = subscribe("pings", "Pings/json");
        String toRaw = subscribe("pings", "Pings/raw");
        send("pings", Records.bytes("k"), null);
        records.flush();

        assertThat(awaitCompleted(toJson, 1).getFirst().get("completion").asString()).isEqualTo("success");
        assertThat(awaitCompleted(toRaw, 1).getFirst().get("completion").asString()).isEqualTo("success");
        assertThat(handler.received()).filteredOn(request -> request.path().startsWith("/Pings/")).hasSize(2)
                .allSatisfy(request -> assertThat(request.body()).isEmpty());
    }

    private static void register(String service, String type, String handlers) {
        Api.Reply reply = api.post("/services", json("{'name':'%s','type':'%s','endpoint':'%s','handlers':[%s]}"
                .formatted(service, type, handler.endpoint(), handlers)));
        assertThat(reply.status()).as(reply.text()).isEqualTo(201);
    }

    private static String subscribe(String topic, String sink) {
        Api.Reply reply = api.post("/subscriptions", json("""
                {'source':'kafka://local/%s','sink':'service://%s','options':{'auto.offset.reset':'earliest'}}"""
                .formatted(topic, sink)));
        assertThat(reply.status()).as(reply.text()).isEqualTo(201);
        return reply.body().get("id").asString();
    }

    private static void send(String topic, String key, String value) {
        send(topic, Records.bytes(key), Records.bytes(value));
    }

    private static void send(String topic, byte[] key, byte[] value) {
        records.send(new ProducerRecord<>(topic, 0, key, value));
    }

    /** The subscription's invocations in offset order, once there are {@code count} and all are completed. */
    private static List<JsonNode> awaitCompleted(String subscription, int count) {
        return await().atMost(Duration.ofSeconds(60)).until(() -> {
            List<JsonNode> listed = api.get("/invocations?subscription=" + subscription).body().get("invocations")
                    .valueStream().sorted(Comparator.comparingLong(i -> i.get("origin").get("offset").asLong()))
                    .toList();
            return listed.size() == count
                    && listed.stream().allMatch(i -> i.get("status").asString().equals("completed")) ? listed : null;
        }, listed -> listed != null);
    }

    private static String text(JsonNode node, String field) {
        JsonNode value = node.get(field);
        return value == null || value.isNull() ? null : value.asString();
    }

    private static List<String> bodiesAt(String path) {
        return handler.received().stream().filter(request -> request.path().equals(path)).map(Received::bodyText)
                .toList();
    }
}
