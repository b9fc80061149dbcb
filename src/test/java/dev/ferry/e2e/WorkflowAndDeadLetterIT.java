package dev.ferry.e2e;

import static dev.ferry.testsupport.Api.json;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;

import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.internals.RecordHeader;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

import dev.ferry.testsupport.Api;
import dev.ferry.testsupport.FerryInstance;
import dev.ferry.testsupport.HandlerServer;
import dev.ferry.testsupport.Records;
import dev.ferry.testsupport.TestInfrastructure;

/** Workflow runs happen once per key; failed records go to a dead-letter topic; a subscription's calls are bounded. */
class WorkflowAndDeadLetterIT {

    private static FerryInstance ferry;
    private static Api api;
    private static Records records;
    private static String brokers;

    @BeforeAll
    static void start() {
        brokers = TestInfrastructure.kafka().bootstrapServers();
        ferry = FerryInstance.start("workflow_dlq", Map.of());
        api = ferry.api();
        records = new Records(brokers);
        api.post("/kafka-clusters",
                json("{'name':'local','properties':{'bootstrap.servers':'%s'}}".formatted(brokers)));
    }

    @AfterAll
    static void stop() {
        records.close();
        ferry.close();
    }

    @Test
    void runsAWorkflowOncePerKeyAndRecordsLaterRecordsAsDuplicates() {
        try (HandlerServer handler = HandlerServer.start()) {
            api.post("/services", json("""
                    {'name':'Checkout','type':'WORKFLOW','endpoint':'%s',
                     'handlers':[{'name':'run','type':'WORKFLOW'},{'name':'status','type':'SHARED'}]}"""
                    .formatted(handler.endpoint())));
            String subscription = subscribe("checkouts", "service://Checkout/run", Map.of());

            records.send("checkouts", "order-1", "{\"try\":1}");
            records.send("checkouts", "order-2", "{\"try\":1}");
            records.send("checkouts", "order-1", "{\"try\":2}");
            records.send("checkouts", "order-1", "{\"try\":3}");
            records.flush();

            await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> {
                JsonNode listed = api.get("/invocations?subscription=" + subscription).body().get("invocations");
                assertThat(listed.size()).isEqualTo(4);
                assertThat(listed.findValuesAsString("status")).containsOnly("completed");
            });
            assertThat(handler.received()).extracting(HandlerServer.Received::path)
                    .containsExactlyInAnyOrder("/Checkout/order-1/run", "/Checkout/order-2/run");
            assertThat(handler.received()).filteredOn(request -> request.path().contains("order-1"))
                    .singleElement().extracting(HandlerServer.Received::bodyText).isEqualTo("{\"try\":1}");
            JsonNode duplicates = api.get("/invocations?subscription=" + subscription + "&key=order-1").body()
                    .get("invocations");
            assertThat(duplicates.findValuesAsString("failure_reason"))
                    .containsExactlyInAnyOrder("duplicate", "duplicate");
        }
    }

    @Test
    void publishesTheRecordOfEveryFailedInvocationToTheDeadLetterTopicOnce() {
        String deadLetters = "payments-dlq-" + UUID.randomUUID();
        try (HandlerServer handler = HandlerServer.start()) {
            handler.respondWith(request -> request.bodyText().contains("\"bad\"") ? HandlerServer.Response.status(422)
                    : HandlerServer.Response.ok("{}"));
            api.post("/services",
                    json("{'name':'Payments','type':'SERVICE','endpoint':'%s','handlers':[{'name':'pay'}]}"
                    .formatted(handler.endpoint())));
            String subscription = subscribe("payments", "service://Payments/pay",
                    Map.of("dead-letter.topic", deadLetters));

            ProducerRecord<byte[], byte[]> refused = new ProducerRecord<>("payments", 0, Records.bytes("p1"),
                    Records.bytes("{\"bad\":true}"));
            refused.headers().add(new RecordHeader("origin", Records.bytes("web")));
            records.send(refused);
            records.send(new ProducerRecord<>("payments", 0, Records.bytes("p2"), Records.bytes("{\"ok\":true}")));
            records.send(new ProducerRecord<>("payments", 0, Records.bytes("p3"), Records.bytes("not json")));
            records.flush();

            List<ConsumerRecord<byte[], byte[]>> dead = consume(deadLetters, 2);
            assertThat(dead).extracting(record -> new String(record.key(), StandardCharsets.UTF_8))
                    .containsExactlyInAnyOrder("p1", "p3");
            ConsumerRecord<byte[], byte[]> first = dead.stream()
                    .filter(record -> new String(record.key(), StandardCharsets.UTF_8).equals("p1")).findFirst()
                    .orElseThrow();
            assertThat(new String(first.value(), StandardCharsets.UTF_8)).isEqualTo("{\"bad\":true}");
            assertThat(header(first, "origin")).isEqualTo("web");
            assertThat(header(first, "ferry.failure.reason")).isEqualTo("handler-error");
            assertThat(header(first, "ferry.failure.detail")).contains("HTTP 422");
            assertThat(header(first, "ferry.subscription.id")).isEqualTo(subscription);
            assertThat(header(first, "ferry.original.topic")).isEqualTo("payments");
            assertThat(header(first, "ferry.original.partition")).isEqualTo("0");
            assertThat(header(first, "ferry.original.offset")).isNotBlank();
            ConsumerRecord<byte[], byte[]> third = dead.stream()
                    .filter(record -> new String(record.key(), StandardCharsets.UTF_8).equals("p3")).findFirst()
                    .orElseThrow();
            assertThat(header(third, "ferry.failure.reason")).isEqualTo("invalid-payload");
            assertThat(consume(deadLetters, 2)).as("published once, not again on later passes").hasSize(2);
        }
    }

    @Test
    void boundsTheCallsInFlightOfASubscriptionByItsMaxInFlightOption() {
        AtomicInteger inFlight = new AtomicInteger();
        AtomicInteger maxInFlight = new AtomicInteger();
        try (HandlerServer handler = HandlerServer.start()) {
            handler.respondWith(request -> {
                maxInFlight.accumulateAndGet(inFlight.incrementAndGet(), Math::max);
                LockSupport.parkNanos(Duration.ofMillis(100).toNanos());
                inFlight.decrementAndGet();
                return HandlerServer.Response.ok("{}");
            });
            api.post("/services", json("{'name':'Slow','type':'SERVICE','endpoint':'%s','handlers':[{'name':'work'}]}"
                    .formatted(handler.endpoint())));
            subscribe("slow-work", "service://Slow/work", Map.of("max-in-flight", "3"));
            for (int i = 0; i < 30; i++) {
                records.send("slow-work", null, "{\"n\":" + i + "}");
            }
            records.flush();

            await().atMost(Duration.ofSeconds(60)).until(() -> handler.received().size() >= 30);
            assertThat(maxInFlight.get()).isBetween(2, 3);
        }
    }

    private static String subscribe(String topic, String sink, Map<String, String> extra) {
        StringBuilder options = new StringBuilder("{\"auto.offset.reset\":\"earliest\"");
        extra.forEach((key, value) -> options.append(",\"").append(key).append("\":\"").append(value).append('"'));
        options.append('}');
        var created = api.post("/subscriptions", "{\"source\":\"kafka://local/%s\",\"sink\":\"%s\",\"options\":%s}"
                .formatted(topic, sink, options));
        assertThat(created.status()).as(created.text()).isEqualTo(201);
        return created.body().get("id").asString();
    }

    private static List<ConsumerRecord<byte[], byte[]>> consume(String topic, int expected) {
        List<ConsumerRecord<byte[], byte[]>> consumed = new ArrayList<>();
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, brokers,
                ConsumerConfig.GROUP_ID_CONFIG, "check-" + UUID.randomUUID(),
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest",
                ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class,
                ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class))) {
            consumer.subscribe(List.of(topic));
            await().atMost(Duration.ofSeconds(60)).until(() -> {
                consumer.poll(Duration.ofMillis(200)).forEach(consumed::add);
                return consumed.size() >= expected;
            });
            await().during(Duration.ofSeconds(2)).atMost(Duration.ofSeconds(5)).until(() -> {
                consumer.poll(Duration.ofMillis(200)).forEach(consumed::add);
                return true;
            });
        }
        return consumed;
    }

    private static String header(ConsumerRecord<byte[], byte[]> record, String name) {
        var header = record.headers().lastHeader(name);
        return header == null ? null : new String(header.value(), StandardCharsets.UTF_8);
    }
}
