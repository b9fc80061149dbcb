package dev.ferry.e2e;

import static dev.ferry.testsupport.Api.json;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.time.Instant;
import java.util.Map;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

import dev.ferry.testsupport.Api;
import dev.ferry.testsupport.FerryInstance;
import dev.ferry.testsupport.HandlerServer;
import dev.ferry.testsupport.HandlerServer.Response;
import dev.ferry.testsupport.Records;
import dev.ferry.testsupport.TestInfrastructure;

/**
 * Handlers that answer as badly as they can (a Retry-After beyond any calendar, a 50 MB result, a NUL in an
 * error body) hold up only their own invocations: every other service's records keep completing, and no
 * call slot is lost.
 */
class HostileAnswersIT {

    private static final int MAX_IN_FLIGHT = 16;
    private static final Duration MAX_INTERVAL = Duration.ofSeconds(60);

    private static FerryInstance ferry;
    private static Api api;
    private static Records records;

    @BeforeAll
    static void start() {
        String brokers = TestInfrastructure.kafka().bootstrapServers();
        ferry = FerryInstance.start("hostile", Map.of("ferry.dispatch.max-in-flight", Integer.toString(MAX_IN_FLIGHT)));
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
    void keepsOtherServicesFlowingWhileHandlersAnswerWithEndlessWaitsAndHugeBodies() {
        try (HandlerServer stalling = HandlerServer.start(); HandlerServer bulky = HandlerServer.start();
                HandlerServer flowing = HandlerServer.start()) {
            stalling.respondWith(request -> new Response(503, "busy\u0000for ever", Map.of("retry-after",
                    request.bodyText().contains("max") ? "9223372036854775807" : "99999999999999")));
            bulky.respondWith(request -> Response.sized(200, 50L * 1024 * 1024, Map.of("content-type", "text/plain")));
            subscribe(stalling, "Stalling", "stalling");
            subscribe(bulky, "Bulky", "bulky");
            subscribe(flowing, "Flowing", "flowing");

            // more endless waits than call slots: a slot lost per answer would stop this instance
            for (int i = 0; i < 2 * MAX_IN_FLIGHT; i++) {
                records.send("stalling", "s" + i, i % 2 == 0 ? "{\"retry\":\"max\"}" : "{\"retry\":\"huge\"}");
            }
            for (int i = 0; i < 8; i++) {
                records.send("bulky", "b" + i, "{}");
            }
            for (int i = 0; i < 40; i++) {
                records.send("flowing", "f" + i, "{\"n\":" + i + "}");
            }
            records.flush();

            await().atMost(Duration.ofSeconds(90)).until(() -> count("Flowing", "completed") == 40);
            await().atMost(Duration.ofSeconds(90)).until(() -> count("Stalling", "backing-off") == 2 * MAX_IN_FLIGHT);
            await().atMost(Duration.ofSeconds(90)).until(() -> count("Bulky", "completed") == 8);

            Instant now = Instant.now();
            for (JsonNode invocation : api.get("/invocations?service=Stalling&limit=100").body().get("invocations")) {
                assertThat(invocation.get("status").asString()).isEqualTo("backing-off");
                Instant next = Instant.parse(invocation.get("next_attempt_at").asString());
                assertThat(next).isBefore(now.plus(MAX_INTERVAL).plusSeconds(5));
                assertThat(invocation.get("last_failure").asString()).startsWith("HTTP 503: busy")
                        .doesNotContain("\u0000");
            }
            for (JsonNode invocation : api.get("/invocations?service=Bulky&limit=100").body().get("invocations")) {
                assertThat(invocation.get("completion").asString()).isEqualTo("success");
                JsonNode details = api.get("/invocations/" + invocation.get("id").asString()).body();
                System.out.printf("HostileAnswersIT: of a 50 MB answer, %d characters were kept as the result%n",
                        details.path("result").toString().length());
            }

            // every slot came back: another burst goes through in full
            for (int i = 40; i < 80; i++) {
                records.send("flowing", "f" + i, "{\"n\":" + i + "}");
            }
            records.flush();
            await().atMost(Duration.ofSeconds(60)).until(() -> count("Flowing", "completed") == 80);
            assertThat(flowing.received()).hasSize(80);

            JsonNode dispatcher = api.get("/actuator/health").body().get("components").get("dispatcher");
            assertThat(dispatcher.get("status").asString()).isEqualTo("UP");
            assertThat(api.get("/actuator/health").body().get("status").asString()).isEqualTo("UP");
        }
    }

    private static void subscribe(HandlerServer handler, String service, String topic) {
        Api.Reply registered = api.post("/services", json("""
                {'name':'%s','type':'SERVICE','endpoint':'%s','handlers':[{'name':'run'}],
                 'retry_policy':{'initial_interval':'10ms','max_interval':'%ds','max_attempts':0}}"""
                .formatted(service, handler.endpoint(), MAX_INTERVAL.toSeconds())));
        assertThat(registered.status()).as(registered.text()).isEqualTo(201);
        Api.Reply subscribed = api.post("/subscriptions", json("""
                {'source':'kafka://local/%s','sink':'service://%s/run','options':{'auto.offset.reset':'earliest'}}"""
                .formatted(topic, service)));
        assertThat(subscribed.status()).as(subscribed.text()).isEqualTo(201);
    }

    private static long count(String service, String status) {
        JsonNode counts = api.get("/invocations/counts?service=" + service).body().get("counts");
        return counts.has(status) ? counts.get(status).asLong() : 0;
    }
}
