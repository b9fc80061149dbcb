package dev.ferry.ops;

import static dev.ferry.testsupport.Api.json;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.composite.CompositeMeterRegistry;
import io.micrometer.core.instrument.push.PushMeterRegistry;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.orm.jpa.LocalContainerEntityManagerFactoryBean;

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
                + "'options':{'auto.offset.reset':'earliest','group.id':'metered-group'}}")).body().get("id")
                .asString();
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
            assertThat(value(metrics, "ferry_records_ingested_total", tag)).isEqualTo(20);
            assertThat(value(metrics, "ferry_consumer_lag{", tag, "consumergroup=\"metered-group\"",
                    "partition=\"0\"")).isEqualTo(0);
            assertThat(metrics).contains("ferry_ingest_batch_size_count{");
            assertThat(line(metrics, "ferry_ingest_latency_seconds_bucket{", tag, "le=\"+Inf\"")).isNotEmpty();
            assertThat(value(metrics, "ferry_consumer_state", tag, "state=\"running\"")).isEqualTo(1);
            assertThat(metrics).contains("ferry_handler_calls_seconds_bucket{", "le=\"0.1\"");
            assertThat(line(metrics, "ferry_handler_calls_seconds_count{", "outcome=\"retry\"",
                    "status_class=\"5xx\"", "reason=\"5xx\"")).isNotEmpty();
            assertThat(value(metrics, "ferry_handler_calls_seconds_count{", "outcome=\"success\"",
                    "status_class=\"2xx\"", "reason=\"none\"")).isEqualTo(20);
            assertThat(value(metrics, "ferry_invocations_completed_total", "service=\"Meter\"",
                    "result=\"success\"", "reason=\"none\"")).isEqualTo(20);
            assertThat(metrics).contains("ferry_invocation_attempts_count{");
            assertThat(value(metrics, "ferry_invocation_end_to_end_seconds_count{", "service=\"Meter\""))
                    .isEqualTo(20);
            assertThat(value(metrics, "ferry_invocation_end_to_end_seconds_bucket{", "service=\"Meter\"",
                    "le=\"+Inf\"")).isEqualTo(20);
            assertThat(value(metrics, "ferry_dispatch_slots_in_use")).isEqualTo(0);
            assertThat(value(metrics, "ferry_dispatch_slots_limit")).isPositive();
            assertThat(value(metrics, "ferry_invocations_reporter")).isEqualTo(1);
            // the Kafka consumer's own metrics, from Spring Kafka's MicrometerConsumerListener
            assertThat(line(metrics, "kafka_consumer_fetch_manager_records_consumed_total{", tag)).isNotEmpty();
        });
        checkWithPromtool(scrape());

        String delayed = api.post("/send/Meter/read?delay=1h", "{}").body().get("invocation_id").asString();
        await().atMost(Duration.ofSeconds(10)).until(() -> scrape().contains("ferry_invocations{")
                && value(scrape(), "ferry_invocations{", "status=\"scheduled\"") == 1);
        assertThat(api.post("/invocations/" + delayed + "/kill", "").status()).isEqualTo(200);
        assertThat(value(scrape(), "ferry_invocations_completed_total", "service=\"Meter\"", "result=\"failure\"",
                "reason=\"killed\"")).isEqualTo(1);

        assertThat(api.delete("/subscriptions/" + subscription).status()).isEqualTo(202);
        await().atMost(Duration.ofSeconds(30)).until(() -> !scrape().contains(tag));
    }

    @Test
    void countsRefusedRecordsByReasonAndTheDeadLettersPublished() {
        try (HandlerServer refusing = HandlerServer.start()) {
            refusing.respondWith(request -> HandlerServer.Response.status(422));
            api.post("/services", json("{'name':'Refuser','type':'SERVICE','endpoint':'%s',"
                    + "'handlers':[{'name':'take'}]}").formatted(refusing.endpoint()));
            String subscription = api.post("/subscriptions",
                    json("{'source':'kafka://local/refused','sink':'service://Refuser/take',"
                    + "'options':{'auto.offset.reset':'earliest','dead-letter.topic':'refused-dlq'}}")).body()
                    .get("id").asString();
            try (Records records = new Records(TestInfrastructure.kafka().bootstrapServers())) {
                records.send("refused", "a", "{\"n\":1}");
                records.send("refused", "b", "not json");
            }
            await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> {
                String metrics = scrape();
                assertThat(value(metrics, "ferry_handler_calls_seconds_count{", "service=\"Refuser\"",
                        "outcome=\"failure\"", "status_class=\"4xx\"", "reason=\"4xx\"")).isEqualTo(1);
                assertThat(value(metrics, "ferry_invocations_completed_total", "service=\"Refuser\"",
                        "reason=\"handler-error\"")).isEqualTo(1);
                assertThat(value(metrics, "ferry_invocations_completed_total", "service=\"Refuser\"",
                        "reason=\"invalid-payload\"")).isEqualTo(1);
                assertThat(value(metrics, "ferry_dead_letters_total", "topic=\"refused-dlq\"",
                        "result=\"published\"")).isEqualTo(2);
                // the dead-letter producer's own metrics, from Micrometer's Kafka client binder
                assertThat(value(metrics, "kafka_producer_record_send_total{", "cluster=\"local\"")).isEqualTo(2);
            });
            api.delete("/subscriptions/" + subscription);
        }
    }

    @Test
    void exportsEveryMetricTheShippedDashboardAndAlertsQuery() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        try (HandlerServer watched = HandlerServer.start()) {
            watched.respondWith(request -> {
                if (request.bodyText().contains("slow")) {
                    try {
                        release.await(60, TimeUnit.SECONDS);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                }
                return request.bodyText().contains("bad") ? HandlerServer.Response.status(400)
                        : HandlerServer.Response.ok("{}");
            });
            api.post("/services", json("{'name':'Watched','type':'SERVICE','endpoint':'%s',"
                    + "'handlers':[{'name':'see'}]}").formatted(watched.endpoint()));
            String subscription = api.post("/subscriptions",
                    json("{'source':'kafka://local/watched','sink':'service://Watched/see','options':"
                    + "{'auto.offset.reset':'earliest','max-in-flight':'1','dead-letter.topic':'watched-dlq'}}"))
                    .body().get("id").asString();
            Set<String> exported = new TreeSet<>();
            try (Records records = new Records(TestInfrastructure.kafka().bootstrapServers())) {
                records.send("watched", "k", "{\"slow\":true}");
                records.flush();
                await().atMost(Duration.ofSeconds(60)).until(() -> !watched.received().isEmpty());
                records.send("watched", "k", "{\"bad\":true}");
                // the second record waits, ready, for the one call slot the first holds
                await().atMost(Duration.ofSeconds(60)).until(() -> scrape()
                        .contains("ferry_invocations_oldest_ready_age_seconds{"));
                exported.addAll(seriesNames(scrape()));
            } finally {
                release.countDown();
            }
            await().atMost(Duration.ofSeconds(60)).until(() -> scrape().contains("ferry_dead_letters_total{"));
            exported.addAll(seriesNames(scrape()));

            List<String> expressions = new ArrayList<>(MonitoringQueries.dashboardExpressions());
            expressions.addAll(MonitoringQueries.alertExpressions());
            for (String expression : expressions) {
                assertThat(exported).as(expression).containsAll(MonitoringQueries.metricNames(expression));
            }
            api.delete("/subscriptions/" + subscription);
        }
    }

    @Test
    void pushesNoMetricsAnywhereUnlessAskedTo() {
        MeterRegistry registry = ferry.bean(MeterRegistry.class);
        List<MeterRegistry> registries = registry instanceof CompositeMeterRegistry composite
                ? List.copyOf(composite.getRegistries()) : List.of(registry);

        assertThat(registries).as("Prometheus is scraped; nothing is pushed (OTLP stays off by default)")
                .noneMatch(PushMeterRegistry.class::isInstance)
                .anyMatch(candidate -> candidate.getClass().getSimpleName().startsWith("Prometheus"));
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

    @Test
    void buildsHibernatesModelOffTheMainThreadAndIsReadyWithItDone() {
        LocalContainerEntityManagerFactoryBean factory = ferry.bean(LocalContainerEntityManagerFactoryBean.class);
        assertThat(factory.getBootstrapExecutor()).as("Hibernate bootstraps on a thread of its own").isNotNull();
        assertThat(api.get("/actuator/health/readiness").status()).isEqualTo(200);
        assertThat(factory.getNativeEntityManagerFactory().isOpen()).isTrue();
    }

    private static String scrape() {
        return api.get("/actuator/prometheus").text();
    }

    private static Set<String> seriesNames(String metrics) {
        Set<String> names = new TreeSet<>();
        metrics.lines().filter(line -> !line.startsWith("#") && !line.isBlank())
                .forEach(line -> names.add(line.split("[{ ]", 2)[0]));
        return names;
    }

    private static String line(String metrics, String name, String... containing) {
        return metrics.lines()
                .filter(line -> line.startsWith(name) && Arrays.stream(containing).allMatch(line::contains))
                .findFirst().orElse("");
    }

    /** The value of the first series of {@code name} whose line holds each of {@code containing}; NaN if none. */
    private static double value(String metrics, String name, String... containing) {
        String found = line(metrics, name, containing);
        return found.isEmpty() ? Double.NaN : Double.parseDouble(found.substring(found.lastIndexOf(' ') + 1));
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
