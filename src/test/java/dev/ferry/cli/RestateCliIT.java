package dev.ferry.cli;

import static dev.ferry.testsupport.Api.json;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.ferry.cluster.KafkaClusterRegistry;
import dev.ferry.testsupport.Api;
import dev.ferry.testsupport.FerryInstance;
import dev.ferry.testsupport.RestateCli;
import dev.ferry.testsupport.RestateCli.Run;
import dev.ferry.testsupport.SdkEndpoint;
import dev.ferry.testsupport.TestInfrastructure;

/**
 * Restate's own CLI ({@code @restatedev/restate} 1.7 from npm) against Ferry: its {@code kafka-clusters} and
 * {@code subscriptions} commands work unchanged, through {@code GET /version} and the {@code /v4/...} paths.
 * Skipped when npm cannot install the pinned packages (see {@link RestateCli}).
 */
class RestateCliIT {

    private static final String SECRET = "rs-s3cret";

    private static FerryInstance ferry;
    private static Api api;
    private static RestateCli cli;
    private static String brokers;

    @TempDir
    static Path home;

    @BeforeAll
    static void startFerry() throws Exception {
        brokers = TestInfrastructure.kafka().bootstrapServers();
        ferry = FerryInstance.start("restate_cli", Map.of());
        api = ferry.api();
        cli = RestateCli.against(ferry.baseUrl(), home);
        api.post("/services", json("{'name':'Greeter','type':'SERVICE','endpoint':'http://127.0.0.1:9080',"
                + "'handlers':[{'name':'greet'}]}"));
    }

    @AfterAll
    static void stop() {
        if (ferry != null) {
            ferry.close();
        }
    }

    @Test
    void managesKafkaClustersAndSubscriptionsWithRestatesCli() throws Exception {
        assertThat(restate("--version").output()).startsWith("restate-cli 1.7.");

        Run created = restate("--yes", "kafka-clusters", "create", "restate-made", "bootstrap.servers=" + brokers,
                "security.protocol=SASL_PLAINTEXT", "sasl.mechanisms=PLAIN", "sasl.username=user",
                "sasl.password=" + SECRET);
        assertThat(created.status()).as(created.output()).isZero();
        assertThat(created.output()).contains("Kafka cluster restate-made created");

        Run listed = restate("kc", "list");
        assertThat(listed.output()).containsPattern("restate-made +" + brokers + " +5");

        Run described = restate("kc", "describe", "restate-made");
        assertThat(described.status()).as(described.output()).isZero();
        assertThat(described.output()).containsPattern("Brokers: +" + brokers)
                .containsPattern("sasl\\.password +\\*\\*\\*").doesNotContain(SECRET);

        // Restate's patch resends the whole map, so the masked secrets must be given again
        Run refused = restate("--yes", "kc", "patch", "restate-made", "--set", "client.id=restate");
        assertThat(refused.status()).isNotZero();
        assertThat(refused.output()).contains("redacted (***) values");
        Run patched = restate("--yes", "kc", "patch", "restate-made", "--set", "client.id=restate", "--set",
                "sasl.username=user", "--set", "sasl.password=n3w-" + SECRET);
        assertThat(patched.status()).as(patched.output()).isZero();
        assertThat(patched.output()).contains("Kafka cluster restate-made updated");
        assertThat(api.get("/kafka-clusters/restate-made").body().get("properties").get("client.id").asString())
                .isEqualTo("restate");
        assertThat(ferry.bean(KafkaClusterRegistry.class).findDetails("restate-made").orElseThrow().clientProperties()
                .get("sasl.jaas.config").toString()).contains("n3w-" + SECRET);

        Run subscribed = restate("--yes", "subscriptions", "create", "kafka://restate-made/restate-greetings",
                "service://Greeter/greet", "auto.offset.reset=earliest");
        assertThat(subscribed.status()).as(subscribed.output()).isZero();
        Matcher id = Pattern.compile("Subscription (sub_\\w+) created").matcher(subscribed.output());
        assertThat(id.find()).as(subscribed.output()).isTrue();
        String subscription = id.group(1);

        assertThat(restate("sub", "list").output())
                .containsPattern(subscription + " +kafka://restate-made/restate-greetings +service://Greeter/greet +2");
        Run subscriptionDescribed = restate("sub", "describe", subscription);
        assertThat(subscriptionDescribed.output()).containsPattern("Kafka brokers: +" + brokers)
                .containsPattern("auto\\.offset\\.reset +earliest").containsPattern("group\\.id +" + subscription);
        assertThat(restate("kc", "describe", "restate-made").output()).containsPattern("Subscriptions: +1")
                .contains(subscription);

        Run deletedSubscription = restate("--yes", "sub", "delete", subscription);
        assertThat(deletedSubscription.status()).as(deletedSubscription.output()).isZero();
        assertThat(api.get("/subscriptions/" + subscription).status()).isEqualTo(404);
        Run deletedCluster = restate("--yes", "kc", "delete", "restate-made");
        assertThat(deletedCluster.status()).as(deletedCluster.output()).isZero();
        assertThat(api.get("/kafka-clusters/restate-made").status()).isEqualTo(404);

        Run missing = restate("kc", "describe", "nowhere");
        assertThat(missing.status()).isNotZero();
        assertThat(missing.output()).contains("No Kafka cluster is named 'nowhere'.");
    }

