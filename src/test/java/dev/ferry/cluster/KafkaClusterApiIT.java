package dev.ferry.cluster;

import static dev.ferry.testsupport.Api.json;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.params.provider.Arguments.arguments;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Stream;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import dev.ferry.testsupport.Api;
import dev.ferry.testsupport.Api.Reply;
import dev.ferry.testsupport.FerryInstance;
import dev.ferry.testsupport.HandlerServer;
import dev.ferry.testsupport.TestInfrastructure;

class KafkaClusterApiIT {

    private static FerryInstance ferry;
    private static Api api;
    private static String brokers;

    @BeforeAll
    static void start() {
        brokers = TestInfrastructure.kafka().bootstrapServers();
        ferry = FerryInstance.start("cluster_api", Map.of("ferry.cluster.connection-check-timeout", "3s"));
        api = ferry.api();
    }

    @AfterAll
    static void stop() {
        ferry.close();
    }

    @Test
    void createsAClusterAndMasksItsSecrets() {
        Reply created = api.post("/kafka-clusters", json("""
                {'name':'prod-eu','properties':{'bootstrap.servers':'%s','security.protocol':'SASL_PLAINTEXT',
                 'sasl.mechanisms':'PLAIN','sasl.username':'alice','sasl.password':'s3cret'}}""".formatted(brokers)));

        assertThat(created.status()).isEqualTo(201);
        assertThat(created.location()).endsWith("/kafka-clusters/prod-eu");
        assertThat(created.body().get("name").asString()).isEqualTo("prod-eu");
        assertThat(created.body().get("properties").get("sasl.password").asString()).isEqualTo("***");
        assertThat(created.body().get("properties").get("sasl.username").asString()).isEqualTo("***");
        assertThat(created.body().get("properties").get("bootstrap.servers").asString()).isEqualTo(brokers);
        assertThat(created.body().has("created_at")).isTrue();
        assertThat(created.text()).doesNotContain("s3cret").doesNotContain("alice");

        Reply described = api.get("/kafka-clusters/prod-eu");
        assertThat(described.status()).isEqualTo(200);
        assertThat(described.text()).doesNotContain("s3cret");
        assertThat(described.body().get("subscriptions").isArray()).isTrue();
        assertThat(api.get("/kafka-clusters").body().get("clusters").findValuesAsString("name")).contains("prod-eu");
    }

    @Test
    void refusesADuplicateName() {
        api.post("/kafka-clusters", json("{'name':'dup','properties':{'bootstrap.servers':'%s'}}".formatted(brokers)));

        Reply again = api.post("/kafka-clusters", json("{'name':'dup','properties':{'bootstrap.servers':'x:1'}}"));

        assertThat(again.status()).isEqualTo(409);
        assertThat(again.headers().firstValue("content-type")).hasValueSatisfying(
                type -> assertThat(type).startsWith("application/problem+json"));
        assertThat(again.body().get("detail").asString()).contains("'dup' already exists");
        assertThat(api.get("/kafka-clusters/dup").body().get("properties").get("bootstrap.servers").asString())
                .isEqualTo(brokers);
    }

    @Test
    void ofCreatesRacingForOneNameOneIsCreatedAndTheOthersAreToldItExists() throws Exception {
        for (int round = 0; round < 5; round++) {
            String body = "{'name':'race-%d','properties':{'bootstrap.servers':'%s'}}".formatted(round, brokers);
            CountDownLatch start = new CountDownLatch(1);
            List<Future<Integer>> statuses = new ArrayList<>();
            try (ExecutorService pool = Executors.newFixedThreadPool(6)) {
                for (int i = 0; i < 6; i++) {
                    statuses.add(pool.submit(() -> {
                        start.await();
                        return api.post("/kafka-clusters", json(body)).status();
                    }));
                }
                start.countDown();
                List<Integer> answers = new ArrayList<>();
                for (Future<Integer> status : statuses) {
                    answers.add(status.get());
                }
                assertThat(answers).containsOnly(201, 409).containsOnlyOnce(201);
            }
        }
    }

    @Test
    void explainsWhatIsWrongWithBadInput() {
        assertThat(problem(api.post("/kafka-clusters",
                json("{'name':'bad name!','properties':{'bootstrap.servers':'b:1'}}"))))
                .contains("Cluster name 'bad name!' is not valid");
        assertThat(problem(api.post("/kafka-clusters", json("{'name':'nobrokers','properties':{'client.id':'x'}}"))))
                .contains("'bootstrap.servers' is required");
        assertThat(problem(api.post("/kafka-clusters",
                json("{'name':'typo','properties':{'bootstrap.servers':'b:1','sasl.mechanism5':'PLAIN'}}"))))
                .contains("'sasl.mechanism5' is not a Kafka client property").contains("Did you mean");
        assertThat(problem(api.post("/kafka-clusters", json("{'name':'noprops'}"))))
                .contains("'properties' is required");
        assertThat(problem(api.post("/kafka-clusters", "{not json"))).contains("not valid JSON");
        assertThat(api.get("/kafka-clusters").text()).doesNotContain("nobrokers", "typo", "noprops");
    }

