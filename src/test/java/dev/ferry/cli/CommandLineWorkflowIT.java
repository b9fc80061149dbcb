package dev.ferry.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.ferry.cli.Cli.Result;
import dev.ferry.testsupport.FerryInstance;
import dev.ferry.testsupport.HandlerServer;
import dev.ferry.testsupport.Records;
import dev.ferry.testsupport.TestInfrastructure;

/**
 * The workflow docs/cli.md documents, typed as a Restate user would, with a record produced to a real broker
 * and delivered to a real handler: clusters from arguments, a file and standard input; a service; a
 * subscription from the earliest offset; the invocation it makes; and tearing it all down.
 */
class CommandLineWorkflowIT {

    private static final String SECRET = "wf-s3cret";

    private static FerryInstance ferry;
    private static String brokers;

    @TempDir
    Path dir;

    @BeforeAll
    static void start() {
        brokers = TestInfrastructure.kafka().bootstrapServers();
        ferry = FerryInstance.start("cli_workflow", Map.of());
    }

    @AfterAll
    static void stop() {
        ferry.close();
    }

    @Test
    void runsTheDocumentedWorkflow() throws IOException {
        assertThat(run("kc", "create", "local", "bootstrap.servers=" + brokers).out())
                .endsWith("Kafka cluster local created\n");
        Path file = dir.resolve("cloud.properties");
        Files.writeString(file,
                "bootstrap.servers=%s\nclient.id=from-file\nssl.truststore.password=%s\n".formatted(brokers, SECRET));
        assertThat(run("kc", "create", "from-file", "-f", file.toString()).out())
                .endsWith("Kafka cluster from-file created\n");
        assertThat(cli().stdin("bootstrap.servers=" + brokers + "\n")
                .run("kc", "create", "from-stdin", "-f", "-").out())
                .endsWith("Kafka cluster from-stdin created\n");

        assertThat(run("kc", "list").out()).containsPattern("from-file +" + brokers + " +3")
                .containsPattern("from-stdin +" + brokers + " +1").containsPattern("local +" + brokers + " +1");
        assertThat(run("kc", "describe", "from-file").out()).containsPattern("ssl\\.truststore\\.password +\\*\\*\\*");
        assertThat(run("kc", "patch", "from-file", "--set", "client.id=patched", "--unset",
                "ssl.truststore.password").out())
                .containsPattern("client\\.id +from-file +patched")
                .containsPattern("ssl\\.truststore\\.password +\\*\\*\\* +\\(removed\\)");
        assertThat(run("kc", "delete", "from-file").out()).isEqualTo("Kafka cluster from-file deleted\n");

        try (HandlerServer handler = HandlerServer.start(); Records records = new Records(brokers)) {
            handler.respondWith(request -> HandlerServer.Response.ok("{\"greeting\":\"hi\"}"));
            assertThat(run("services", "register", "--name", "Greeter", "--endpoint", handler.endpoint(),
                    "--handler", "greet")
                    .out()).endsWith("Service Greeter registered\n");
            // a topic of its own: the broker is shared with the other tests in this JVM
            records.send("cli-greetings", "ada", "{\"name\":\"Ada\"}");
            records.flush();

            Result created = run("sub", "create", "kafka://local/cli-greetings", "service://Greeter/greet",
                    "auto.offset.reset=earliest");
            Matcher id = Pattern.compile("Subscription (sub_\\w+) created").matcher(created.out());
            assertThat(id.find()).isTrue();
            String subscription = id.group(1);
            assertThat(cli().env("COLUMNS", "100").run("sub", "list").out())
                    .containsPattern(subscription
                            + " +kafka://local/cli-greetings +service://Greeter/greet +2 +RUNNING");
            assertThat(run("sub", "describe", subscription).out()).containsPattern("Brokers: +" + brokers)
                    .containsPattern("auto\\.offset\\.reset +earliest");

            await().atMost(Duration.ofSeconds(60)).until(() -> run("inv", "list", "--service", "Greeter").out()
                    .contains("completed: success"));
            Result invocations = run("invocations", "list", "--subscription", subscription, "--status", "completed");
            assertThat(invocations.out()).containsPattern("ID +TARGET +STATUS +ATTEMPTS")
                    .containsPattern("inv_\\w+ +Greeter/greet +completed: success +1");
            String invocation = invocations.out().lines().skip(1).findFirst().orElseThrow().split(" ")[0];
            assertThat(run("inv", "describe", invocation).out()).containsPattern("Target: +Greeter/greet")
                    .containsPattern("Origin: +" + subscription + ", cli-greetings partition 0 offset 0");

            Result cancel = cli().run("inv", "cancel", invocation);
            assertThat(cancel.status()).isEqualTo(1);
            assertThat(cancel.err()).isEqualTo(("error: Invocation %s is completed; cancel is possible only when it is"
                    + " not yet completed.\n").formatted(invocation));
            Result dryRun = cli().run("inv", "kill", "--service", "Greeter", "--dry-run");
            assertThat(dryRun.status()).as(dryRun.err()).isZero();
            assertThat(dryRun.out()).startsWith("1 invocation(s) would be killed (--dry-run; nothing was changed):")
                    .contains(invocation);
            Result bulk = cli().run("inv", "kill", "--service", "Greeter", "-y");
            assertThat(bulk.status()).isEqualTo(1);
            assertThat(bulk.out()).contains("Killed 0 invocation(s)");
            assertThat(bulk.err()).startsWith("warning: %s was not killed: Invocation %s is completed"
                    .formatted(invocation, invocation)).hasLineCount(1);
            Result purge = cli().run("inv", "purge", invocation, "-y");
            assertThat(purge.status()).as(purge.err()).isEqualTo(0);
            for (int i = 0; i < 3; i++) {
                assertThat(ferry.api().post("/send/Greeter/greet", "{}").status()).isEqualTo(202);
            }
            await().atMost(Duration.ofSeconds(60)).until(() -> run("inv", "list", "--service", "Greeter",
                    "--completion", "success", "--all").out().lines().filter(line -> line.startsWith("inv_")).count()
                    == 3);
            Result firstPage = run("inv", "list", "--service", "Greeter", "--limit", "1");
            assertThat(firstPage.out()).containsPattern("2 more invocation\\(s\\) match\\. List them all with --all,"
                    + " or the next page with --cursor \\S+");
            assertThat(run("inv", "list", "--service", "Greeter", "--limit", "1", "--all").out().lines()
                    .filter(line -> line.startsWith("inv_")).count()).isEqualTo(3);
            assertThat(run("inv", "list", "--service", "Greeter", "--created-before", "2001-01-01T00:00:00Z").out())
                    .isEqualTo("No invocations match.\n");
            assertThat(run("inv", "list", "--service", "Greeter", "--completion", "failure").out())
                    .isEqualTo("No invocations match.\n");
            Result gone = cli().run("inv", "describe", invocation);
            assertThat(gone.status()).isEqualTo(1);
            assertThat(gone.err()).contains("No invocation has id '%s'".formatted(invocation)).hasLineCount(1);
            Result neither = cli().run("inv", "pause");
            assertThat(neither.status()).isEqualTo(2);
            assertThat(neither.err()).contains("Give an invocation ID, or filters").hasLineCount(1);

            assertThat(run("kc", "delete", "local").status()).isEqualTo(1);
            assertThat(run("sub", "delete", subscription).out())
                    .isEqualTo("Subscription %s deleted\n".formatted(subscription));
            assertThat(run("services", "delete", "Greeter").out()).isEqualTo("Service Greeter deleted\n");
            assertThat(run("kc", "delete", "local").out()).isEqualTo("Kafka cluster local deleted\n");
        }
    }

    private static Result run(String... args) {
        Result result = cli().run(args);
        assertThat(result.all()).doesNotContain(SECRET);
        return result;
    }

    private static Cli cli() {
        return new Cli(ferry.baseUrl());
    }
}
