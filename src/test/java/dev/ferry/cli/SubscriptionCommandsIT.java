package dev.ferry.cli;

import static dev.ferry.testsupport.Api.json;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.ferry.cli.Cli.Result;
import dev.ferry.testsupport.Api;
import dev.ferry.testsupport.FerryInstance;
import dev.ferry.testsupport.TestInfrastructure;

/** {@code ferry subscriptions} against a real Ferry. */
class SubscriptionCommandsIT {

    private static final Pattern CREATED = Pattern.compile("Subscription (sub_\\w+) created");

    private static FerryInstance ferry;
    private static Api api;
    private static String brokers;

    @TempDir
    Path dir;

    @BeforeAll
    static void start() {
        brokers = TestInfrastructure.kafka().bootstrapServers();
        ferry = FerryInstance.start("cli_subscriptions", Map.of());
        api = ferry.api();
        api.post("/kafka-clusters",
                json("{'name':'local','properties':{'bootstrap.servers':'%s'}}".formatted(brokers)));
        api.post("/services", json("{'name':'Orders','type':'SERVICE','endpoint':'http://127.0.0.1:9080',"
                + "'handlers':[{'name':'process'},{'name':'audit'}]}"));
    }

    @AfterAll
    static void stop() {
        ferry.close();
    }

    @Test
    void createsListsDescribesPausesAndDeletesASubscription() {
        Result created = cli().run("sub", "create", "kafka://local/cli-orders", "service://Orders/process",
                "auto.offset.reset=earliest", "max-in-flight=4");

        assertThat(created.status()).as(created.err()).isZero();
        assertThat(created.out()).containsPattern("Source: +kafka://local/cli-orders")
                .containsPattern("Sink: +service://Orders/process")
                .containsPattern("auto\\.offset\\.reset +earliest");
        String id = id(created);

        Result listed = cli().env("COLUMNS", "120").run("subscriptions", "list");
        assertThat(listed.out()).containsPattern("ID +SOURCE +SINK +OPTIONS +STATE")
                .containsPattern(id + " +kafka://local/cli-orders +service://Orders/process +3 +RUNNING");
        Result narrow = cli().run("subscriptions", "list");
        assertThat(narrow.out().lines()).allSatisfy(line -> assertThat(line.length()).isLessThanOrEqualTo(80));
        assertThat(narrow.out()).containsPattern(id + " +kafka://local/\\S*… +service://\\S*… +3 +RUNNING");
        Result piped = cli().piped().run("subscriptions", "list");
        assertThat(piped.out()).doesNotContain("…")
                .containsPattern(id + " +kafka://local/cli-orders +service://Orders/process +3 +RUNNING");

        Result described = cli().run("sub", "describe", id);
        assertThat(described.status()).isZero();
        assertThat(described.out()).containsPattern("ID: +" + id).containsPattern("Brokers: +" + brokers)
                .containsPattern("State: +RUNNING").containsPattern("group\\.id +" + id)
                .containsPattern("auto\\.offset\\.reset +earliest")
                .containsPattern("Consumer: +(starting|running)").containsPattern("Consumer since: +\\d{4}-");

        Result paused = cli().run("sub", "pause", id);
        assertThat(paused.out()).isEqualTo("Subscription %s paused\n".formatted(id));
        assertThat(cli().run("sub", "describe", id).out()).containsPattern("State: +PAUSED");
        assertThat(cli().run("sub", "resume", id).out()).isEqualTo("Subscription %s resumed\n".formatted(id));
        assertThat(api.get("/subscriptions/" + id).body().get("state").asString()).isEqualTo("RUNNING");

        Result deleted = cli().run("sub", "delete", id);
        assertThat(deleted.out()).isEqualTo("Subscription %s deleted\n".formatted(id));
        Result gone = cli().run("sub", "describe", id);
        assertThat(gone.status()).isEqualTo(1);
        assertThat(gone.err()).startsWith("error: ").contains(id).hasLineCount(1);
    }

    @Test
    void filtersTheListBySourceAndSink() {
        String audit = id(cli().run("sub", "create", "kafka://local/cli-audit", "service://Orders/audit"));
        String other = id(cli().run("sub", "create", "kafka://local/cli-other", "service://Orders/process"));

        Result bySink = cli().run("sub", "list", "--sink", "service://Orders/audit");
        assertThat(bySink.out()).contains(audit).doesNotContain(other);
        Result bySource = cli().run("sub", "list", "--source", "kafka://local/cli-other", "--json");
        assertThat(bySource.out()).contains(other).doesNotContain(audit);
        assertThat(cli().run("sub", "list", "--source", "kafka://local/cli-none").out())
                .isEqualTo("No subscriptions match.\n");
    }

    @Test
    void createsASubscriptionFromAFileAndInTheEditor() throws IOException {
        Path file = dir.resolve("subscription.properties");
        Files.writeString(file, """
                source=kafka://local/cli-from-file
                sink=service://Orders/process
                auto.offset.reset=earliest
                """);
        Result fromFile = cli().run("sub", "create", "-f", file.toString());
        assertThat(fromFile.status()).as(fromFile.err()).isZero();
        assertThat(api.get("/subscriptions/" + id(fromFile)).body().get("options").get("auto.offset.reset").asString())
                .isEqualTo("earliest");

        Path editor = dir.resolve("editor.sh");
        Files.writeString(editor, """
                #!/bin/sh
                sed -i -e 's|^# sink=.*|sink=service://Orders/audit|' \
                -e 's|^# auto.offset.reset=earliest|auto.offset.reset=latest|' "$1"
                """);
        assertThat(editor.toFile().setExecutable(true)).isTrue();
        Result edited = cli().env("EDITOR", editor.toString())
                .run("sub", "create", "kafka://local/cli-edited", "--edit");
        assertThat(edited.status()).as(edited.err()).isZero();
        String id = id(edited);
        assertThat(api.get("/subscriptions/" + id).body().get("sink").asString()).isEqualTo("service://Orders/audit");
        assertThat(api.get("/subscriptions/" + id).body().get("options").get("auto.offset.reset").asString())
                .isEqualTo("latest");
    }

    @Test
    void explainsMistakesInOneLine() {
        Result noSink = cli().run("sub", "create", "kafka://local/cli-x");
        assertThat(noSink.status()).isEqualTo(2);
        assertThat(noSink.err()).contains("Give SOURCE and SINK").hasLineCount(1);

        Result malformed = cli().run("sub", "create", "kafka://local/cli-x", "service://Orders/process", "earliest");
        assertThat(malformed.status()).isEqualTo(2);
        assertThat(malformed.err()).startsWith("error: 'earliest' is not KEY=VALUE").hasLineCount(1);

        Result noCluster = cli().run("sub", "create", "kafka://nowhere/x", "service://Orders/process");
        assertThat(noCluster.status()).isEqualTo(1);
        assertThat(noCluster.err()).isEqualTo("error: Kafka cluster 'nowhere' does not exist. Create it with POST"
                + " /kafka-clusters, or pick one from GET /kafka-clusters.\n");

        Result noHandler = cli().run("sub", "create", "kafka://local/cli-x", "service://Orders/missing");
        assertThat(noHandler.status()).isEqualTo(1);
        assertThat(noHandler.err()).startsWith("error: Service 'Orders' has no handler 'missing'.").hasLineCount(1);
    }

    private static String id(Result created) {
        Matcher matcher = CREATED.matcher(created.out());
        assertThat(matcher.find()).as(created.out() + created.err()).isTrue();
        return matcher.group(1);
    }

    private static Cli cli() {
        return new Cli(ferry.baseUrl());
    }
}
