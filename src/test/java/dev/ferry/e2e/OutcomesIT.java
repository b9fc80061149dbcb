package dev.ferry.e2e;

import static dev.ferry.testsupport.Api.json;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Predicate;

import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.MissingNode;

import dev.ferry.testsupport.Api;
import dev.ferry.testsupport.FerryInstance;
import dev.ferry.testsupport.HandlerServer;
import dev.ferry.testsupport.HandlerServer.Received;
import dev.ferry.testsupport.HandlerServer.Response;
import dev.ferry.testsupport.Ports;
import dev.ferry.testsupport.Records;
import dev.ferry.testsupport.TestInfrastructure;

/** How a handler's answer decides an invocation's fate: terminal, retried, delayed as asked, paused or killed. */
class OutcomesIT {

    private static FerryInstance ferry;
    private static Api api;
    private static Records records;

    @BeforeAll
    static void start() {
        String brokers = TestInfrastructure.kafka().bootstrapServers();
        ferry = FerryInstance.start("outcomes", Map.of());
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
    void completesWithFailureAtOnceWhenTheHandlerAnswersAClientError() {
        try (HandlerServer handler = HandlerServer.start()) {
            handler.respondWith(request -> new Response(400, "{\"error\":\"amount must be positive\"}", Map.of()));
            String subscription = subscribe(handler, "Refunds", "{'name':'issue'}", "");
            records.send("refunds", "r1", "{\"amount\":-5}");
            records.flush();

            JsonNode invocation = awaitInvocation(subscription, status("completed"));
            assertThat(invocation.get("completion").asString()).isEqualTo("failure");
            assertThat(invocation.get("failure_reason").asString()).isEqualTo("handler-error");
            assertThat(invocation.get("attempts").asInt()).isEqualTo(1);
            assertThat(invocation.get("last_failure").asString()).contains("400").contains("amount must be positive");
            assertThat(handler.received()).hasSize(1);
        }
    }

    @Test
    void retriesServerErrorsAndRequestTimeoutsUntilTheHandlerSucceeds() {
        try (HandlerServer handler = HandlerServer.start()) {
            AtomicInteger calls = new AtomicInteger();
            List<Integer> answers = List.of(500, 503, 408);
            handler.respondWith(request -> {
                int call = calls.getAndIncrement();
                return call < answers.size() ? Response.status(answers.get(call)) : Response.ok("{\"sent\":true}");
            });
            String subscription = subscribe(handler, "Mailer", "{'name':'send'}",
                    ",'retry_policy':{'initial_interval':'10ms','max_interval':'100ms'}");
            records.send("mailer", "m1", "{\"to\":\"a@example.com\"}");
            records.flush();

            JsonNode invocation = awaitInvocation(subscription, status("completed"));
            assertThat(invocation.get("completion").asString()).isEqualTo("success");
            assertThat(invocation.get("attempts").asInt()).isEqualTo(4);
            assertThat(handler.received()).hasSize(4)
                    .extracting(request -> request.header("idempotency-key"))
                    .containsOnly(invocation.get("id").asString());
            assertThat(handler.received()).extracting(request -> request.header("x-ferry-attempt"))
                    .containsExactly("1", "2", "3", "4");
        }
    }

    @Test
    void waitsAsLongAsRetryAfterSaysWhenTheHandlerAnswersTooManyRequests() {
        try (HandlerServer handler = HandlerServer.start()) {
            AtomicInteger calls = new AtomicInteger();
            handler.respondWith(request -> calls.getAndIncrement() == 0
                    ? new Response(429, "", Map.of("retry-after", "1"))
                    : Response.ok("{}"));
            // a backoff far shorter than Retry-After, so only honouring the header explains the wait; Retry-After
            // is capped by max_interval, so that is longer
            String subscription = subscribe(handler, "Quotes", "{'name':'fetch'}",
                    ",'retry_policy':{'initial_interval':'10ms','max_interval':'5s'}");
            records.send("quotes", "q1", "{\"symbol\":\"FRY\"}");
            records.flush();

            JsonNode backingOff = await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(20))
                    .until(() -> single(subscription), status("backing-off"));
            assertThat(handler.received()).hasSize(1);
            Instant firstCall = handler.received().getFirst().at();
            Instant nextAttempt = Instant.parse(backingOff.get("next_attempt_at").asString());
            assertThat(Duration.between(firstCall, nextAttempt))
                    .isBetween(Duration.ofMillis(900), Duration.ofSeconds(3));
            assertThat(backingOff.get("last_failure").asString()).contains("429");

            JsonNode invocation = awaitInvocation(subscription, status("completed"));
            assertThat(invocation.get("completion").asString()).isEqualTo("success");
            List<Received> received = handler.received();
            assertThat(received).hasSize(2);
            Duration gap = Duration.between(received.get(0).at(), received.get(1).at());
            System.out.printf("OutcomesIT: second attempt %d ms after a 429 with Retry-After: 1%n", gap.toMillis());
            assertThat(gap).isGreaterThanOrEqualTo(Duration.ofMillis(900));
        }
    }

