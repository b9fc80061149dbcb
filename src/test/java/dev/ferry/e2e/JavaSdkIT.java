package dev.ferry.e2e;

import static dev.ferry.testsupport.Api.json;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

import dev.ferry.testsupport.Api;
import dev.ferry.testsupport.Api.Reply;
import dev.ferry.testsupport.FerryInstance;
import dev.ferry.testsupport.InvocationTable;
import dev.ferry.testsupport.Records;
import dev.ferry.testsupport.SdkEndpoint;
import dev.ferry.testsupport.TestInfrastructure;
import dev.ferry.testsupport.Topics;

/**
 * A second real SDK: services written with the Restate Java SDK ({@code dev.restate:sdk-java-http}, in
 * {@code src/test/restate-java}, served by its Vert.x HTTP server over HTTP/2 cleartext in a JVM of its own),
 * registered with {@code POST /deployments}, subscribed to a Kafka topic and called through {@code /call}: each
 * keyed record is added to its object's state exactly once, and each {@code ctx.run} step runs once.
 */
class JavaSdkIT {

    private static final int KEYS = 10;
    private static final int PER_KEY = 20;
    private static final String TALLIES = "java-sdk-tallies";
    private static final String GREETINGS = "java-sdk-greetings";

    @Test
    void runsAJavaSdkVirtualObjectAndServiceWithExactState() {
        String database = TestInfrastructure.freshDatabase("java_sdk");
        InvocationTable invocations = new InvocationTable(database);
        try (FerryInstance ferry = FerryInstance.startOn(database, Map.of());
                SdkEndpoint endpoint = SdkEndpoint.startJava();
                Records records = new Records(TestInfrastructure.kafka().bootstrapServers())) {
            Api api = ferry.api();
            assertThat(api.post("/kafka-clusters", json("{'name':'local','properties':{'bootstrap.servers':'%s'}}"
                    .formatted(TestInfrastructure.kafka().bootstrapServers()))).status()).isEqualTo(201);
            Reply registered = api.post("/deployments", json("{'uri':'%s'}".formatted(endpoint.uri())));
            assertThat(registered.status()).as(registered.text()).isEqualTo(201);
            List<String> services = new ArrayList<>();
            registered.body().get("services").forEach(service -> services.add(service.get("name").asString()));
            assertThat(services).containsExactlyInAnyOrder("Tally", "Greeter");
            assertThat(registered.body().get("sdk_version").asString()).startsWith("restate-sdk-java/2.4.0");
            assertThat(api.get("/deployments").body().get("deployments").get(0).get("http_version").asString())
                    .isEqualTo("HTTP/2.0");

            Topics.create(TALLIES, 4);
            subscribe(api, TALLIES, "Tally/add");
            String greetings = subscribe(api, GREETINGS, "Greeter/greet");
            for (int round = 0; round < PER_KEY; round++) {
                for (int k = 0; k < KEYS; k++) {
                    records.send(TALLIES, key(k), Integer.toString(k + 1));
                }
            }
            records.send(GREETINGS, "g", "\"ada\"");
            records.flush();

            int total = KEYS * PER_KEY + 1;
            await("every record's invocation completed").atMost(Duration.ofMinutes(2))
                    .pollInterval(Duration.ofMillis(500))
                    .until(() -> invocations.count("subscription_id is not null") == total
                            && invocations.count("status <> 'completed'") == 0);
            assertThat(invocations.count("completion <> 'success'")).as("invocations that did not succeed").isZero();

            for (int k = 0; k < KEYS; k++) {
                long expected = (long) PER_KEY * (k + 1);
                JsonNode state = api.get("/services/Tally/state/" + key(k)).body().get("state");
                assertThat(state).as("state of " + key(k)).hasSize(1);
                assertThat(state.get(0).get("key").asString()).isEqualTo("count");
                assertThat(state.get(0).get("json").asLong()).as("count of " + key(k)).isEqualTo(expected);
                Reply count = api.post("/call/Tally/" + key(k) + "/count", "");
                assertThat(count.status()).as(count.text()).isEqualTo(200);
                assertThat(count.text()).isEqualTo(Long.toString(expected));
            }
            assertThat(endpoint.runs("add")).as("ctx.run executions").isEqualTo(KEYS * PER_KEY);

            String greeting = invocations.all().stream().filter(row -> greetings.equals(row.subscriptionId()))
                    .map(InvocationTable.Row::id).findFirst().orElseThrow();
            assertThat(api.get("/invocations/" + greeting + "/output").text())
                    .isEqualTo("\"hello ada from " + GREETINGS + "\"");
            Reply called = api.post("/call/Greeter/greet", "\"ferry\"");
            assertThat(called.status()).as(called.text()).isEqualTo(200);
            assertThat(called.text()).isEqualTo("\"hello ferry from a call\"");
        }
    }

    private static String subscribe(Api api, String topic, String target) {
        Reply subscribed = api.post("/subscriptions", json("""
                {'source':'kafka://local/%s','sink':'service://%s','options':{'auto.offset.reset':'earliest'}}"""
                .formatted(topic, target)));
        assertThat(subscribed.status()).as(subscribed.text()).isEqualTo(201);
        return subscribed.body().get("id").asString();
    }

    private static String key(int k) {
        return "tally-" + k;
    }
}
