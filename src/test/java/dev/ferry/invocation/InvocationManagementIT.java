package dev.ferry.invocation;

import static dev.ferry.testsupport.Api.json;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

import dev.ferry.testsupport.Api;
import dev.ferry.testsupport.Api.Reply;
import dev.ferry.testsupport.FerryInstance;
import dev.ferry.testsupport.HandlerServer;
import dev.ferry.testsupport.HandlerServer.Response;

/** Operators list, describe and steer invocations; completed ones are purged after their retention. */
class InvocationManagementIT {

    private static FerryInstance ferry;
    private static Api api;
    private static HandlerServer handler;
    /** Per request body: the status to answer; a body listed in {@link #blocked} waits for its latch first. */
    private static final Map<String, Integer> answers = new ConcurrentHashMap<>();
    private static final Map<String, CountDownLatch> blocked = new ConcurrentHashMap<>();

    @BeforeAll
    static void start() {
        ferry = FerryInstance.start("management", Map.of());
        api = ferry.api();
        handler = HandlerServer.start().respondWith(request -> {
            CountDownLatch latch = blocked.get(request.bodyText());
            if (latch != null) {
                try {
                    latch.await(30, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
            int status = answers.getOrDefault(request.bodyText(), 200);
            return status == 200 ? Response.ok("{\"echo\":" + request.bodyText() + "}") : Response.status(status);
        });
        register("Worker", "SERVICE", "'retry_policy':{'initial_interval':'1h','max_attempts':3}", "work");
        register("Fragile", "SERVICE", "'retry_policy':{'initial_interval':'10ms','max_attempts':1}", "work");
        register("Brief", "SERVICE", "'retention':'1h'", "work");
        register("Counter", "VIRTUAL_OBJECT", "'retry_policy':{'initial_interval':'1h'}", "add");
    }

    @AfterAll
    static void stop() {
        ferry.close();
        handler.close();
    }

    @Test
    void pausesResumesAndRefusesActionsTheStatusDoesNotAllow() {
        answers.put("{\"n\":1}", 503);
        String id = send("/send/Worker/work", "{\"n\":1}");
        awaitStatus(id, "backing-off");
        JsonNode backingOff = api.get("/invocations/" + id).body();
        assertThat(backingOff.get("last_failure").asString()).contains("HTTP 503");
        assertThat(backingOff.get("next_attempt_at").asString()).isNotBlank();

        assertThat(action(id, "pause").status()).isEqualTo(200);
        awaitStatus(id, "paused");
        Reply refused = action(id, "pause");
        assertThat(refused.status()).isEqualTo(409);
        assertThat(refused.body().get("detail").asString()).contains("is paused");
        assertThat(refused.body().get("status").asString()).isEqualTo("paused");

        answers.put("{\"n\":1}", 200);
        assertThat(action(id, "resume").status()).isEqualTo(200);
        awaitStatus(id, "completed");
        assertThat(api.get("/invocations/" + id).body().get("attempts").asInt()).isEqualTo(2);

        assertThat(action(id, "resume").status()).isEqualTo(409);
        assertThat(action(id, "cancel").status()).isEqualTo(409);
        assertThat(action(id, "kill").status()).isEqualTo(409);
        assertThat(action("inv_unknown", "cancel").status()).isEqualTo(404);
        assertThat(action(id, "explode").status()).isEqualTo(400);
    }

    @Test
    void pausesAtMaxAttemptsAndResumesFromThere() {
        answers.put("{\"fragile\":1}", 500);
        String id = send("/send/Fragile/work", "{\"fragile\":1}");
        awaitStatus(id, "paused");
        assertThat(api.get("/invocations/" + id).body().get("last_failure").asString()).contains("gave up after 1");
        answers.put("{\"fragile\":1}", 200);
        action(id, "resume");
        awaitStatus(id, "completed");
    }

    @Test
    void cancelsARunningCallAndKillsAPendingOne() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        blocked.put("{\"slow\":1}", release);
        String running = send("/send/Counter/k1/add", "{\"slow\":1}");
        String pending = send("/send/Counter/k1/add", "{\"slow\":2}");
        awaitStatus(running, "running");
        assertThat(status(pending)).isEqualTo("pending");
        assertThat(action(pending, "pause").status()).isEqualTo(409);

        assertThat(action(pending, "kill").status()).isEqualTo(200);
        assertThat(api.get("/invocations/" + pending).body().get("failure_reason").asString()).isEqualTo("killed");
        assertThat(action(running, "cancel").status()).isEqualTo(200);
        JsonNode cancelled = api.get("/invocations/" + running).body();
        assertThat(cancelled.get("status").asString()).isEqualTo("completed");
        assertThat(cancelled.get("failure_reason").asString()).isEqualTo("cancelled");
        release.countDown();

        String next = send("/send/Counter/k1/add", "{\"after\":1}");
        awaitStatus(next, "completed");
        assertThat(status(running)).isEqualTo("completed");
        assertThat(api.get("/invocations/" + running).body().get("completion").asString()).isEqualTo("failure");
        assertThat(handler.received()).noneMatch(request -> request.bodyText().equals("{\"slow\":2}"));
    }

    @Test
    void cancelsAScheduledSendRestartsAndPurgesCompletedOnes() {
        String scheduled = send("/send/Worker/work?delay=1h", "{\"later\":1}");
        assertThat(status(scheduled)).isEqualTo("scheduled");
        assertThat(action(scheduled, "cancel").status()).isEqualTo(200);
        assertThat(api.get("/invocations/" + scheduled).body().get("failure_reason").asString()).isEqualTo("cancelled");

        String done = send("/send/Worker/work", "{\"restart\":1}");
        awaitStatus(done, "completed");
        Reply restarted = action(done, "restart");
        assertThat(restarted.status()).isEqualTo(200);
        String again = restarted.body().get("invocation_id").asString();
        assertThat(again).isNotEqualTo(done);
        awaitStatus(again, "completed");
        assertThat(handler.received()).filteredOn(request -> request.bodyText().equals("{\"restart\":1}")).hasSize(2);

        String unfinished = send("/send/Worker/work?delay=1h", "{\"keep\":1}");
        assertThat(api.delete("/invocations/" + unfinished).status()).isEqualTo(409);
        assertThat(action(unfinished, "restart").status()).isEqualTo(409);
        assertThat(api.delete("/invocations/" + done).status()).isEqualTo(204);
        assertThat(api.get("/invocations/" + done).status()).isEqualTo(404);
        assertThat(api.delete("/invocations/" + done).status()).isEqualTo(404);
    }

    @Test
    void describesEverythingKnownAboutAnInvocation() {
        String id = send("/send/Worker/work", "{\"describe\":\"me\"}");
        awaitStatus(id, "completed");
        JsonNode described = api.get("/invocations/" + id).body();
        assertThat(described.get("target").asString()).isEqualTo("Worker/work");
        assertThat(described.get("input").get("text").asString()).isEqualTo("{\"describe\":\"me\"}");
        assertThat(described.get("result").get("text").asString()).isEqualTo("{\"echo\":{\"describe\":\"me\"}}");
        assertThat(described.get("origin").get("type").asString()).isEqualTo("rpc");
        for (String field : List.of("created_at", "first_running_at", "completed_at", "modified_at")) {
            assertThat(described.has(field)).as(field).isTrue();
        }
    }

    @Test
    void appliesAnActionToEveryMatchAfterADryRun() {
        for (int i = 0; i < 5; i++) {
            answers.put("{\"bulk\":" + i + "}", 503);
            send("/send/Worker/work", "{\"bulk\":" + i + "}");
        }
        await().atMost(Duration.ofSeconds(30)).until(() -> api.get("/invocations/counts?service=Worker").body()
                .get("counts").get("backing-off").asInt() >= 5);

        Reply dryRun = api.post("/invocations/bulk/pause",
                json("{'service':'Worker','status':'backing-off','dry_run':true}"));
        assertThat(dryRun.status()).isEqualTo(200);
        int matched = dryRun.body().get("matched").asInt();
        assertThat(matched).isGreaterThanOrEqualTo(5);
        assertThat(dryRun.body().get("succeeded").isEmpty()).isTrue();
        assertThat(api.get("/invocations/counts?service=Worker").body().get("counts").get("backing-off").asInt())
                .isEqualTo(matched);

        Reply applied = api.post("/invocations/bulk/pause",
                json("{'service':'Worker','status':'backing-off','limit':3}"));
        assertThat(applied.body().get("matched").asInt()).isEqualTo(3);
        assertThat(applied.body().get("succeeded").size()).isEqualTo(3);
        Reply cancelled = api.post("/invocations/bulk/cancel", json("{'service':'Worker','status':'paused'}"));
        assertThat(cancelled.body().get("succeeded").size()).isGreaterThanOrEqualTo(3);
        assertThat(cancelled.body().get("failed").isEmpty()).isTrue();
    }

    @Test
    void pagesThroughInvocationsWithACursorInEitherOrder() {
        Set<String> sent = new HashSet<>();
        for (int i = 0; i < 7; i++) {
            sent.add(send("/send/Brief/work", "{\"page\":" + i + "}"));
        }
        List<String> newestFirst = pages("/invocations?service=Brief&limit=3");
        List<String> oldestFirst = pages("/invocations?service=Brief&limit=3&order=oldest");
        assertThat(newestFirst).containsAll(sent).doesNotHaveDuplicates();
        assertThat(oldestFirst).isEqualTo(newestFirst.reversed());
        assertThat(api.get("/invocations?status=nonsense").status()).isEqualTo(400);
        assertThat(api.get("/invocations?limit=0").status()).isEqualTo(400);
        assertThat(api.get("/invocations?created_after=" + Instant.now().plusSeconds(3600)).body().get("invocations")
                .isEmpty()).isTrue();
    }

    @Test
    void purgesCompletedInvocationsAfterTheirRetention() {
        String brief = send("/send/Brief/work", "{\"retain\":\"brief\"}");
        String global = send("/send/Worker/work", "{\"retain\":\"global\"}");
        String unfinished = send("/send/Worker/work?delay=30h", "{\"retain\":\"unfinished\"}");
        awaitStatus(brief, "completed");
        awaitStatus(global, "completed");
        RetentionSweeper sweeper = ferry.bean(RetentionSweeper.class);

        sweeper.sweep(Instant.now().plus(Duration.ofHours(2)));
        assertThat(api.get("/invocations/" + brief).status()).isEqualTo(404);
        assertThat(api.get("/invocations/" + global).status()).isEqualTo(200);

        sweeper.sweep(Instant.now().plus(Duration.ofHours(25)));
        assertThat(api.get("/invocations/" + global).status()).isEqualTo(404);
        assertThat(api.get("/invocations/" + unfinished).status()).isEqualTo(200);
    }

    private static List<String> pages(String path) {
        List<String> ids = new ArrayList<>();
        String cursor = null;
        do {
            JsonNode page = api.get(path + (cursor == null ? "" : "&cursor=" + cursor)).body();
            page.get("invocations").forEach(invocation -> ids.add(invocation.get("id").asString()));
            cursor = page.has("next_cursor") ? page.get("next_cursor").asString() : null;
        } while (cursor != null);
        return ids;
    }

    private static void register(String name, String type, String extra, String handlerName) {
        Reply reply = api.post("/services",
                json("{'name':'%s','type':'%s','endpoint':'%s',%s,'handlers':[{'name':'%s'}]}"
                        .formatted(name, type, handler.endpoint(), extra, handlerName)));
        assertThat(reply.status()).as(reply.text()).isEqualTo(201);
    }

    private static String send(String path, String body) {
        Reply reply = api.post(path, body);
        assertThat(reply.status()).as(reply.text()).isEqualTo(202);
        return reply.body().get("invocation_id").asString();
    }

    private static Reply action(String id, String action) {
        return api.post("/invocations/" + id + "/" + action, "");
    }

    private static String status(String id) {
        return api.get("/invocations/" + id).body().get("status").asString();
    }

    private static void awaitStatus(String id, String status) {
        await().atMost(Duration.ofSeconds(30)).until(() -> status(id).equals(status));
    }
}