    @Test
    void honoursRetryAfterGivenAsAnHttpDate() {
        try (HandlerServer handler = HandlerServer.start()) {
            AtomicInteger calls = new AtomicInteger();
            handler.respondWith(request -> calls.getAndIncrement() == 0
                    ? new Response(503, "", Map.of("retry-after", DateTimeFormatter.RFC_1123_DATE_TIME
                            .format(ZonedDateTime.now(ZoneOffset.UTC).plusSeconds(2))))
                    : Response.ok("{}"));
            String subscription = subscribe(handler, "Rates", "{'name':'refresh'}",
                    ",'retry_policy':{'initial_interval':'10ms','max_interval':'5s'}");
            records.send("rates", "r1", "{\"currency\":\"EUR\"}");
            records.flush();

            assertThat(awaitInvocation(subscription, status("completed")).get("completion").asString())
                    .isEqualTo("success");
            List<Received> received = handler.received();
            assertThat(received).hasSize(2);
            // the date has whole seconds, so "now + 2 s" means a wait of more than one second
            assertThat(Duration.between(received.get(0).at(), received.get(1).at()))
                    .isGreaterThanOrEqualTo(Duration.ofMillis(900));
        }
    }

    @Test
    void waitsNoLongerThanTheMaxIntervalWhateverRetryAfterSays() {
        try (HandlerServer handler = HandlerServer.start()) {
            AtomicInteger calls = new AtomicInteger();
            handler.respondWith(request -> calls.getAndIncrement() == 0
                    ? new Response(503, "", Map.of("retry-after", "99999999999999"))
                    : Response.ok("{}"));
            String subscription = subscribe(handler, "Postings", "{'name':'post'}",
                    ",'retry_policy':{'initial_interval':'10ms','max_interval':'1s'}");
            records.send("postings", "l1", "{\"amount\":1}");
            records.flush();

            assertThat(awaitInvocation(subscription, status("completed")).get("completion").asString())
                    .isEqualTo("success");
            List<Received> received = handler.received();
            assertThat(received).hasSize(2);
            assertThat(Duration.between(received.get(0).at(), received.get(1).at()))
                    .isBetween(Duration.ofMillis(900), Duration.ofSeconds(5));
        }
    }

    @Test
    void retriesACallThatTimesOut() {
        try (HandlerServer handler = HandlerServer.start()) {
            AtomicInteger calls = new AtomicInteger();
            handler.respondWith(request -> {
                if (calls.getAndIncrement() == 0) {
                    LockSupport.parkNanos(TimeUnit.SECONDS.toNanos(2));
                }
                return Response.ok("{}");
            });
            String subscription = subscribe(handler, "Geocoder",
                    "{'name':'locate','timeout':'300ms','retry_policy':{'initial_interval':'10ms'}}", "");
            records.send("geocoder", "g1", "{\"address\":\"Pier 1\"}");
            records.flush();

            JsonNode invocation = awaitInvocation(subscription, status("completed"));
            assertThat(invocation.get("completion").asString()).isEqualTo("success");
            assertThat(invocation.get("attempts").asInt()).isEqualTo(2);
            assertThat(invocation.get("last_failure").asString()).contains("timeout");
        }
    }

