package dev.ferry.ingress;

import static dev.ferry.testsupport.Api.json;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import dev.ferry.testsupport.Api;
import dev.ferry.testsupport.Api.Reply;
import dev.ferry.testsupport.FerryInstance;
import dev.ferry.testsupport.HandlerServer;
import dev.ferry.testsupport.HandlerServer.Response;
import dev.ferry.testsupport.Records;
import dev.ferry.testsupport.TestInfrastructure;

/** Handlers called directly over HTTP, as invocations like those of Kafka records. */
class IngressIT {

    private static FerryInstance ferry;
    private static Api api;
    private static HandlerServer handler;
    private static final Map<String, AtomicInteger> failuresLeft = new ConcurrentHashMap<>();
    private static final Map<String, AtomicInteger> inFlightByKey = new ConcurrentHashMap<>();
    private static final AtomicBoolean overlapped = new AtomicBoolean();

    @BeforeAll
    static void start() {
        ferry = FerryInstance.start("ingress", Map.of());
        api = ferry.api();
        handler = HandlerServer.start().respondWith(request -> {
            String[] path = request.path().split("/");
            if (path.length == 4) {
                AtomicInteger inFlight = inFlightByKey.computeIfAbsent(path[2], key -> new AtomicInteger());
                if (inFlight.incrementAndGet() > 1) {
                    overlapped.set(true);
                }
                LockSupport.parkNanos(Duration.ofMillis(5).toNanos());
                inFlight.decrementAndGet();
            }
            AtomicInteger failures = failuresLeft.get(request.bodyText());
            if (failures != null && failures.getAndDecrement() > 0) {
                return Response.status(503);
            }
            return Response.ok("{\"hello\":" + request.bodyText() + "}");
        });
        post("/services", "{'name':'Greeter','type':'SERVICE','endpoint':'%s',"
                + "'retry_policy':{'initial_interval':'20ms'},"
                + "'handlers':[{'name':'greet'},{'name':'bytes','input':'raw'}]}");
        post("/services", "{'name':'Account','type':'VIRTUAL_OBJECT','endpoint':'%s','handlers':[{'name':'deposit'}]}");
        post("/services",
                "{'name':'Signup','type':'WORKFLOW','endpoint':'%s','handlers':[{'name':'run','type':'WORKFLOW'}]}");
        post("/kafka-clusters", "{'name':'local','properties':{'bootstrap.servers':'"
                + TestInfrastructure.kafka().bootstrapServers() + "'}}");
    }

    @AfterAll
    static void stop() {
        ferry.close();
        handler.close();
    }

    @Test
    void callWaitsForTheHandlersResponse() {
        Reply reply = api.post("/call/Greeter/greet", "{\"name\":\"Ada\"}");

        assertThat(reply.status()).isEqualTo(200);
        assertThat(reply.text()).isEqualTo("{\"hello\":{\"name\":\"Ada\"}}");
        String id = reply.headers().firstValue("x-ferry-invocation-id").orElseThrow();
        assertThat(api.get("/invocations/" + id).body().get("status").asString()).isEqualTo("completed");
        assertThat(api.get("/invocations/" + id + "/output").text()).isEqualTo(reply.text());
    }

    @Test
    void sendEnqueuesAndAnswersAtOnceAndADelayedSendWaits() {
        Reply sent = api.post("/send/Greeter/greet", "{\"send\":1}");
        assertThat(sent.status()).isEqualTo(202);
        assertThat(sent.body().get("status").asString()).isEqualTo("accepted");
        String id = sent.body().get("invocation_id").asString();
        await().atMost(Duration.ofSeconds(30)).until(() -> api.get("/invocations/" + id + "/output").status() == 200);

        Reply delayed = api.post("/send/Greeter/greet?delay=2s", "{\"send\":2}");
        String later = delayed.body().get("invocation_id").asString();
        assertThat(api.get("/invocations/" + later).body().get("status").asString()).isEqualTo("scheduled");
        Reply notYet = api.get("/invocations/" + later + "/output");
        assertThat(notYet.status()).isEqualTo(409);
        assertThat(notYet.body().get("detail").asString()).contains("is scheduled");
        await().between(Duration.ofMillis(1500), Duration.ofSeconds(30))
                .until(() -> handler.received().stream().anyMatch(r -> r.bodyText().equals("{\"send\":2}")));
        assertThat(api.post("/send/Greeter/greet?delay=soon", "{}").status()).isEqualTo(400);
    }

