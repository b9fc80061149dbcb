package dev.ferry.cli;

import static dev.ferry.testsupport.Api.json;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;

import dev.ferry.cli.Cli.Result;
import dev.ferry.testsupport.Api;
import dev.ferry.testsupport.FerryInstance;
import dev.ferry.testsupport.TestInfrastructure;

/** {@code ferry services} against a real Ferry. */
class ServiceCommandsIT {

    private static final String ENDPOINT = "http://127.0.0.1:9080";

    private static FerryInstance ferry;
    private static Api api;

    @TempDir
    Path dir;

    @BeforeAll
    static void start() {
        ferry = FerryInstance.start("cli_services", Map.of());
        api = ferry.api();
    }

    @AfterAll
    static void stop() {
        ferry.close();
    }

    @Test
    void registersAServiceFromFlags() {
        Result registered = cli().run("services", "register", "--name", "Counter", "--type", "virtual_object",
                "--endpoint", ENDPOINT, "--handler", "add:EXCLUSIVE", "--handler", "get:shared", "--handler",
                "load:SHARED:raw");

        assertThat(registered.status()).as(registered.err()).isZero();
        assertThat(registered.out()).containsPattern("Name: +Counter").containsPattern("Type: +VIRTUAL_OBJECT")
                .containsPattern("load +SHARED +raw").endsWith("Service Counter registered\n");
        JsonNode service = api.get("/services/Counter").body();
        assertThat(service.get("handlers").findValuesAsString("name")).containsExactly("add", "get", "load");
        assertThat(service.get("handlers").get(2).get("input").asString()).isEqualTo("raw");

        Result described = cli().run("services", "describe", "Counter");
        assertThat(described.status()).isZero();
        assertThat(described.out()).containsPattern("Endpoint: +" + ENDPOINT)
                .containsPattern("HANDLER +TYPE +INPUT +TIMEOUT +RETRY")
                .containsPattern("add +EXCLUSIVE +json");

        Result listed = cli().run("services", "list");
        assertThat(listed.out()).containsPattern("NAME +TYPE +ENDPOINT +HANDLERS")
                .containsPattern("Counter +VIRTUAL_OBJECT +" + ENDPOINT + " +3");
    }

    @Test
    void registersAServiceFromAYamlFile() throws IOException {
        Path file = dir.resolve("ledger.yaml");
        Files.writeString(file, """
                name: Ledger
                type: VIRTUAL_OBJECT
                endpoint: %s
                retry_policy:
                  max_attempts: 5
                  on_max_attempts: kill
                handlers:
                  - name: post
                    type: EXCLUSIVE
                    timeout: 10s
                  - name: balance
                    type: SHARED
                """.formatted(ENDPOINT));

        Result registered = cli().run("services", "register", "-f", file.toString());

        assertThat(registered.status()).as(registered.err()).isZero();
        assertThat(registered.out()).endsWith("Service Ledger registered\n");
        Result described = cli().run("services", "describe", "Ledger");
        assertThat(described.out()).containsPattern("Retry: +5 attempts, then kill")
                .containsPattern("post +EXCLUSIVE +json +10s");
    }

    @Test
    void registersAServiceFromJsonOnStandardInput() {
        String service = "{'name':'Mailer','type':'SERVICE','endpoint':'%s','handlers':[{'name':'send'}]}";
        Result registered = cli().stdin(json(service.formatted(ENDPOINT)))
                .run("services", "register", "-f", "-", "--json");

        assertThat(registered.status()).as(registered.err()).isZero();
        assertThat(registered.out()).startsWith("{").contains("\"name\" : \"Mailer\"");
        assertThat(api.get("/services/Mailer").status()).isEqualTo(200);
    }