    @Test
    void retriesWhenTheHandlerCannotBeReachedUntilTheAttemptsRunOut() throws IOException {
        int closedPort = Ports.freePort();
        Api.Reply registered = api.post("/services", json("""
                {'name':'Offline','type':'SERVICE','endpoint':'http://127.0.0.1:%d',
                 'handlers':[{'name':'ping','retry_policy':{'initial_interval':'10ms','max_attempts':3,
                              'on_max_attempts':'kill'}}]}""".formatted(closedPort)));
        assertThat(registered.status()).as(registered.text()).isEqualTo(201);
        String subscription = api.post("/subscriptions", json("""
                {'source':'kafka://local/offline','sink':'service://Offline/ping',\
                'options':{'auto.offset.reset':'earliest'}}"""))
                .body().get("id").asString();
        records.send("offline", "o1", "{}");
        records.flush();

        JsonNode invocation = awaitInvocation(subscription, status("completed"));
        assertThat(invocation.get("failure_reason").asString()).isEqualTo("killed");
        assertThat(invocation.get("attempts").asInt()).isEqualTo(3);
        assertThat(invocation.get("last_failure").asString()).contains("I/O error");
    }

    @Test
    void releasesAnObjectKeyWhenItsInvocationFailsTerminally() {
        try (HandlerServer handler = HandlerServer.start()) {
            handler.respondWith(request -> request.bodyText().contains("\"n\":1")
                    ? Response.status(400) : Response.ok("{}"));
            Api.Reply registered = api.post("/services", json("""
                    {'name':'Wallet','type':'VIRTUAL_OBJECT','endpoint':'%s','handlers':[{'name':'debit'}]}"""
                    .formatted(handler.endpoint())));
            assertThat(registered.status()).as(registered.text()).isEqualTo(201);
            String subscription = api.post("/subscriptions", json("""
                    {'source':'kafka://local/wallet','sink':'service://Wallet/debit',\
                    'options':{'auto.offset.reset':'earliest'}}"""))
                    .body().get("id").asString();
            records.send(new ProducerRecord<>("wallet", 0, Records.bytes("w"), Records.bytes("{\"n\":1}")));
            records.send(new ProducerRecord<>("wallet", 0, Records.bytes("w"), Records.bytes("{\"n\":2}")));
            records.flush();

            List<JsonNode> invocations = await().atMost(Duration.ofSeconds(60)).until(() -> api
                    .get("/invocations?subscription=" + subscription).body().get("invocations").valueStream()
                    .sorted(Comparator.comparingLong(i -> i.get("origin").get("offset").asLong())).toList(),
                    listed -> listed.size() == 2 && listed.stream().allMatch(status("completed")));
            assertThat(invocations).extracting(i -> i.get("completion").asString())
                    .containsExactly("failure", "success");
            assertThat(handler.received()).extracting(Received::bodyText).containsExactly("{\"n\":1}", "{\"n\":2}");
        }
    }

    @Test
    void keepsLaterRecordsOfAnObjectKeyWaitingBehindAPausedInvocation() {
        try (HandlerServer handler = HandlerServer.start()) {
            handler.respondWith(request -> request.bodyText().contains("\"n\":1")
                    ? Response.status(503) : Response.ok("{}"));
            Api.Reply registered = api.post("/services", json("""
                    {'name':'Locker','type':'VIRTUAL_OBJECT','endpoint':'%s',
                     'retry_policy':{'initial_interval':'10ms','max_attempts':2,'on_max_attempts':'pause'},
                     'handlers':[{'name':'open'}]}""".formatted(handler.endpoint())));
            assertThat(registered.status()).as(registered.text()).isEqualTo(201);
            String subscription = api.post("/subscriptions", json("""
                    {'source':'kafka://local/locker','sink':'service://Locker/open',\
                    'options':{'auto.offset.reset':'earliest'}}"""))
                    .body().get("id").asString();
            records.send(new ProducerRecord<>("locker", 0, Records.bytes("l"), Records.bytes("{\"n\":1}")));
            records.send(new ProducerRecord<>("locker", 0, Records.bytes("l"), Records.bytes("{\"n\":2}")));
            records.send(new ProducerRecord<>("locker", 0, Records.bytes("other"), Records.bytes("{\"n\":3}")));
            records.flush();

            // offsets 0 and 1 share key l, offset 2 has a key of its own
            await().atMost(Duration.ofSeconds(60)).during(Duration.ofSeconds(1))
                    .until(() -> statusesByOffset(subscription),
                            statuses -> statuses.equals(Map.of(0L, "paused", 1L, "pending", 2L, "completed")));
            assertThat(handler.received()).extracting(Received::bodyText)
                    .containsExactlyInAnyOrder("{\"n\":1}", "{\"n\":1}", "{\"n\":3}");
        }
    }