    static Stream<Arguments> clustersThatCannotWork() {
        return Stream.of(
                arguments("a..b", "{'bootstrap.servers':'b:9092'}", "Cluster name 'a..b' is not valid"),
                arguments("UPPER", "{'bootstrap.servers':'b:9092'}", "lower-case"),
                arguments("-dash", "{'bootstrap.servers':'b:9092'}", "start and end with a letter or digit"),
                arguments("masked", "{'bootstrap.servers':'b:9092','sasl.password':'***'}", "masked value '***'"),
                arguments("nohost", "{'bootstrap.servers':'not a host'}", "'not a host' is not host:port"),
                arguments("noport", "{'bootstrap.servers':'127.0.0.1'}", "'127.0.0.1' has no port"),
                arguments("typo", "{'bootstrap.server':'b:9092'}", "Did you mean 'bootstrap.servers'?"),
                arguments("intercepted", "{'bootstrap.servers':'b:9092','interceptor.classes':'java.lang.String'}",
                        "ferry.cluster.allowed-classes"),
                arguments("reported", "{'bootstrap.servers':'b:9092','metric.reporters':'com.example.Reporter'}",
                        "'com.example.Reporter'"),
                arguments("providers", "{'bootstrap.servers':'b:9092','config.providers':'env'}",
                        "give each value directly"));
    }

    @ParameterizedTest(name = "{0}: {1}")
    @MethodSource("clustersThatCannotWork")
    void refusesAClusterThatCannotWorkAndSaysWhatToFix(String name, String properties, String detail) {
        for (String path : List.of("/kafka-clusters", "/kafka-clusters?validate=true")) {
            Reply refused = api.post(path, json("{'name':'%s','properties':%s}".formatted(name, properties)));

            assertThat(refused.headers().firstValue("content-type")).hasValueSatisfying(
                    type -> assertThat(type).startsWith("application/problem+json"));
            assertThat(problem(refused)).as(path).contains(detail);
        }
        assertThat(api.get("/kafka-clusters").body().get("clusters").findValuesAsString("name")).doesNotContain(name);
    }

    @Test
    void replacesPropertiesWithPatch() {
        api.post("/kafka-clusters", json("{'name':'patched','properties':{'bootstrap.servers':'%s','client.id':'a'}}"
                .formatted(brokers)));

        Reply patched = api.patch("/kafka-clusters/patched", json("{'properties':{'bootstrap.servers':'%s'}}"
                .formatted(brokers)));

        assertThat(patched.status()).isEqualTo(200);
        assertThat(patched.body().get("properties").has("client.id")).isFalse();
        assertThat(api.patch("/kafka-clusters/missing", json("{'properties':{'bootstrap.servers':'b:1'}}")).status())
                .isEqualTo(404);
        Reply masked = api.patch("/kafka-clusters/patched",
                json("{'properties':{'bootstrap.servers':'b:1','sasl.password':'***'}}"));
        assertThat(masked.status()).isEqualTo(400);
        assertThat(masked.body().get("detail").asString()).contains("masked value");
    }

    @Test
    void changesSomePropertiesAndKeepsTheSecretsItIsNotSentWithMerge() {
        api.post("/kafka-clusters", json("""
                {'name':'merged','properties':{'bootstrap.servers':'%s','security.protocol':'SASL_PLAINTEXT',
                 'sasl.mechanisms':'PLAIN','sasl.username':'alice','sasl.password':'s3cret','client.id':'a',
                 'ssl.truststore.password':'t'}}"""
                .formatted(brokers)));

        Reply merged = api.patch("/kafka-clusters/merged?merge=true",
                json("{'properties':{'client.id':'b','socket.connection.setup.timeout.ms':'5000'},"
                        + "'unset':['ssl.truststore.password','not.set']}"));

        assertThat(merged.status()).isEqualTo(200);
        assertThat(merged.text()).doesNotContain("s3cret");
        assertThat(merged.body().get("properties").get("client.id").asString()).isEqualTo("b");
        assertThat(merged.body().get("properties").get("socket.connection.setup.timeout.ms").asString())
                .isEqualTo("5000");
        assertThat(merged.body().get("properties").get("sasl.password").asString()).isEqualTo("***");
        assertThat(merged.body().get("properties").has("ssl.truststore.password")).isFalse();
        assertThat(merged.body().get("properties").get("sasl.username").asString()).isEqualTo("***");
        assertThat(ferry.bean(KafkaClusterRegistry.class).findDetails("merged").orElseThrow().clientProperties()
                .get("sasl.jaas.config").toString()).contains("s3cret");

        assertThat(problem(api.patch("/kafka-clusters/merged?merge=true",
                json("{'properties':{'sasl.password':'***'}}"))))
                .contains("masked value");
        assertThat(problem(api.patch("/kafka-clusters/merged?merge=true", json("{'unset':['bootstrap.servers']}"))))
                .contains("'bootstrap.servers' is required");
        assertThat(problem(api.patch("/kafka-clusters/merged?merge=true",
                json("{'properties':{'client.id':'c'},'unset':['client.id']}")))).contains("both set and unset");
        assertThat(problem(api.patch("/kafka-clusters/merged",
                json("{'properties':{'bootstrap.servers':'b:1'},'unset':['client.id']}"))))
                .contains("?merge=true");
        assertThat(api.patch("/kafka-clusters/missing?merge=true", json("{'properties':{}}")).status()).isEqualTo(404);
        assertThat(api.get("/kafka-clusters/merged").body().get("properties").get("client.id").asString())
                .isEqualTo("b");
    }

