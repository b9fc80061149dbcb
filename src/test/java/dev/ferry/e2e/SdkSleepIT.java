package dev.ferry.e2e;

import static dev.ferry.testsupport.Api.json;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

import dev.ferry.testsupport.Api;
import dev.ferry.testsupport.FerryProcess;
import dev.ferry.testsupport.SdkEndpoint;
import dev.ferry.testsupport.SdkEndpoint.Transport;
import dev.ferry.testsupport.TestInfrastructure;

/**
 * A Restate SDK handler (the real TypeScript SDK) that runs a step, sleeps 2 s and runs a step after it, with Ferry
 * killed with SIGKILL during the sleep and restarted on the same database: the timer is a row, so the invocation
 * wakes up under the second instance and its steps run exactly once. The sleeping invocation is an exclusive
 * handler of a virtual object and keeps its key: a deposit to the same object waits until it has completed.
 */
class SdkSleepIT {

    private static final Path LOG = Path.of("target", "sdk-sleep-it", "ferry.log");
    private static final Duration SLEEP = Duration.ofSeconds(2);

    private final List<FerryProcess> processes = new CopyOnWriteArrayList<>();

    @AfterEach
    void stopProcesses() {
        processes.forEach(FerryProcess::close);
    }

    @Test
    void aSleepingInvocationKeepsItsKeySurvivesAKillAndRunsItsNextStepOnce() throws Exception {
        Files.deleteIfExists(LOG);
        String database = TestInfrastructure.freshDatabase("sdk_sleep");
        try (SdkEndpoint endpoint = SdkEndpoint.start("account-counter.mjs", Transport.H2C)) {
            FerryProcess first = start(database);
            Api api = first.api();
            Api.Reply registered = api.post("/deployments", json("{'uri':'%s'}".formatted(endpoint.uri())));
            assertThat(registered.status()).as(registered.text()).isEqualTo(201);

            String snooze = sent(api.post("/send/Account/sleeper/snooze", String.valueOf(SLEEP.toMillis())));
            await("the handler asleep").atMost(Duration.ofSeconds(60))
                    .until(() -> "suspended".equals(status(api, snooze)));
            String deposit = sent(api.post("/send/Account/sleeper/deposit", "1"));
            JsonNode asleep = api.get("/invocations/" + snooze).body();
            assertThat(asleep.get("journal").findValuesAsString("type")).contains("SleepCommand");
            assertThat(Instant.parse(asleep.get("next_attempt_at").asString()))
                    .as("the wake-up time").isAfter(Instant.parse(asleep.get("created_at").asString()));
            assertThat(status(api, deposit)).as("a deposit behind the sleeping holder of the key").isEqualTo("pending");
            assertThat(endpoint.runs("before")).isEqualTo(1);

            first.kill();
            FerryProcess second = start(database);
            Api restarted = second.api();

            await("both invocations completed").atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(200))
                    .until(() -> "completed".equals(status(restarted, deposit)));
            JsonNode woke = restarted.get("/invocations/" + snooze).body();
            JsonNode after = restarted.get("/invocations/" + deposit).body();
            assertThat(woke.get("completion").asString()).isEqualTo("success");
            assertThat(after.get("completion").asString()).isEqualTo("success");
            assertThat(Duration.between(Instant.parse(woke.get("created_at").asString()),
                    Instant.parse(woke.get("completed_at").asString()))).isGreaterThanOrEqualTo(SLEEP);
            assertThat(woke.get("journal").findValuesAsString("type")).containsSubsequence("SleepCommand",
                    "SleepCompletionNotification", "RunCommand", "OutputCommand");
            assertThat(endpoint.runs("before")).as("the step before the sleep ran once").isEqualTo(1);
            assertThat(endpoint.runs("after")).as("the step after the sleep ran once").isEqualTo(1);
            assertThat(restarted.post("/call/Account/sleeper/balance", "").text())
                    .as("the deposit ran after the sleeper, on its state").isEqualTo("2");
        }
    }

    private FerryProcess start(String database) {
        FerryProcess process = FerryProcess.launch(database, Map.of("ferry.dispatch.lease", "3s"), LOG);
        processes.add(process);
        process.awaitReady();
        return process;
    }

    private static String sent(Api.Reply reply) {
        assertThat(reply.status()).as(reply.text()).isEqualTo(202);
        return reply.body().get("invocation_id").asString();
    }

    private static String status(Api api, String id) {
        return api.get("/invocations/" + id).body().get("status").asString();
    }
}