    @Test
    void deletesAServiceButNotOneThatIsSubscribed() {
        api.post("/kafka-clusters", json("{'name':'svc','properties':{'bootstrap.servers':'%s'}}"
                .formatted(TestInfrastructure.kafka().bootstrapServers())));
        cli().run("services", "register", "--name", "Sink", "--endpoint", ENDPOINT, "--handler", "take");
        String subscription = api.post("/subscriptions",
                json("{'source':'kafka://svc/in','sink':'service://Sink/take'}"))
                .body().get("id").asString();

        Result refused = cli().run("services", "delete", "Sink");
        assertThat(refused.status()).isEqualTo(1);
        assertThat(refused.err()).isEqualTo("error: Service 'Sink' is the sink of 1 subscription(s) (%s). Delete those"
                .formatted(subscription) + " subscriptions first.\n");

        assertThat(cli().run("sub", "delete", subscription).status()).isZero();
        Result deleted = cli().run("services", "delete", "Sink");
        assertThat(deleted.status()).isZero();
        assertThat(deleted.out()).isEqualTo("Service Sink deleted\n");
        assertThat(api.get("/services/Sink").status()).isEqualTo(404);
    }

    @Test
    void updatesAServiceInPlaceAndShowsTheChange() {
        cli().run("services", "register", "--name", "Mover", "--endpoint", ENDPOINT, "--handler", "go",
                "--handler", "old");

        Result updated = cli().run("services", "update", "Mover", "--endpoint", "http://127.0.0.1:9081",
                "--handler", "go::raw", "--handler", "new", "--remove-handler", "old", "--timeout", "4s",
                "--retry-max-attempts", "3", "--retry-on-max-attempts", "KILL");

        assertThat(updated.status()).as(updated.err()).isZero();
        assertThat(updated.out()).containsPattern("FIELD +OLD +NEW")
                .containsPattern("endpoint +" + ENDPOINT + " +http://127.0.0.1:9081")
                .containsPattern("handler old +\\(removed\\)").containsPattern("handler go +\\(replaced\\)")
                .endsWith("Service Mover updated; its subscriptions keep consuming\n");
        JsonNode service = api.get("/services/Mover").body();
        assertThat(service.get("endpoint").asString()).isEqualTo("http://127.0.0.1:9081");
        assertThat(service.get("handlers").findValuesAsString("name")).containsExactly("go", "new");
        assertThat(service.get("handlers").get(0).get("input").asString()).isEqualTo("raw");
        assertThat(service.get("retry_policy").get("on_max_attempts").asString()).isEqualTo("kill");

        Result nothing = cli().run("services", "update", "Mover");
        assertThat(nothing.status()).isEqualTo(2);
        assertThat(nothing.err()).contains("Nothing to change");
        Result typo = cli().run("services", "update", "Mover", "--remove-handler", "gone");
        assertThat(typo.status()).isEqualTo(1);
        assertThat(typo.err()).contains("has no handler 'gone' to remove");
    }

    @Test
    void explainsMistakesInOneLine() throws IOException {
        Result missing = cli().run("services", "register", "--name", "Half");
        assertThat(missing.status()).isEqualTo(2);
        assertThat(missing.err()).isEqualTo("error: Give --name, --endpoint and at least one "
                + "--handler, or a file with -f."
                + " (see 'ferry services register --help')\n");

        Result badHandler = cli().run("services", "register", "--name", "Bad", "--endpoint", ENDPOINT,
                "--handler", "x:LOUD");
        assertThat(badHandler.status()).isEqualTo(2);
        assertThat(badHandler.err()).contains("the type 'LOUD' is not EXCLUSIVE, SHARED or WORKFLOW").hasLineCount(1);

        Result serverSide = cli().run("services", "register", "--name", "Typed", "--endpoint", ENDPOINT, "--handler",
                "x:EXCLUSIVE");
        assertThat(serverSide.status()).isEqualTo(1);
        assertThat(serverSide.err()).startsWith("error: Handler 'x' cannot be of type EXCLUSIVE in a SERVICE")
                .hasLineCount(1);

        Path broken = dir.resolve("broken.yaml");
        Files.writeString(broken, "name: [unclosed\n");
        Result unreadable = cli().run("services", "register", "-f", broken.toString());
        assertThat(unreadable.status()).isEqualTo(1);
        assertThat(unreadable.err()).startsWith("error: Cannot read '" + broken + "' as YAML:").hasLineCount(1);

        Result unknown = cli().run("services", "describe", "Nobody");
        assertThat(unknown.status()).isEqualTo(1);
        assertThat(unknown.err()).startsWith("error: ").contains("Nobody").hasLineCount(1);
    }

    private static Cli cli() {
        return new Cli(ferry.baseUrl());
    }
}
