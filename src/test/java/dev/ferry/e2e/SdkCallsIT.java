package dev.ferry.e2e;

import static dev.ferry.testsupport.Api.json;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

import dev.ferry.testsupport.Api;
import dev.ferry.testsupport.Api.Reply;
import dev.ferry.testsupport.FerryInstance;
import dev.ferry.testsupport.HandlerServer;
import dev.ferry.testsupport.Records;
import dev.ferry.testsupport.SdkEndpoint;
import dev.ferry.testsupport.SdkEndpoint.Transport;
import dev.ferry.testsupport.TestInfrastructure;
import dev.ferry.testsupport.Topics;

/**
 * Restate SDK handlers calling and sending to each other through Ferry ({@code calls-saga.mjs}, the real TypeScript
 * SDK): a trip object, subscribed to a Kafka topic, calls a payment service and waits for its result; the payment
 * sends the amount to a ledger object with a delay. Every effect runs once, a terminal failure of the callee reaches
 * the caller, which compensates, a call into the caller's own exclusive handler fails at once instead of waiting
 * forever, and a call into a plain HTTP handler registered in Ferry returns its answer.
 */
class SdkCallsIT {

    private static FerryInstance ferry;
    private static Api api;
    private static SdkEndpoint endpoint;
    private static HandlerServer plain;

    @BeforeAll
    static void start() {
        ferry = FerryInstance.start("sdk_calls", Map.of());
        api = ferry.api();
        endpoint = SdkEndpoint.start("calls-saga.mjs", Transport.H2C);
        plain = HandlerServer.start().respondWith(request -> HandlerServer.Response.ok("{\"answer\":42}"));
        assertThat(api.post("/kafka-clusters", json("{'name':'local','properties':{'bootstrap.servers':'%s'}}"
                .formatted(TestInfrastructure.kafka().bootstrapServers()))).status()).isEqualTo(201);
        Reply registered = api.post("/deployments", json("{'uri':'%s'}".formatted(endpoint.uri())));
        assertThat(registered.status()).as(registered.text()).isEqualTo(201);
        Reply service = api.post("/services", json("""
                {'name':'Plain','type':'SERVICE','endpoint':'%s','handlers':[{'name':'answer'}]}"""
                .formatted(plain.endpoint())));
        assertThat(service.status()).as(service.text()).isEqualTo(201);
    }

    @AfterAll
    static void stop() {
        plain.close();
        endpoint.close();
        ferry.close();
    }

    @Test
    void aSagaOfCallsAndDelayedSendsRunsEachEffectOnceAndCompensatesATerminalFailure() {
        Topics.create("trips", 2);
        Reply subscribed = api.post("/subscriptions", json("""
                {'source':'kafka://local/trips','sink':'service://Trip/book','options':{'auto.offset.reset':'earliest'}}
                """));
        assertThat(subscribed.status()).as(subscribed.text()).isEqualTo(201);
        String subscription = subscribed.body().get("id").asString();
        try (Records records = new Records(TestInfrastructure.kafka().bootstrapServers())) {
            records.send("trips", "rome", "10");
            records.send("trips", "oslo", "20");
            records.send("trips", "nowhere", "-5");
            records.flush();
        }

        List<JsonNode> trips = new ArrayList<>();
        await("every trip booked").atMost(Duration.ofSeconds(90)).until(() -> {
            trips.clear();
            api.get("/invocations?subscription=" + subscription).body().get("invocations").forEach(trips::add);
            return trips.size() == 3 && trips.stream().allMatch(trip -> "completed".equals(trip.get("status")
                    .asString()));
        });
        assertThat(trips).extracting(trip -> trip.get("completion").asString()).containsOnly("success");
        await("the delayed sends recorded").atMost(Duration.ofSeconds(30))
                .until(() -> api.post("/call/Ledger/main/total", "").text().equals("30"));

        assertThat(endpoint.runs("charge")).as("charges").isEqualTo(2);
        assertThat(endpoint.runs("record")).as("ledger records").isEqualTo(2);
        assertThat(endpoint.runs("booked")).as("bookings").isEqualTo(2);
        assertThat(endpoint.runs("refund")).as("compensations").isEqualTo(1);
        JsonNode refused = api.get("/invocations/" + idOf(trips, "nowhere")).body();
        assertThat(api.get("/invocations/" + idOf(trips, "nowhere") + "/output").text())
                .contains("refused: ").contains("cannot charge -5");
        assertThat(refused.get("journal").findValuesAsString("type")).containsSubsequence("CallCommand",
                "CallInvocationIdCompletionNotification", "CallCompletionNotification", "RunCommand");
        assertThat(api.get("/invocations?service=Ledger&handler=record&status=completed").body()
                .get("invocations")).as("one ledger record per charge").hasSize(2);
    }

    @Test
    void anExclusiveHandlerCallingItsOwnObjectFailsTheCallInsteadOfWaitingForever() {
        Reply rebooked = api.post("/call/Trip/lisbon/rebook", "null");

        assertThat(rebooked.status()).as(rebooked.text()).isEqualTo(200);
        assertThat(rebooked.text()).contains("failed: call to Trip/lisbon/book refused")
                .contains("would wait forever");
    }

