package dev.ferry.e2e;

import static dev.ferry.testsupport.Api.json;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

import dev.ferry.testsupport.Api;
import dev.ferry.testsupport.Api.Reply;
import dev.ferry.testsupport.FerryInstance;
import dev.ferry.testsupport.SdkEndpoint;
import dev.ferry.testsupport.SdkEndpoint.Transport;

/**
 * Restate SDK handlers attaching to other invocations, reading their outputs and signalling them by name through
 * Ferry ({@code attach-signals.mjs}, the real TypeScript SDK): a job waits for a named signal; a watcher attached to
 * it suspends until the job ends and then gets its output (or its failure), as does a client of the REST attach;
 * reading the output of a running job answers "not ready" at once, of a completed one its output. A signal raced
 * against a timer gives up, and the seeded random values and the journalled time are the same after a replay.
 */
class SdkAttachIT {

    private static FerryInstance ferry;
    private static Api api;
    private static SdkEndpoint endpoint;

    @BeforeAll
    static void start() {
        ferry = FerryInstance.start("sdk_attach", Map.of());
        api = ferry.api();
        endpoint = SdkEndpoint.start("attach-signals.mjs", Transport.H2C);
        Reply registered = api.post("/deployments", json("{'uri':'%s'}".formatted(endpoint.uri())));
        assertThat(registered.status()).as(registered.text()).isEqualTo(201);
    }

    @AfterAll
    static void stop() {
        endpoint.close();
        ferry.close();
    }

    @Test
    void anAttachedHandlerAndARestClientWaitForTheTargetAndGetItsOutput() throws Exception {
        String job = suspendedAfter(api.post("/send/Job/hold", "null"));
        assertThat(call("peek", quoted(job))).isEqualTo("\"not ready\"");
        assertThat(api.get("/invocations/" + job + "/output").status()).isEqualTo(409);
        String watcher = suspendedAfter(api.post("/send/Watcher/attach", quoted(job)));
        CompletableFuture<HttpResponse<String>> restAttach;
        try (HttpClient client = HttpClient.newHttpClient()) {
            restAttach = client.sendAsync(HttpRequest.newBuilder(URI.create(ferry.baseUrl() + "/invocations/" + job
                    + "/attach")).timeout(Duration.ofSeconds(90)).build(), HttpResponse.BodyHandlers.ofString());

            assertThat(call("release", json("{'id':'%s','value':'now'}".formatted(job)))).isEqualTo("\"released\"");

            assertThat(output(watcher)).isEqualTo("\"watched done now\"");
            HttpResponse<String> attached = restAttach.get();
            assertThat(attached.statusCode()).isEqualTo(200);
            assertThat(attached.body()).isEqualTo("\"done now\"");
        }
        assertThat(api.get("/invocations/" + job + "/output").text()).isEqualTo("\"done now\"");
        assertThat(call("peek", quoted(job))).isEqualTo("\"output \\\"done now\\\"\"");
        assertThat(call("attachOld", quoted(job))).as("attached after the end").isEqualTo("\"watched done now\"");
        assertThat(api.get("/invocations/" + watcher).body().get("journal").findValuesAsString("type"))
                .containsSubsequence("AttachInvocationCommand", "AttachInvocationCompletionNotification",
                        "OutputCommand");
        assertThat(api.get("/invocations/" + job).body().get("journal").findValuesAsString("type"))
                .containsSubsequence("InputCommand", "SignalNotification", "OutputCommand");
    }

    @Test
    void aFailedOrKilledTargetFailsTheAttachAndAnUnknownTargetIsNamed() {
        String job = suspendedAfter(api.post("/send/Job/hold", "null"));
        String first = suspendedAfter(api.post("/send/Watcher/attach", quoted(job)));
        String second = suspendedAfter(api.post("/send/Watcher/attach", quoted(job)));

        assertThat(call("stop", quoted(job))).isEqualTo("\"stopped\"");

        assertThat(output(first)).contains("attach failed: ").contains("stopped by the watcher");
        assertThat(output(second)).contains("attach failed: ").contains("stopped by the watcher");
        JsonNode failed = api.get("/invocations/" + job).body();
        assertThat(failed.get("completion").asString()).isEqualTo("failure");
        assertThat(call("peek", quoted(job))).startsWith("\"failure ").contains("stopped by the watcher");
        String killed = suspendedAfter(api.post("/send/Job/hold", "null"));
        String third = suspendedAfter(api.post("/send/Watcher/attach", quoted(killed)));
        assertThat(api.post("/invocations/" + killed + "/kill", "").status()).isEqualTo(200);
        assertThat(output(third)).contains("attach failed: ").contains("killed");
        String unknown = "inv_01nosuchinvocation0000000";
        assertThat(call("attach", quoted(unknown))).contains("attach failed: no invocation " + unknown);
        assertThat(call("peek", quoted(unknown))).contains("failure no invocation " + unknown);
    }

    @Test
    void aSignalRacedAgainstATimerGivesUpAndRandomValuesAndTimeSurviveAReplay() {
        Reply impatient = api.post("/call/Job/impatient", "null");
        assertThat(impatient.status()).as(impatient.text()).isEqualTo(200);
        assertThat(impatient.text()).startsWith("\"gave up: ");

        Reply first = api.post("/call/Job/draw", "null");
        Reply second = api.post("/call/Job/draw", "null");
        assertThat(first.status()).as(first.text()).isEqualTo(200);
        long before = System.currentTimeMillis() - Duration.ofMinutes(5).toMillis();
        for (Reply drawn : new Reply[] {first, second}) {
            assertThat(drawn.body().get("same").asBoolean()).as(drawn.text()).isTrue();
            assertThat(drawn.body().get("now").asLong()).isBetween(before, System.currentTimeMillis() + 1000);
            assertThat(drawn.body().get("second").asString()).isNotEqualTo(drawn.body().get("first").asString());
        }
        assertThat(second.body().get("first").asString()).as("another invocation, another seed")
                .isNotEqualTo(first.body().get("first").asString());
    }

    private static String call(String handler, String body) {
        Reply reply = api.post("/call/Watcher/" + handler, body);
        assertThat(reply.status()).as(reply.text()).isEqualTo(200);
        return reply.text();
    }

    private static String suspendedAfter(Reply sent) {
        assertThat(sent.status()).as(sent.text()).isEqualTo(202);
        String id = sent.body().get("invocation_id").asString();
        await(id + " suspended").atMost(Duration.ofSeconds(30)).until(() -> "suspended".equals(
                api.get("/invocations/" + id).body().get("status").asString()));
        return id;
    }

    private static String output(String id) {
        await(id + " completed").atMost(Duration.ofSeconds(30)).until(() -> "completed".equals(
                api.get("/invocations/" + id).body().get("status").asString()));
        return api.get("/invocations/" + id + "/output").text();
    }

    private static String quoted(String text) {
        return "\"" + text + "\"";
    }
}