    @Test
    void pausesAnInvocationThatUsedAllItsAttempts() {
        try (HandlerServer handler = HandlerServer.start()) {
            handler.respondWith(request -> Response.status(503));
            String subscription = subscribe(handler, "Invoices", "{'name':'render'}",
                    ",'retry_policy':{'initial_interval':'10ms','max_attempts':3,'on_max_attempts':'pause'}");
            records.send("invoices", "i1", "{\"invoice\":1}");
            records.flush();

            JsonNode invocation = awaitInvocation(subscription, status("paused"));
            assertThat(invocation.get("attempts").asInt()).isEqualTo(3);
            assertThat(invocation.get("last_failure").asString()).contains("503").contains("3 attempts");
            assertThat(invocation.get("completion")).isNull();
            await().during(Duration.ofSeconds(1)).atMost(Duration.ofSeconds(3))
                    .until(() -> handler.received().size() == 3 && single(subscription).get("status").asString()
                            .equals("paused"));
        }
    }

    @Test
    void killsAnInvocationThatUsedAllItsAttemptsWhenTheHandlerSaysKill() {
        try (HandlerServer handler = HandlerServer.start()) {
            handler.respondWith(request -> Response.status(500));
            String subscription = subscribe(handler, "Webhooks",
                    "{'name':'deliver','retry_policy':{'initial_interval':'10ms','max_attempts':2,"
                            + "'on_max_attempts':'kill'}}",
                    "");
            records.send("webhooks", "w1", "{\"event\":\"created\"}");
            records.flush();

            JsonNode invocation = awaitInvocation(subscription, status("completed"));
            assertThat(invocation.get("completion").asString()).isEqualTo("failure");
            assertThat(invocation.get("failure_reason").asString()).isEqualTo("killed");
            assertThat(invocation.get("attempts").asInt()).isEqualTo(2);
            assertThat(invocation.get("last_failure").asString()).contains("500");
            assertThat(handler.received()).hasSize(2);
        }
    }

    /** Registers a SERVICE with one handler on {@code handler} and subscribes it to a topic of its own. */
    private static String subscribe(HandlerServer handler, String service, String handlerJson, String serviceExtras) {
        Api.Reply registered = api.post("/services",
                json("{'name':'%s','type':'SERVICE','endpoint':'%s','handlers':[%s]%s}"
                .formatted(service, handler.endpoint(), handlerJson, serviceExtras)));
        assertThat(registered.status()).as(registered.text()).isEqualTo(201);
        String handlerName = registered.body().get("handlers").get(0).get("name").asString();
        Api.Reply subscribed = api.post("/subscriptions", json("""
                {'source':'kafka://local/%s','sink':'service://%s/%s','options':{'auto.offset.reset':'earliest'}}"""
                .formatted(service.toLowerCase(Locale.ROOT), service, handlerName)));
        assertThat(subscribed.status()).as(subscribed.text()).isEqualTo(201);
        return subscribed.body().get("id").asString();
    }

    /** The status of each of the subscription's invocations, by the offset of its record. */
    private static Map<Long, String> statusesByOffset(String subscription) {
        Map<Long, String> statuses = new TreeMap<>();
        for (JsonNode invocation : api.get("/invocations?subscription=" + subscription).body().get("invocations")) {
            statuses.put(invocation.get("origin").get("offset").asLong(), invocation.get("status").asString());
        }
        return statuses;
    }

    private static JsonNode awaitInvocation(String subscription, Predicate<JsonNode> condition) {
        return await().atMost(Duration.ofSeconds(60)).until(() -> single(subscription), condition);
    }

    /** The subscription's only invocation, or a missing node while there is none. */
    private static JsonNode single(String subscription) {
        JsonNode listed = api.get("/invocations?subscription=" + subscription).body().get("invocations");
        assertThat(listed.size()).isLessThanOrEqualTo(1);
        return listed.isEmpty() ? MissingNode.getInstance() : listed.get(0);
    }

    private static Predicate<JsonNode> status(String status) {
        return invocation -> invocation.has("status") && invocation.get("status").asString().equals(status);
    }
}