    @Test
    void anIdempotencyKeyReturnsTheSameInvocation() {
        Reply first = api.send("/send/Greeter/greet", "{\"idem\":1}", "Idempotency-Key", "order-7");
        Reply second = api.send("/send/Greeter/greet", "{\"idem\":1}", "Idempotency-Key", "order-7");
        assertThat(second.body().get("invocation_id").asString())
                .isEqualTo(first.body().get("invocation_id").asString());
        assertThat(second.body().get("status").asString()).isEqualTo("previously_accepted");

        Reply called = api.send("/call/Greeter/greet", "{\"idem\":2}", "Idempotency-Key", "order-8");
        Reply calledAgain = api.send("/call/Greeter/greet", "{\"idem\":2}", "Idempotency-Key", "order-8");
        assertThat(calledAgain.text()).isEqualTo(called.text());
        assertThat(calledAgain.headers().firstValue("x-ferry-invocation-id"))
                .isEqualTo(called.headers().firstValue("x-ferry-invocation-id"));
        assertThat(handler.received()).filteredOn(r -> r.bodyText().equals("{\"idem\":2}")).hasSize(1);
    }

    @Test
    void attachWaitsForARetryingInvocation() {
        failuresLeft.put("{\"flaky\":1}", new AtomicInteger(3));
        String id = api.post("/send/Greeter/greet", "{\"flaky\":1}").body().get("invocation_id").asString();

        Reply attached = api.get("/invocations/" + id + "/attach");

        assertThat(attached.status()).isEqualTo(200);
        assertThat(attached.text()).isEqualTo("{\"hello\":{\"flaky\":1}}");
        assertThat(api.get("/invocations/" + id).body().get("attempts").asInt()).isEqualTo(4);
    }

    @Test
    void rpcCallsAndKafkaRecordsOfOneObjectKeyNeverOverlap() {
        post("/subscriptions", "{'source':'kafka://local/deposits','sink':'service://Account/deposit',"
                + "'options':{'auto.offset.reset':'earliest'}}");
        try (Records records = new Records(TestInfrastructure.kafka().bootstrapServers())) {
            List<CompletableFuture<Reply>> calls = new ArrayList<>();
            for (int i = 0; i < 30; i++) {
                records.send("deposits", "shared-key", "{\"kafka\":" + i + "}");
                int n = i;
                calls.add(CompletableFuture.supplyAsync(() -> api.post("/call/Account/shared-key/deposit",
                        "{\"rpc\":" + n + "}")));
            }
            records.flush();
            calls.forEach(call -> assertThat(call.join().status()).isEqualTo(200));
        }
        await().atMost(Duration.ofSeconds(60)).until(() -> handler.received().stream()
                .filter(r -> r.path().equals("/Account/shared-key/deposit")).count() >= 60);
        assertThat(overlapped).isFalse();
    }

    @Test
    void refusesBadCallsWithAClearProblem() {
        assertThat(api.post("/call/Nobody/greet", "{}").status()).isEqualTo(404);
        assertThat(api.post("/call/Greeter/nothing", "{}").status()).isEqualTo(404);
        Reply noKey = api.post("/call/Account/deposit", "{}");
        assertThat(noKey.status()).isEqualTo(400);
        assertThat(noKey.body().get("detail").asString()).contains("/call/Account/{key}/deposit");
        Reply notJson = api.post("/call/Greeter/greet", "not json");
        assertThat(notJson.status()).isEqualTo(400);
        assertThat(notJson.body().get("detail").asString()).contains("not valid JSON");
        assertThat(api.post("/call/Greeter/bytes", "not json").status()).isEqualTo(200);
    }

    @Test
    void refusesAWorkflowRunForAKeyThatAlreadyRan() {
        assertThat(api.post("/call/Signup/user-1/run", "{}").status()).isEqualTo(200);
        Reply again = api.post("/send/Signup/user-1/run", "{}");
        assertThat(again.status()).isEqualTo(409);
        assertThat(again.body().get("detail").asString()).contains("already ran for key 'user-1'");
    }

    private static void post(String path, String template) {
        Reply reply = api.post(path, json(template.formatted(handler.endpoint())));
        assertThat(reply.status()).as(reply.text()).isEqualTo(201);
    }
}