    @Test
    void checksAClusterWithoutCreatingItWhenAskedToValidate() {
        Reply checked = api.post("/kafka-clusters?validate=true", json(
                "{'name':'dry','properties':{'bootstrap.servers':'%s','ssl.truststore.password':'s3cret'}}"
                .formatted(brokers)));

        assertThat(checked.status()).isEqualTo(200);
        assertThat(checked.body().get("name").asString()).isEqualTo("dry");
        assertThat(checked.body().get("properties").get("ssl.truststore.password").asString()).isEqualTo("***");
        assertThat(checked.text()).doesNotContain("s3cret");
        assertThat(api.get("/kafka-clusters/dry").status()).isEqualTo(404);
        assertThat(problem(api.post("/kafka-clusters?validate=true",
                json("{'name':'dry','properties':{'client.id':'x'}}"))))
                .contains("'bootstrap.servers' is required");
    }

    @Test
    void refusesToDeleteAClusterInUseUnlessForced() {
        try (var handler = HandlerServer.start()) {
            api.post("/kafka-clusters",
                    json("{'name':'busy','properties':{'bootstrap.servers':'%s'}}".formatted(brokers)));
            api.post("/services", json("{'name':'Busy','type':'SERVICE','endpoint':'%s','handlers':[{'name':'run'}]}"
                    .formatted(handler.endpoint())));
            String subscription = api.post("/subscriptions", json(
                    "{'source':'kafka://busy/busy-topic','sink':'service://Busy/run'}")).body().get("id").asString();

            Reply refused = api.delete("/kafka-clusters/busy");
            assertThat(refused.status()).isEqualTo(409);
            assertThat(refused.body().get("detail").asString()).contains(subscription).contains("force=true");
            assertThat(api.get("/kafka-clusters/busy").body().get("subscriptions").findValuesAsString("id"))
                    .containsExactly(subscription);

            assertThat(api.delete("/kafka-clusters/busy?force=true").status()).isEqualTo(202);
            assertThat(api.get("/kafka-clusters/busy").status()).isEqualTo(404);
            assertThat(api.get("/subscriptions/" + subscription).status()).isEqualTo(404);
        }
        assertThat(api.delete("/kafka-clusters/never-existed").status()).isEqualTo(404);
    }

    @Test
    void showsWhetherFerryCanConnectToEachCluster() {
        api.post("/kafka-clusters",
                json("{'name':'reachable','properties':{'bootstrap.servers':'%s'}}".formatted(brokers)));
        api.post("/kafka-clusters", json("{'name':'nowhere','properties':{'bootstrap.servers':'127.0.0.1:1'}}"));

        assertThat(SecuredRoundTrip.awaitConnection(api, "reachable", "connected").path("checked_at").asString())
                .isNotEmpty();
        assertThat(SecuredRoundTrip.awaitConnection(api, "nowhere", "failed").path("error").asString())
                .contains("No broker answered").contains("bootstrap.servers");
        assertThat(api.get("/kafka-clusters").body().get("clusters").findValuesAsString("state"))
                .contains("connected", "failed");
        var health = SecuredRoundTrip.clustersHealth(api);
        assertThat(health.path("status").asString()).isEqualTo("DEGRADED");
        assertThat(health.path("details").path("clusters").path("reachable").path("state").asString())
                .isEqualTo("connected");
        assertThat(api.get("/actuator/health/readiness").status()).isEqualTo(200);
    }

    private static String problem(Reply reply) {
        assertThat(reply.status()).isEqualTo(400);
        assertThat(reply.body().has("title")).isTrue();
        // repeated as 'message', which is what Restate's CLI prints
        assertThat(reply.body().get("message").asString()).isEqualTo(reply.body().get("detail").asString());
        return reply.body().get("detail").asString();
    }
}