    @Test
    void managesDeploymentsAndServicesWithRestatesCli() throws Exception {
        try (SdkEndpoint endpoint = SdkEndpoint.start("discovery-greeter.mjs", SdkEndpoint.Transport.H2C)) {
            Run registered = restate("--yes", "deployments", "register", endpoint.uri());
            assertThat(registered.status()).as(registered.output()).isZero();
            assertThat(registered.output()).contains("SERVICES THAT WILL BE ADDED", "DiscoveryCounter");
            Matcher id = Pattern.compile("Deployment ID: +(dp_\\w+)").matcher(registered.output());
            assertThat(id.find()).as(registered.output()).isTrue();
            String deployment = id.group(1);
            assertThat(api.get("/deployments/" + deployment).status()).isEqualTo(200);

            Run again = restate("--yes", "deployments", "register", endpoint.uri());
            assertThat(again.status()).as(again.output()).isZero();
            assertThat(again.output()).contains("Deployment already exists with id " + deployment);

            Run listed = restate("deployments", "list");
            assertThat(listed.status()).as(listed.output()).isZero();
            assertThat(listed.output()).containsPattern(Pattern.quote(endpoint.uri()) + "/? +HTTP +" + deployment)
                    .contains("- DiscoveryCounter [1]");
            Run described = restate("deployments", "describe", deployment);
            assertThat(described.status()).as(described.output()).isZero();
            assertThat(described.output()).contains("DiscoveryGreeter", "DiscoverySignup").containsPattern("greet");

            Run services = restate("services", "list");
            assertThat(services.status()).as(services.output()).isZero();
            assertThat(services.output()).containsPattern("DiscoveryCounter +1 +virtual object +HTTP +" + deployment)
                    .containsPattern("DiscoveryGreeter +1 +HTTP +" + deployment);
            Run service = restate("services", "describe", "DiscoveryCounter");
            assertThat(service.status()).as(service.output()).isZero();
            assertThat(service.output()).containsPattern("Deployment ID: +" + deployment).contains("add", "get");

            Run removed = restate("--yes", "deployments", "remove", "--force", deployment);
            assertThat(removed.status()).as(removed.output()).isZero();
            assertThat(removed.output()).contains("Deployment " + deployment + " removed successfully");
            assertThat(api.get("/deployments/" + deployment).status()).isEqualTo(404);
            assertThat(api.get("/services/DiscoveryCounter").status()).isEqualTo(404);
        }
    }

    private static Run restate(String... args) throws IOException, InterruptedException {
        return cli.run(args);
    }
}
