package dev.ferry.cli;

import static dev.ferry.testsupport.Api.json;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import dev.ferry.cli.Cli.Result;
import dev.ferry.testsupport.Api;
import dev.ferry.testsupport.FerryInstance;
import dev.ferry.testsupport.SdkEndpoint;
import dev.ferry.testsupport.TestInfrastructure;

/** {@code ferry deployments} against a real Ferry and a real TypeScript SDK endpoint. */
class DeploymentCommandsIT {

    private static FerryInstance ferry;
    private static Api api;

    @BeforeAll
    static void start() {
        ferry = FerryInstance.start("cli_deployments", Map.of());
        api = ferry.api();
    }

    @AfterAll
    static void stop() {
        ferry.close();
    }

    @Test
    void registersListsDescribesAndRemovesADeployment() {
        try (SdkEndpoint endpoint = SdkEndpoint.start("discovery-greeter.mjs", SdkEndpoint.Transport.HTTP1)) {
            Result registered = cli().run("deployments", "register", endpoint.uri(), "--use-http-11");
            assertThat(registered.status()).as(registered.err()).isZero();
            Matcher id = Pattern.compile("Deployment (dp_\\w+) registered with service\\(s\\) DiscoveryGreeter \\[1\\]")
                    .matcher(registered.out());
            assertThat(id.find()).as(registered.out()).isTrue();
            String deployment = id.group(1);

            assertThat(cli().run("deployments", "list").out())
                    .containsPattern(deployment + " +" + Pattern.quote(endpoint.uri()) + " +HTTP/1.1 +5..7 +Discove");
            assertThat(cli().run("deployments", "describe", deployment).out())
                    .containsPattern("HTTP: +HTTP/1.1")
                    .containsPattern("DiscoveryCounter +VirtualObject +1 +get +Shared +true");

            api.post("/kafka-clusters", json("{'name':'cli-deployments','properties':{'bootstrap.servers':'%s'}}"
                    .formatted(TestInfrastructure.kafka().bootstrapServers())));
            assertThat(api.post("/subscriptions", json("{'source':'kafka://cli-deployments/counts',"
                    + "'sink':'service://DiscoveryCounter/add'}")).status()).isEqualTo(201);
            Result refused = cli().run("deployments", "remove", deployment);
            assertThat(refused.status()).isEqualTo(1);
            assertThat(refused.err()).contains("force=true");

            Result removed = cli().run("deployments", "remove", deployment, "--force");
            assertThat(removed.status()).as(removed.err()).isZero();
            assertThat(removed.out()).contains("Deployment " + deployment + " removed");
            assertThat(api.get("/deployments/" + deployment).status()).isEqualTo(404);
        }
    }

    private static Cli cli() {
        return new Cli(ferry.baseUrl());
    }
}
