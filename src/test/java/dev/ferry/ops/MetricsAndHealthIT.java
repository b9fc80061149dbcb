package dev.ferry.ops;

import static dev.ferry.testsupport.Api.json;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import dev.ferry.testsupport.Api;
import dev.ferry.testsupport.FerryInstance;
import dev.ferry.testsupport.HandlerServer;
import dev.ferry.testsupport.Records;
import dev.ferry.testsupport.TestInfrastructure;

/** Prometheus metrics and health, scraped from a running Ferry. */
class MetricsAndHealthIT {

    private static FerryInstance ferry;
    private static Api api;
    private static HandlerServer handler;

    @BeforeAll
    static void start() {
        ferry = FerryInstance.start("metrics", Map.of("ferry.consumer.reconcile-interval", "500ms",
                "ferry.invocations.gauge-interval", "500ms"));
        api = ferry.api();
        AtomicInteger calls = new AtomicInteger();
        handler = HandlerServer.start().respondWith(request -> calls.incrementAndGet() % 3 == 0
                ? HandlerServer.Response.status(503) : HandlerServer.Response.ok("{}"));
        api.post("/kafka-clusters", json("{'name':'local','properties':{'bootstrap.servers':'%s'}}"
                .formatted(TestInfrastructure.kafka().bootstrapServers())));
        api.post("/services", json(("{'name':'Meter','type':'SERVICE','endpoint':'%s',"
                + "'retry_policy':{'initial_interval':'10ms'},'handlers':[{'name':'read'}]}")
                .formatted(handler.endpoint())));
    }

    @AfterAll
    static void stop() {
        ferry.close();
        handler.close();
    }

    @Test
    void exposesIngestDispatchAndConsumerMetersAndRemovesThoseOfADeletedSubscription() throws Exception {
        String subscription = api.post("/subscriptions",
                json("{'source':'kafka://local/metered','sink':'service://Meter/read',"
                + "'options':{'auto.offset.reset':'earliest'}}")).body().get("id").asString();
        try (Records records = new Records(TestInfrastructure.kafka().bootstrapServers())) {
            for (int i = 0; i < 20; i++) {
                records.send("metered", null, "{\"n\":" + i + "}");
            }
        }
        await().atMost(Duration.ofSeconds(60)).until(() -> api.get("/invocations/counts?service=Meter").body()
                .get("counts").get("completed").asInt() == 20);

        String tag = "subscription=\"" + subscription + "\"";
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
            String metrics = scrape();
            assertThat(metrics).contains("ferry_records_ingested_total{", tag, "topic=\"metered\"");
            assertThat(line(metrics, "ferry_records_ingested_total", tag)).endsWith(" 20.0");
            assertThat(metrics).contains("ferry_consumer_lag{").contains("ferry_ingest_batch_size_count{")
                    .contains("ferry_ingest_latency_seconds_count{");
            assertThat(line(metrics, "ferry_consumer_state", tag, "state=\"running\"")).endsWith(" 1.0");
            assertThat(metrics).contains("ferry_handler_calls_seconds_bucket{")
                    .contains("outcome=\"retry\"").contains("outcome=\"success\"")
                    .contains("ferry_handler_calls_seconds_bucket{", "le=\"0.1\"");
            assertThat(line(metrics, "ferry_invocations_completed_total", "result=\"success\"")).endsWith(" 20.0");
            assertThat(metrics).contains("ferry_invocation_attempts_count{")
                    .contains("ferry_invocation_end_to_end_seconds_count{");
        });
        checkWithPromtool(scrape());

        api.post("/send/Meter/read?delay=1h", "{}");
        await().atMost(Duration.ofSeconds(10)).until(() -> scrape().contains("ferry_invocations{")
                && line(scrape(), "ferry_invocations{", "status=\"scheduled\"").endsWith(" 1.0"));

        assertThat(api.delete("/subscriptions/" + subscription).status()).isEqualTo(202);
        await().atMost(Duration.ofSeconds(30)).until(() -> !scrape().contains(tag));
    }

    @Test
    void reportsLivenessAndReadinessWithEachConsumersState() {
        var liveness = api.get("/actuator/health/liveness");
        assertThat(liveness.status()).isEqualTo(200);
        assertThat(liveness.body().get("status").asString()).isEqualTo("UP");
        var readiness = api.get("/actuator/health/readiness");
        assertThat(readiness.status()).isEqualTo(200);
        assertThat(readiness.body().get("components").has("db")).isTrue();
        assertThat(readiness.body().get("components").get("consumers").get("status").asString()).isEqualTo("UP");
    }

    private static String scrape() {
        return api.get("/actuator/prometheus").text();
    }

    private static String line(String metrics, String name, String... containing) {
        return metrics.lines()
                .filter(line -> line.startsWith(name) && Arrays.stream(containing).allMatch(line::contains))
                .findFirst().orElse("");
    }

    /** promtool's lint: exit 0 is clean, 3 lists lint warnings only (from library meters); 1 is an error. */
    private static void checkWithPromtool(String metrics) throws IOException, InterruptedException {
        Path promtool = Path.of("/usr/bin/promtool");
        Assumptions.assumeTrue(Files.isExecutable(promtool),
                "promtool is not installed (Debian package prometheus); skipping the format check");
        Process process = new ProcessBuilder(promtool.toString(), "check", "metrics").redirectErrorStream(true).start();
        try (var in = process.getOutputStream()) {
            in.write(metrics.getBytes(StandardCharsets.UTF_8));
        }
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(process.waitFor(30, TimeUnit.SECONDS)).isTrue();
        assertThat(process.exitValue()).as(output).isIn(0, 3);
        assertThat(output.lines().filter(line -> line.startsWith("ferry_"))).as(output).isEmpty();
    }
}
