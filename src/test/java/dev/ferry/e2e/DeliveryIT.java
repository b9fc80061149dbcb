package dev.ferry.e2e;

import static dev.ferry.testsupport.Api.json;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import java.util.stream.Collectors;

import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.internals.RecordHeader;
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

/** A record's whole path: produced to a real broker, stored, delivered to a real HTTP handler. */
class DeliveryIT {

    private static FerryInstance ferry;
    private static Api api;
    private static Records records;

    @BeforeAll
    static void start() {
        ferry = FerryInstance.start("delivery", Map.of());
        api = ferry.api();
        records = new Records(TestInfrastructure.kafka().bootstrapServers());
        api.post("/kafka-clusters", json("{'name':'local','properties':{'bootstrap.servers':'%s'}}"
                .formatted(TestInfrastructure.kafka().bootstrapServers())));
    }

    @AfterAll
    static void stop() {
        records.close();
        ferry.close();
    }

    @Test
    void deliversEveryRecordOnceWithItsCoordinatesAndHeaders() {
        try (HandlerServer handler = HandlerServer.start()) {
            handler.respondWith(request -> HandlerServer.Response.ok("{\"ok\":true}"));
            api.post("/services",
                    json("{'name':'Greeter','type':'SERVICE','endpoint':'%s','handlers':[{'name':'greet'}]}"
                    .formatted(handler.endpoint())));
            String subscription = api.post("/subscriptions", json("""
                    {'source':'kafka://local/greetings','sink':'service://Greeter/greet',
                     'options':{'auto.offset.reset':'earliest'}}""")).body().get("id").asString();

            int count = 50;
            for (int i = 0; i < count; i++) {
                ProducerRecord<byte[], byte[]> record = new ProducerRecord<>("greetings", 0, Records.bytes("k" + i),
                        Records.bytes("{\"n\":" + i + "}"));
                record.headers().add(new RecordHeader("trace-id", Records.bytes("t-" + i)));
                records.send(record);
            }
            records.flush();

            await().atMost(Duration.ofSeconds(60)).until(() -> handler.received().size() >= count);
            Map<String, Received> byBody = handler.received().stream()
                    .collect(Collectors.toMap(Received::bodyText, Function.identity()));
            assertThat(byBody).hasSize(count);

            Received fifth = byBody.get("{\"n\":5}");
            assertThat(fifth.method()).isEqualTo("POST");
            assertThat(fifth.path()).isEqualTo("/Greeter/greet");
            assertThat(fifth.header("content-type")).isEqualTo("application/json");
            assertThat(fifth.header("restate.subscription.id")).isEqualTo(subscription);
            assertThat(fifth.header("kafka.topic")).isEqualTo("greetings");
            assertThat(fifth.header("kafka.partition")).isEqualTo("0");
            assertThat(fifth.header("kafka.offset")).isNotBlank();
            assertThat(Long.parseLong(fifth.header("kafka.timestamp"))).isPositive();
            assertThat(new String(Base64.getDecoder().decode(fifth.header("kafka.key")), StandardCharsets.UTF_8))
                    .isEqualTo("k5");
            assertThat(fifth.header("kafka.header.trace-id")).isEqualTo("t-5");
            assertThat(fifth.header("idempotency-key")).startsWith("inv_");

            await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
                JsonNode listed = api.get("/invocations?subscription=" + subscription + "&limit=1000").body()
                        .get("invocations");
                assertThat(listed.size()).isEqualTo(count);
                assertThat(listed.findValuesAsString("status")).containsOnly("completed");
                assertThat(listed.findValuesAsString("completion")).containsOnly("success");
            });
            JsonNode invocation = api.get("/invocations/" + fifth.header("idempotency-key")).body();
            assertThat(invocation.get("origin").get("subscription_id").asString()).isEqualTo(subscription);
            assertThat(invocation.get("origin").get("offset").asLong())
                    .isEqualTo(Long.parseLong(fifth.header("kafka.offset")));
            assertThat(invocation.get("attempts").asInt()).isEqualTo(1);
            assertThat(invocation.get("target").asString()).isEqualTo("Greeter/greet");
        }
    }

    @Test
    void callsKeyedHandlersAtTheirObjectPathAndRetriesFailures() {
        try (HandlerServer handler = HandlerServer.start()) {
            AtomicInteger calls = new AtomicInteger();
            handler.respondWith(request -> calls.incrementAndGet() <= 2 ? HandlerServer.Response.status(503)
                    : HandlerServer.Response.ok("{}"));
            api.post("/services", json("""
                    {'name':'Account','type':'VIRTUAL_OBJECT','endpoint':'%s',
                     'retry_policy':{'initial_interval':'50ms'},'handlers':[{'name':'deposit'}]}"""
                    .formatted(handler.endpoint())));
            String subscription = api.post("/subscriptions", json("""
                    {'source':'kafka://local/deposits','sink':'service://Account/deposit',
                     'options':{'auto.offset.reset':'earliest'}}""")).body().get("id").asString();

            records.send("deposits", "alice/ü", "{\"amount\":10}");
            records.flush();

            await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> {
                List<JsonNode> listed = api.get("/invocations?subscription=" + subscription).body()
                        .get("invocations").valueStream().toList();
                assertThat(listed).singleElement().satisfies(invocation -> {
                    assertThat(invocation.get("status").asString()).isEqualTo("completed");
                    assertThat(invocation.get("attempts").asInt()).isEqualTo(3);
                    assertThat(invocation.get("key").asString()).isEqualTo("alice/ü");
                });
            });
            assertThat(handler.received()).hasSize(3).allSatisfy(request ->
                    assertThat(request.path()).isEqualTo("/Account/alice%2F%C3%BC/deposit"));
            assertThat(handler.received().stream().map(request -> request.header("idempotency-key")).distinct())
                    .hasSize(1);
        }
    }
}
