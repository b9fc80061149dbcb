package dev.ferry.e2e;

import static dev.ferry.testsupport.Api.json;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;

import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.internals.RecordHeader;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.springframework.jdbc.core.JdbcTemplate;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import dev.ferry.invocation.RetentionSweeper;
import dev.ferry.testsupport.Api;
import dev.ferry.testsupport.Api.Reply;
import dev.ferry.testsupport.FerryInstance;
import dev.ferry.testsupport.Records;
import dev.ferry.testsupport.SdkEndpoint;
import dev.ferry.testsupport.SdkEndpoint.Transport;
import dev.ferry.testsupport.TestInfrastructure;
import dev.ferry.testsupport.Topics;

/**
 * Restate SDK handlers run by Ferry through the doors a user takes: the real TypeScript SDK
 * ({@code src/test/node/services/account-counter.mjs}) registered with {@code POST /deployments}, over HTTP/2
 * cleartext and HTTP/1.1, subscribed to real Kafka topics and called through {@code /call} and {@code /send}.
 */
class RestateSdkIT {

    private static final String SCRIPT = "account-counter.mjs";
    private static final int KEYS = 10;
    private static final int PER_KEY = 20;

    private static FerryInstance ferry;
    private static Api api;
    private static Records records;

    @BeforeAll
    static void start() {
        ferry = FerryInstance.start("restate_sdk", Map.of());
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

    @AfterEach
    void removeDeployments() {
        for (JsonNode deployment : api.get("/deployments").body().get("deployments")) {
            api.delete("/deployments/" + deployment.get("id").asString() + "?force=true");
        }
    }

    @ParameterizedTest(name = "http11={0}")
    @ValueSource(booleans = {false, true})
    void appliesEveryKeyedRecordOnceAndRunsEachStepOnce(boolean http11) {
        String suffix = http11 ? "h1" : "h2";
        try (SdkEndpoint endpoint = SdkEndpoint.start(SCRIPT, http11 ? Transport.HTTP1 : Transport.H2C)) {
            register(endpoint, http11);
            String topic = "sdk-deposits-" + suffix;
            Topics.create(topic, 4);
            String subscription = subscribe(topic, "Account/deposit");

            for (int round = 0; round < PER_KEY; round++) {
                for (int k = 0; k < KEYS; k++) {
                    records.send(topic, key(suffix, k), "1");
                }
            }
            records.flush();

            List<JsonNode> deposits = awaitCompleted(subscription, KEYS * PER_KEY);
            assertThat(deposits).extracting(invocation -> invocation.get("completion").asString())
                    .containsOnly("success");
            for (int k = 0; k < KEYS; k++) {
                Reply balance = api.post("/call/Account/" + key(suffix, k) + "/balance", "");
                assertThat(balance.status()).as(balance.text()).isEqualTo(200);
                assertThat(balance.text()).isEqualTo(Integer.toString(PER_KEY));
            }
            assertThat(endpoint.runs("deposit")).as("ctx.run executions").isEqualTo(KEYS * PER_KEY);

            JsonNode described = api.get("/invocations/" + deposits.getFirst().get("id").asString()).body();
            JsonNode journal = described.get("journal");
            assertThat(journal.findValuesAsString("type")).containsExactly("InputCommand", "GetEagerStateCommand",
                    "RunCommand", "RunCompletionNotification", "SetStateCommand", "OutputCommand");
            assertThat(journal.get(2).get("name").asString()).isEqualTo("receipt");
            assertThat(journal.get(4).get("value").asString()).startsWith("balance = ");
            assertThat(journal.get(0).get("index").asInt()).isZero();

            JsonNode state = api.get("/services/Account/state/" + key(suffix, 3)).body();
            assertThat(state.get("state")).hasSize(1);
            assertThat(state.get("state").get(0).get("key").asString()).isEqualTo("balance");
            assertThat(state.get("state").get(0).get("json").asInt()).isEqualTo(PER_KEY);
            assertThat(api.get("/services/NoSuchService/state/k").status()).isEqualTo(404);

            // a purged invocation's journal goes with it, and so do the journals retention purges
            JdbcTemplate jdbc = ferry.bean(JdbcTemplate.class);
            String purged = deposits.getFirst().get("id").asString();
            assertThat(journalRows(jdbc, "invocation_id = '" + purged + "'")).isPositive();
            assertThat(api.delete("/invocations/" + purged).status()).isEqualTo(204);
            assertThat(journalRows(jdbc, "invocation_id = '" + purged + "'")).isZero();
            String ofSubscription = "invocation_id in (select id from invocations where subscription_id = '"
                    + subscription + "')";
            assertThat(journalRows(jdbc, ofSubscription)).isPositive();
            long before = journalRows(jdbc, "true");
            ferry.bean(RetentionSweeper.class).sweep(Instant.now().plus(Duration.ofDays(400)));
            assertThat(api.get("/invocations/" + deposits.getLast().get("id").asString()).status()).isEqualTo(404);
            assertThat(journalRows(jdbc, "true")).isLessThanOrEqualTo(before - (KEYS * PER_KEY - 1));
        }
    }

    private static long journalRows(JdbcTemplate jdbc, String condition) {
        Long rows = jdbc.queryForObject("select count(*) from journal_segments where " + condition, Long.class);
        return rows == null ? 0 : rows;
    }

    @ParameterizedTest(name = "http11={0}")
    @ValueSource(booleans = {false, true})
    void passesTheRecordAndItsCoordinatesAsTheInputCommand(boolean http11) {
        String suffix = http11 ? "h1" : "h2";
        try (SdkEndpoint endpoint = SdkEndpoint.start(SCRIPT, http11 ? Transport.HTTP1 : Transport.H2C)) {
            register(endpoint, http11);
            String topic = "sdk-echo-" + suffix;
            String subscription = subscribe(topic, "Counter/echo");
            ProducerRecord<byte[], byte[]> record = new ProducerRecord<>(topic, Records.bytes("order-7"),
                    Records.bytes("{\"n\":7}"));
            record.headers().add(new RecordHeader("trace-id", Records.bytes("t-7")));
            records.send(record);
            records.flush();

            JsonNode echoed = awaitCompleted(subscription, 1).getFirst();
            JsonNode result = JsonMapper.builder().build().readTree(
                    api.get("/invocations/" + echoed.get("id").asString() + "/output").text());
            assertThat(result.get("value").get("n").asInt()).isEqualTo(7);
            assertThat(result.get("topic").asString()).isEqualTo(topic);
            assertThat(new String(Base64.getDecoder().decode(result.get("key").asString()), StandardCharsets.UTF_8))
                    .isEqualTo("order-7");
            assertThat(result.get("subscription").asString()).isEqualTo(subscription);
            assertThat(result.get("trace").asString()).isEqualTo("t-7");
        }
    }

    @ParameterizedTest(name = "http11={0}")
    @ValueSource(booleans = {false, true})
    void retriesAnErrorFailsOnATerminalErrorAndFailsAnAttachToItself(boolean http11) {
        try (SdkEndpoint endpoint = SdkEndpoint.start(SCRIPT, http11 ? Transport.HTTP1 : Transport.H2C)) {
            register(endpoint, http11);

            Reply recovered = api.post("/call/Counter/failOnce", "\"again\"");
            assertThat(recovered.status()).as(recovered.text()).isEqualTo(200);
            assertThat(recovered.text()).isEqualTo("\"recovered again\"");
            JsonNode flaky = invocation(recovered);
            assertThat(flaky.get("attempts").asInt()).isEqualTo(2);
            assertThat(flaky.get("completion").asString()).isEqualTo("success");

            Reply refused = api.post("/call/Counter/refuse", "null");
            assertThat(refused.status()).isNotEqualTo(200);
            // a busy machine may make the call answer "still running" before the outcome is stored
            JsonNode terminal = await().atMost(Duration.ofSeconds(30)).until(() -> invocation(refused),
                    node -> "completed".equals(node.get("status").asString()));
            assertThat(terminal.get("completion").asString()).isEqualTo("failure");
            assertThat(terminal.get("attempts").asInt()).isEqualTo(1);
            assertThat(terminal.get("last_failure").asString()).contains("no such order");

            Reply sent = api.post("/send/Counter/attachSelf", "null");
            assertThat(sent.status()).isEqualTo(202);
            String attach = sent.body().get("invocation_id").asString();
            await().atMost(Duration.ofSeconds(30)).until(() -> "completed".equals(
                    api.get("/invocations/" + attach).body().get("status").asString()));
            JsonNode selfAttached = api.get("/invocations/" + attach).body();
            assertThat(selfAttached.get("completion").asString()).isEqualTo("failure");
            assertThat(selfAttached.get("last_failure").asString()).contains("attached to itself");
            assertThat(selfAttached.get("journal").findValuesAsString("type")).containsSubsequence("InputCommand",
                    "AttachInvocationCommand", "AttachInvocationCompletionNotification");

            String nap = api.post("/send/Counter/nap", "null").body().get("invocation_id").asString();
            await().atMost(Duration.ofSeconds(30)).until(() -> "suspended".equals(
                    api.get("/invocations/" + nap).body().get("status").asString()));
            JsonNode asleep = api.get("/invocations/" + nap).body();
            assertThat(asleep.get("journal").findValuesAsString("type")).containsExactly("InputCommand",
                    "SleepCommand");
            assertThat(api.get("/invocations?status=suspended").body().get("invocations").findValuesAsString("id"))
                    .contains(nap);
            assertThat(api.post("/invocations/" + nap + "/kill", "").status()).isEqualTo(200);
        }
    }

    private static void register(SdkEndpoint endpoint, boolean http11) {
        Reply registered = api.post("/deployments", json("{'uri':'%s','use_http_11':%s}"
                .formatted(endpoint.uri(), http11)));
        assertThat(registered.status()).as(registered.text()).isIn(200, 201);
    }

    private static String subscribe(String topic, String target) {
        Reply subscribed = api.post("/subscriptions", json("""
                {'source':'kafka://local/%s','sink':'service://%s','options':{'auto.offset.reset':'earliest'}}"""
                .formatted(topic, target)));
        assertThat(subscribed.status()).as(subscribed.text()).isEqualTo(201);
        return subscribed.body().get("id").asString();
    }

    private static List<JsonNode> awaitCompleted(String subscription, int count) {
        List<JsonNode> completed = new ArrayList<>();
        await().atMost(Duration.ofSeconds(90)).until(() -> {
            completed.clear();
            api.get("/invocations?subscription=" + subscription + "&limit=1000").body().get("invocations")
                    .forEach(completed::add);
            return completed.size() == count && completed.stream()
                    .allMatch(invocation -> invocation.get("status").asString().equals("completed"));
        });
        return completed;
    }

    private static JsonNode invocation(Reply call) {
        String id = call.headers().firstValue("x-ferry-invocation-id").orElseThrow();
        return api.get("/invocations/" + id).body();
    }

    private static String key(String suffix, int k) {
        return "acct-" + suffix + "-" + k;
    }
}