    @Test
    void aCallIntoAPlainHttpHandlerReturnsItsAnswer() {
        Reply asked = api.post("/call/Trip/paris/askPlain", "\"the question\"");

        assertThat(asked.status()).as(asked.text()).isEqualTo(200);
        assertThat(asked.text()).isEqualTo("{\"answer\":42}");
        assertThat(plain.received()).anySatisfy(request -> {
            assertThat(request.path()).isEqualTo("/Plain/answer");
            assertThat(request.bodyText()).isEqualTo("\"the question\"");
        });
    }

    @Test
    void anAwakeableIsResolvedOrRejectedByAnOutsideClientAndResolvedByAnotherHandler() {
        String resolved = waitingFor("k1");
        String rejected = waitingFor("k2");
        String byHandler = waitingFor("k3");

        assertThat(api.post("/restate/awakeables/" + awakeable("k1") + "/resolve", "\"hello\"").status())
                .isEqualTo(202);
        assertThat(api.post("/restate/awakeables/" + awakeable("k2") + "/reject", "nope").status()).isEqualTo(202);
        assertThat(api.post("/call/Waiter/other/wake", "\"" + awakeable("k3") + "\"").text()).isEqualTo("\"woken\"");

        assertThat(output(resolved)).isEqualTo("\"hello\"");
        assertThat(output(rejected)).contains("rejected: nope");
        assertThat(output(byHandler)).isEqualTo("\"from a handler\"");
        Reply unknown = api.post("/restate/awakeables/sign_1nothing/resolve", "1");
        assertThat(unknown.status()).isEqualTo(404);
        assertThat(api.post("/restate/awakeables/" + awakeable("k1") + "/resolve", "1").status())
                .as("the invocation completed").isEqualTo(404);
    }

    @Test
    void cancellingASleepingHandlerLetsItCompensateAndReachesTheCallItWaitsFor() {
        int before = endpoint.runs("compensate");
        String lingering = suspendedAfter(api.post("/send/Trip/rio/linger", "null"));

        assertThat(api.post("/invocations/" + lingering + "/cancel", "").status()).isEqualTo(200);

        JsonNode cancelled = completed(lingering);
        assertThat(cancelled.get("completion").asString()).isEqualTo("failure");
        assertThat(endpoint.runs("compensate")).as("compensations").isEqualTo(before + 1);

        String following = suspendedAfter(api.post("/send/Trip/lima/follow", "null"));
        await("the call it waits for asleep").atMost(Duration.ofSeconds(30)).until(() -> api.get(
                "/invocations?service=Trip&handler=linger&key=lima-led&status=suspended").body()
                .get("invocations").size() == 1);
        String led = api.get("/invocations?service=Trip&handler=linger&key=lima-led").body().get("invocations")
                .get(0).get("id").asString();
        assertThat(api.post("/invocations/" + following + "/cancel", "").status()).isEqualTo(200);

        assertThat(completed(following).get("completion").asString()).isEqualTo("failure");
        assertThat(completed(led).get("completion").asString()).isEqualTo("failure");
        assertThat(endpoint.runs("compensate")).as("the called handler compensated too").isEqualTo(before + 2);
    }

    private static String suspendedAfter(Reply sent) {
        assertThat(sent.status()).as(sent.text()).isEqualTo(202);
        String id = sent.body().get("invocation_id").asString();
        await(id + " suspended").atMost(Duration.ofSeconds(30)).until(() -> "suspended".equals(
                api.get("/invocations/" + id).body().get("status").asString()));
        return id;
    }

    private static JsonNode completed(String id) {
        return await(id + " completed").atMost(Duration.ofSeconds(30)).until(
                () -> api.get("/invocations/" + id).body(), node -> "completed".equals(node.get("status").asString()));
    }

    private static String waitingFor(String key) {
        Reply sent = api.post("/send/Waiter/" + key + "/wait", "null");
        assertThat(sent.status()).as(sent.text()).isEqualTo(202);
        String id = sent.body().get("invocation_id").asString();
        await(key + " waiting").atMost(Duration.ofSeconds(30)).until(() -> "suspended".equals(
                api.get("/invocations/" + id).body().get("status").asString()));
        return id;
    }

    private static String awakeable(String key) {
        JsonNode state = api.get("/services/Waiter/state/" + key).body().get("state");
        return state.findValue("json").asString();
    }

    private static String output(String id) {
        await("invocation " + id + " completed").atMost(Duration.ofSeconds(30)).until(() -> "completed".equals(
                api.get("/invocations/" + id).body().get("status").asString()));
        return api.get("/invocations/" + id + "/output").text();
    }

    private static String idOf(List<JsonNode> invocations, String key) {
        return invocations.stream().filter(invocation -> key.equals(invocation.get("key").asString())).findFirst()
                .orElseThrow().get("id").asString();
    }
}
