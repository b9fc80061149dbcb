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
 * A Restate workflow on Ferry ({@code signup-workflow.mjs}, the real TypeScript SDK): its run handler runs once
 * per key, started by a Kafka record or a call, and waits suspended for a durable promise that a shared handler,
 * running beside it, resolves or rejects; a peek answers at once, a second resolution fails with 409, and the
 * workflow's state and promises are kept for the workflow retention after the run, then cleared.
 */
class SdkWorkflowIT {

    private static FerryInstance ferry;
    private static Api api;
    private static SdkEndpoint endpoint;

    @BeforeAll
    static void start() {
        ferry = FerryInstance.start("sdk_workflow", Map.of());
        api = ferry.api();
        endpoint = SdkEndpoint.start("signup-workflow.mjs", Transport.H2C);
        assertThat(api.post("/kafka-clusters", json("{'name':'local','properties':{'bootstrap.servers':'%s'}}"
                .formatted(TestInfrastructure.kafka().bootstrapServers()))).status()).isEqualTo(201);
        Reply registered = api.post("/deployments", json("{'uri':'%s'}".formatted(endpoint.uri())));
        assertThat(registered.status()).as(registered.text()).isEqualTo(201);
    }

    @AfterAll
    static void stop() {
        endpoint.close();
        ferry.close();
    }

    @Test
    void aRunStartedByRecordsRunsOncePerKeyAndWaitsForThePromiseASharedHandlerResolves() {
        Topics.create("signups", 1);
        Reply subscribed = api.post("/subscriptions", json("""
                {'source':'kafka://local/signups','sink':'service://Signup/run',
                 'options':{'auto.offset.reset':'earliest'}}"""));
        assertThat(subscribed.status()).as(subscribed.text()).isEqualTo(201);
        String subscription = subscribed.body().get("id").asString();
        try (Records records = new Records(TestInfrastructure.kafka().bootstrapServers())) {
            records.send("signups", "ada", "\"ada@example.com\"");
            records.send("signups", "ada", "\"ada@elsewhere.example\"");
            records.flush();
        }
        JsonNode[] listed = new JsonNode[1];
        await("the run waiting, the second record a duplicate").atMost(Duration.ofSeconds(60)).until(() -> {
            listed[0] = api.get("/invocations?subscription=" + subscription).body().get("invocations");
            return listed[0].size() == 2 && listed[0].findValuesAsString("status").contains("suspended")
                    && listed[0].findValuesAsString("status").contains("completed");
        });
        assertThat(listed[0].findValuesAsString("failure_reason")).containsExactly("duplicate");
        String run = idWithStatus(listed[0], "suspended");

        assertThat(call("ada", "email", "null")).as("a shared handler reads the state beside the run")
                .isEqualTo("\"ada@example.com\"");
        assertThat(call("ada", "peek", "null")).isEqualTo("\"pending\"");
        assertThat(call("ada", "approve", "\"yes\"")).isEqualTo("\"approved\"");

        assertThat(output(run)).isEqualTo("\"ada@example.com yes, peeked yes\"");
        assertThat(call("ada", "approve", "\"again\"")).isEqualTo("\"refused (409): promise was already completed\"");
        assertThat(call("ada", "peek", "null")).isEqualTo("\"yes\"");
        Reply again = api.post("/call/Signup/ada/run", "\"ada@example.com\"");
        assertThat(again.status()).as(again.text()).isEqualTo(409);
        assertThat(again.body().get("type").asString()).endsWith("workflow-already-ran");
        assertThat(call("ada", "rerun", "null")).as("a run started by a handler is a duplicate too")
                .contains("refused: call to Signup/ada/run refused: workflow Signup already ran for key 'ada'");
        assertThat(endpoint.runs("run-ada")).as("real executions of the run handler").isEqualTo(1);
        assertThat(api.get("/invocations/" + run).body().get("journal").findValuesAsString("type"))
                .containsSubsequence("GetPromiseCommand", "GetPromiseCompletionNotification", "PeekPromiseCommand",
                        "PeekPromiseCompletionNotification", "OutputCommand");
    }

    @Test
    void aRejectedPromiseFailsTheWaitingGetWithTheReasonAndAPurgedRunTakesStateAndPromisesWithIt() {
        String run = suspendedRun("bob", "\"bob@example.com\"");

        assertThat(call("bob", "reject", "\"no spots left\"")).isEqualTo("\"rejected\"");

        assertThat(output(run)).isEqualTo("\"rejected: no spots left\"");
        assertThat(call("bob", "peek", "null")).isEqualTo("\"failed: no spots left\"");
        assertThat(api.delete("/invocations/" + run).status()).as("purged by hand").isEqualTo(204);
        assertThat(call("bob", "email", "null")).as("the state went with the run").isEqualTo("\"none\"");
        assertThat(call("bob", "peek", "null")).as("the promises went with the run").isEqualTo("\"pending\"");
    }

    @Test
    void aWorkflowsStateAndPromisesAreKeptForTheWorkflowRetentionAfterItsRunThenCleared() {
        String run = suspendedRun("cy", "\"cy@example.com\"");
        call("cy", "approve", "\"yes\"");
        output(run);
        RetentionSweeper sweeper = ferry.bean(RetentionSweeper.class);

        sweeper.sweep(Instant.now().plus(Duration.ofHours(23)));

        assertThat(api.get("/invocations/" + run).status()).as("the run is kept for a day").isEqualTo(200);
        assertThat(call("cy", "email", "null")).isEqualTo("\"cy@example.com\"");
        assertThat(call("cy", "peek", "null")).isEqualTo("\"yes\"");
        assertThat(api.post("/call/Signup/cy/run", "\"cy@example.com\"").status()).isEqualTo(409);

        sweeper.sweep(Instant.now().plus(Duration.ofHours(25)));

        assertThat(api.get("/invocations/" + run).status()).isEqualTo(404);
        assertThat(call("cy", "email", "null")).as("the state went with the run").isEqualTo("\"none\"");
        assertThat(call("cy", "peek", "null")).as("the promises went with the run").isEqualTo("\"pending\"");
        String rerun = suspendedRun("cy", "\"cy@new.example\"");
        assertThat(rerun).isNotEqualTo(run);
        assertThat(endpoint.runs("run-cy")).as("the key ran again").isEqualTo(2);
    }

    private static String suspendedRun(String key, String email) {
        Reply sent = api.post("/send/Signup/" + key + "/run", email);
        assertThat(sent.status()).as(sent.text()).isEqualTo(202);
        String id = sent.body().get("invocation_id").asString();
        await(key + " waiting for its promise").atMost(Duration.ofSeconds(30)).until(() -> "suspended".equals(
                api.get("/invocations/" + id).body().get("status").asString()));
        return id;
    }

    private static String call(String key, String handler, String body) {
        Reply reply = api.post("/call/Signup/" + key + "/" + handler, body);
        assertThat(reply.status()).as(reply.text()).isEqualTo(200);
        return reply.text();
    }

    private static String output(String id) {
        await("invocation " + id + " completed").atMost(Duration.ofSeconds(30)).until(() -> "completed".equals(
                api.get("/invocations/" + id).body().get("status").asString()));
        return api.get("/invocations/" + id + "/output").text();
    }

    private static String idWithStatus(JsonNode invocations, String status) {
        for (JsonNode invocation : invocations) {
            if (status.equals(invocation.get("status").asString())) {
                return invocation.get("id").asString();
            }
        }
        throw new AssertionError("no invocation is " + status + ": " + invocations);
    }
}
