package dev.ferry.e2e;

import static dev.ferry.e2e.ResultReader.header;
import static dev.ferry.e2e.ResultReader.text;
import static dev.ferry.testsupport.Api.json;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import dev.ferry.testsupport.Api;
import dev.ferry.testsupport.FerryInstance;
import dev.ferry.testsupport.HandlerServer;
import dev.ferry.testsupport.Records;
import dev.ferry.testsupport.TestInfrastructure;
import dev.ferry.testsupport.Topics;

/**
 * Plain HTTP handlers that keep object state through the envelope, results produced to a result topic, and the
 * operator's view of object state.
 */
class StatefulHandlersIT {

    private static final JsonMapper JSON = JsonMapper.builder().build();

    private static FerryInstance ferry;
    private static Api api;
    private static Records records;
    private static String brokers;

    @BeforeAll
    static void start() {
        brokers = TestInfrastructure.kafka().bootstrapServers();
        ferry = FerryInstance.start("stateful", Map.of("ferry.state.max-size", "1KB"));
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
    void keepsEachAccountsBalanceAndProducesOneResultPerRecordInKeyOrder() {
        String topic = "deposits-" + UUID.randomUUID();
        String results = topic + "-results";
        Topics.create(topic, 3);
        Topics.create(results, 3);
        int keys = 10;
        int perKey = 20;
        try (HandlerServer handler = HandlerServer.start()) {
            handler.respondWith(CountingHandler::deposit);
            assertThat(api.post("/services", json("""
                    {'name':'Ledger','type':'VIRTUAL_OBJECT','endpoint':'%s','state':'envelope',
                     'handlers':[{'name':'deposit'}]}""".formatted(handler.endpoint()))).status()).isEqualTo(201);
            String subscription = subscribe(topic, "service://Ledger/deposit", Map.of("result.topic", results));
            for (int seq = 0; seq < perKey; seq++) {
                for (int key = 0; key < keys; key++) {
                    records.send(topic, "acct-" + key, "{\"amount\":%d,\"seq\":%d}".formatted(key + 1, seq));
                }
            }
            records.flush();

            await().atMost(Duration.ofSeconds(90)).untilAsserted(() -> assertThat(api.get(
                    "/invocations/counts?subscription=" + subscription).body().path("counts").path("completed")
                    .asLong()).as(() -> api.get("/invocations?subscription=" + subscription + "&limit=2").text())
                    .isEqualTo(keys * perKey));
            for (int key = 0; key < keys; key++) {
                JsonNode state = api.get("/services/Ledger/state/acct-" + key).body();
                assertThat(state.path("state").get(0).path("json").asLong()).isEqualTo((long) (key + 1) * perKey);
            }
            assertThat(handler.received().getFirst().header("content-type"))
                    .isEqualTo("application/vnd.ferry.object+json");

            List<ConsumerRecord<byte[], byte[]>> produced = ResultReader.readAll(brokers, results, "read_committed",
                    keys * perKey, Duration.ofSeconds(60));
            assertThat(produced).hasSize(keys * perKey);
            Map<String, List<Long>> seqByKey = new HashMap<>();
            for (ConsumerRecord<byte[], byte[]> result : produced) {
                JsonNode output = JSON.readTree(result.value());
                assertThat(output.path("account").asString()).isEqualTo(text(result.key()));
                seqByKey.computeIfAbsent(text(result.key()), k -> new ArrayList<>()).add(output.path("seq").asLong());
            }
            List<Long> inOrder = new ArrayList<>();
            for (long seq = 0; seq < perKey; seq++) {
                inOrder.add(seq);
            }
            assertThat(seqByKey).hasSize(keys).allSatisfy((key, seqs) -> assertThat(seqs).isEqualTo(inOrder));
            ConsumerRecord<byte[], byte[]> first = produced.getFirst();
            assertThat(header(first, "ferry.invocation.id")).startsWith("inv_");
            assertThat(header(first, "ferry.subscription.id")).isEqualTo(subscription);
            assertThat(header(first, "ferry.source.topic")).isEqualTo(topic);
            assertThat(header(first, "ferry.source.partition")).isEqualTo(Integer.toString(first.partition()));
            assertThat(header(first, "ferry.source.offset")).isNotBlank();
            assertThat(header(first, "content-type")).isEqualTo("application/json");

            JsonNode listed = api.get("/services/Ledger/state?limit=4").body();
            assertThat(listed.path("objects").findValuesAsString("key"))
                    .containsExactly("acct-0", "acct-1", "acct-2", "acct-3");
            assertThat(listed.path("objects").get(0).path("state_keys").asInt()).isEqualTo(1);
            JsonNode next = api.get("/services/Ledger/state?limit=4&cursor=" + listed.path("next_cursor").asString())
                    .body();
            assertThat(next.path("objects").findValuesAsString("key"))
                    .containsExactly("acct-4", "acct-5", "acct-6", "acct-7");
        }
    }

    @Test
    void failsBadAnswersWithAReasonThatSaysWhatWasWrong() {
        String topic = "bad-answers-" + UUID.randomUUID();
        Topics.create(topic, 1);
        try (HandlerServer handler = HandlerServer.start()) {
            handler.respondWith(request -> {
                String body = request.bodyText();
                if (request.path().endsWith("/peek")) {
                    return HandlerServer.Response.ok("{\"output\":1,\"state\":{\"set\":{\"seen\":true}}}");
                }
                if (body.contains("\"missing\"")) {
                    return HandlerServer.Response.ok("{\"result\":1}");
                }
                if (body.contains("\"garbage\"")) {
                    return HandlerServer.Response.ok("not json at all");
                }
                if (body.contains("\"large\"")) {
                    return HandlerServer.Response.ok("{\"output\":null,\"state\":{\"set\":{\"blob\":\"%s\"}}}"
                            .formatted("x".repeat(2000)));
                }
                return HandlerServer.Response.ok("{\"output\":{\"ok\":true},\"state\":{\"set\":{\"n\":1}}}");
            });
            api.post("/services", json("""
                    {'name':'Picky','type':'VIRTUAL_OBJECT','endpoint':'%s',
                     'handlers':[{'name':'take','state':'envelope'},{'name':'peek','type':'SHARED','state':'envelope'},
                                 {'name':'plain'}]}""".formatted(handler.endpoint())));
            String take = subscribe(topic, "service://Picky/take", Map.of());
            records.send(topic, "missing", "{\"case\":\"missing\"}");
            records.send(topic, "garbage", "{\"case\":\"garbage\"}");
            records.send(topic, "large", "{\"case\":\"large\"}");
            records.send(topic, "fine", "{\"case\":\"fine\"}");
            records.flush();
            Api.Reply peek = api.post("/call/Picky/fine/peek", "{}");

            await().atMost(Duration.ofSeconds(60)).until(() -> api.get("/invocations/counts?subscription=" + take)
                    .body().path("counts").path("completed").asLong() == 4);
            assertThat(failure("missing")).isEqualTo("handler-error: malformed state envelope answer: it has an"
                    + " unknown field 'result'; an answer holds 'output' and 'state'");
            assertThat(failure("garbage")).startsWith("handler-error: malformed state envelope answer: the body is"
                    + " not JSON: not json at all");
            assertThat(failure("large")).startsWith("state-too-large: state-too-large: value 'blob' holds 2002 bytes")
                    .contains("ferry.state.max-size (1024 bytes)");
            assertThat(api.get("/services/Picky/state/large").body().path("state")).isEmpty();
            assertThat(api.get("/services/Picky/state/fine").body().path("state").get(0).path("key").asString())
                    .isEqualTo("n");
            assertThat(peek.text()).contains("a shared handler reads the object's state but may not change it");
            assertThat(api.get("/services/Picky/state/fine").body().path("state")).hasSize(1);
            assertThat(api.get("/services/Picky").body().path("handlers").findValuesAsString("state"))
                    .containsExactly("envelope", "envelope");
            JsonNode schemas = api.get("/v3/api-docs").body().path("components").path("schemas");
            assertThat(schemas.path("StateEnvelopeRequest").path("properties").has("state")).isTrue();
            assertThat(schemas.path("StateEnvelopeAnswer").path("required").get(0).asString()).isEqualTo("output");
        }
    }

    @Test
    void refusesAStateWithoutOutputAndRegistrationsThatCannotKeepState() {
        try (HandlerServer handler = HandlerServer.start()) {
            handler.respondWith(request -> HandlerServer.Response.ok("{\"state\":{\"set\":{\"n\":1}}}"));
            api.post("/services", json("""
                    {'name':'NoOutput','type':'VIRTUAL_OBJECT','endpoint':'%s','state':'envelope',
                     'handlers':[{'name':'run'}]}""".formatted(handler.endpoint())));
            Api.Reply answer = api.post("/call/NoOutput/k/run", "{}");
            assertThat(answer.text()).contains("it has no 'output' (answer {\\\"output\\\": null} for none)");
            assertThat(api.get("/services/NoOutput/state/k").body().path("state")).isEmpty();

            Api.Reply service = api.post("/services", json("""
                    {'name':'Stateless','type':'SERVICE','endpoint':'%s','state':'envelope',
                     'handlers':[{'name':'run'}]}""".formatted(handler.endpoint())));
            assertThat(service.status()).isEqualTo(400);
            assertThat(service.text()).contains("Only a VIRTUAL_OBJECT keeps object state");
            Api.Reply unknown = api.post("/services", json("""
                    {'name':'Odd','type':'VIRTUAL_OBJECT','endpoint':'%s','handlers':[{'name':'run','state':'memo'}]}"""
                    .formatted(handler.endpoint())));
            assertThat(unknown.text()).contains("State 'memo' is not known: use \\\"envelope\\\"");
        }
    }

    @Test
    void operatorsReplaceAndClearStateButNotWhileAnExclusiveInvocationOfTheObjectRuns() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        try (HandlerServer handler = HandlerServer.start()) {
            handler.respondWith(request -> {
                try {
                    release.await(60, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                return CountingHandler.deposit(request);
            });
            api.post("/services", json("""
                    {'name':'Vault','type':'VIRTUAL_OBJECT','endpoint':'%s','state':'envelope',
                     'handlers':[{'name':'deposit'}]}""".formatted(handler.endpoint())));
            Api.Reply put = api.put("/services/Vault/state/v1", json("{'state':{'balance':100,'owner':'ann'}}"));
            assertThat(put.status()).as(put.text()).isEqualTo(200);
            assertThat(put.body().path("state").findValuesAsString("key")).containsExactly("balance", "owner");
            api.put("/services/Vault/state/v1?merge=true", json("{'state':{'note':'vip'}}"));
            assertThat(api.get("/services/Vault/state/v1").body().path("state")).hasSize(3);
            assertThat(api.delete("/services/Vault/state/v1?name=note").status()).isEqualTo(204);
            assertThat(api.get("/services/Vault/state/v1").body().path("state")).hasSize(2);
            assertThat(api.put("/services/Vault/state/v1", json("{'state':{'blob':'%s'}}".formatted("x".repeat(2000))))
                    .text()).contains("more than ferry.state.max-size");

            api.post("/send/Vault/v1/deposit", "{\"amount\":5,\"seq\":0}");
            await().atMost(Duration.ofSeconds(30)).until(() -> !handler.received().isEmpty());
            Api.Reply busy = api.put("/services/Vault/state/v1", json("{'state':{'balance':0}}"));
            assertThat(busy.status()).isEqualTo(409);
            assertThat(busy.body().path("type").asString()).endsWith("object-state-busy");
            assertThat(api.delete("/services/Vault/state/v1").status()).isEqualTo(409);
            release.countDown();

            await().atMost(Duration.ofSeconds(30)).until(() -> api.get("/services/Vault/state/v1").body()
                    .path("state").get(0).path("json").asLong() == 105);
            await().atMost(Duration.ofSeconds(30)).until(() -> api.delete("/services/Vault/state/v1").status() == 204);
            assertThat(api.get("/services/Vault/state/v1").body().path("state")).isEmpty();
            assertThat(api.get("/services/Nothing/state").status()).isEqualTo(404);
        }
    }

    private static String failure(String key) {
        JsonNode invocation = api.get("/invocations?service=Picky&key=" + key).body().path("invocations").get(0);
        return invocation.path("failure_reason").asString() + ": " + invocation.path("last_failure").asString();
    }

    private static String subscribe(String topic, String sink, Map<String, String> given) {
        Map<String, String> options = new HashMap<>(given);
        options.put("auto.offset.reset", "earliest");
        Api.Reply created = api.post("/subscriptions", JSON.writeValueAsString(Map.of("source",
                "kafka://local/" + topic, "sink", sink, "options", options)));
        assertThat(created.status()).as(created.text()).isEqualTo(201);
        return created.body().path("id").asString();
    }
}
