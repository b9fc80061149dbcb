package dev.ferry.cli;

import static dev.ferry.testsupport.Api.json;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import dev.ferry.cli.Cli.Result;
import dev.ferry.cluster.KafkaClusterRegistry;
import dev.ferry.testsupport.Api;
import dev.ferry.testsupport.FerryInstance;
import dev.ferry.testsupport.HandlerServer;
import dev.ferry.testsupport.TestInfrastructure;

/** {@code ferry kafka-clusters} against a real Ferry, run in-process as a user would type it. */
class KafkaClusterCommandsIT {

    private static final String SECRET = "s3cret-Pa55";
    private static final String USER = "alice-key";

    private static FerryInstance ferry;
    private static Api api;
    private static String brokers;

    @TempDir
    Path dir;

    @BeforeAll
    static void start() {
        brokers = TestInfrastructure.kafka().bootstrapServers();
        ferry = FerryInstance.start("cli_clusters", Map.of());
        api = ferry.api();
    }

    @AfterAll
    static void stop() {
        ferry.close();
    }

    @Test
    void createsAClusterFromArgumentsShowingSecretsMasked() {
        Result created = cli().run("kc", "create", "args", "bootstrap.servers=" + brokers,
                "security.protocol=SASL_PLAINTEXT",
                "sasl.mechanisms=PLAIN", "sasl.username=" + USER, "sasl.password=" + SECRET);

        assertThat(created.status()).isZero();
        assertThat(created.out()).contains("Kafka cluster args to create:")
                .containsPattern("sasl\\.password +\\*\\*\\*")
                .containsPattern("sasl\\.username +\\*\\*\\*")
                .containsPattern("bootstrap\\.servers +" + brokers)
                .endsWith("Kafka cluster args created\n");
        assertThat(created.err()).isEmpty();
        assertNoSecret(created);

        Result described = cli().run("kc", "describe", "args");
        assertThat(described.status()).isZero();
        assertThat(described.out()).containsPattern("Name: +args").containsPattern("Brokers: +" + brokers)
                .containsPattern("Created at: +\\d{4}-\\d\\d-\\d\\dT").contains("Subscriptions: none")
                .containsPattern("sasl\\.password +\\*\\*\\*");
        assertNoSecret(described);

        Result listed = cli().run("kafka-clusters", "list");
        assertThat(listed.out()).containsPattern("NAME +BROKERS +PROPERTIES +CREATED-AT")
                .containsPattern("args +" + brokers + " +5 +\\d{4}-");

        Result json = cli().run("kc", "describe", "args", "--json");
        assertThat(parse(json.out()).get("properties").get("sasl.password").asString()).isEqualTo("***");
        assertNoSecret(json);
        assertNoSecret(cli().run("--json", "kc", "list"));
    }

    @Test
    void createsAClusterFromAPropertiesFileAsConfluentCloudPrintsIt() throws IOException {
        Path file = dir.resolve("client.properties");
        Files.writeString(file, """
                # Required connection configs for Kafka producer, consumer, and admin
                bootstrap.servers=%s
                security.protocol=SASL_PLAINTEXT
                sasl.mechanisms=PLAIN
                sasl.username=%s
                sasl.password=%s

                # Best practice for higher availability in librdkafka clients prior to 1.7
                session.timeout.ms=45000
                """.formatted(brokers, USER, SECRET));

        Result created = cli().run("kc", "create", "from-file", "-f", file.toString());

        assertThat(created.status()).isZero();
        assertThat(created.out()).contains("Kafka cluster from-file created")
                .containsPattern("session\\.timeout\\.ms +45000");
        assertNoSecret(created);
        assertThat(api.get("/kafka-clusters/from-file").body().get("properties").size()).isEqualTo(6);
    }

    @Test
    void createsAClusterFromStandardInput() {
        Result created = cli().stdin("bootstrap.servers=%s\nclient.id=piped\nssl.truststore.password=%s\n"
                .formatted(brokers, SECRET))
                .run("kc", "create", "piped", "--from-file", "-");

        assertThat(created.status()).isZero();
        assertThat(created.out()).contains("Kafka cluster piped created");
        assertNoSecret(created);
        assertThat(api.get("/kafka-clusters/piped").body().get("properties").get("client.id").asString())
                .isEqualTo("piped");
    }

    @Test
    void createsAClusterWrittenInTheEditor() throws IOException {
        Path seen = dir.resolve("template.txt");
        Path editor = editor("""
                cp "$1" '%s'
                cat >> "$1" <<'EOF'
                bootstrap.servers=%s
                ssl.truststore.password=%s
                EOF
                """.formatted(seen, brokers, SECRET));

        Result created = cli().env("EDITOR", editor.toString()).run("kc", "create", "edited", "--edit");

        assertThat(created.status()).isZero();
        assertThat(created.out()).contains("Kafka cluster edited created");
        assertNoSecret(created);
        assertThat(Files.readString(seen)).contains("Kafka cluster 'edited'").contains("# bootstrap.servers=");
        assertThat(api.get("/kafka-clusters/edited").status()).isEqualTo(200);

        Result empty = cli().env("EDITOR", editor("true").toString()).run("kc", "create", "untouched", "--edit");
        assertThat(empty.status()).isEqualTo(1);
        assertThat(empty.err()).isEqualTo("error: No properties given, so Kafka cluster untouched was not created."
                + " Give at least bootstrap.servers=HOST:PORT.\n");
    }

    @Test
    void asksBeforeCreatingWhenSomeoneIsAtTheTerminal() {
        Cli declining = cli().answering("n");
        Result declined = declining.run("kc", "create", "asked", "bootstrap.servers=" + brokers);
        assertThat(declining.prompts()).containsExactly("Create Kafka cluster asked? [y/N] ");
        assertThat(declined.status()).isEqualTo(1);
        assertThat(declined.err()).isEqualTo("error: Cancelled: Kafka cluster asked was not created.\n");
        assertThat(api.get("/kafka-clusters/asked").status()).isEqualTo(404);

        Result accepted = cli().answering("y").run("kc", "create", "asked", "bootstrap.servers=" + brokers);
        assertThat(accepted.status()).isZero();

        Cli sure = cli().answering();
        assertThat(sure.run("kc", "create", "asked-not", "-y", "bootstrap.servers=" + brokers).status()).isZero();
        assertThat(sure.prompts()).isEmpty();
    }

    @Test
    void checksAClusterWithoutCreatingItOnADryRun() {
        Result checked = cli().run("kc", "create", "dry", "--dry-run", "bootstrap.servers=" + brokers,
                "ssl.truststore.password=" + SECRET);

        assertThat(checked.status()).isZero();
        assertThat(checked.out())
                .contains("Kafka cluster dry is valid and Ferry connected to it; nothing was created (--dry-run).");
        assertNoSecret(checked);
        assertThat(api.get("/kafka-clusters/dry").status()).isEqualTo(404);

        Result refused = cli().run("kc", "create", "dry", "--dry-run", "bootstrap.servers=" + brokers,
                "sasl.mechanism5=PLAIN");
        assertThat(refused.status()).isEqualTo(1);
        assertThat(refused.err()).startsWith("error: Property 'sasl.mechanism5' is not a Kafka client property.")
                .hasLineCount(1);
    }

    @Test
    void patchesSomePropertiesAndKeepsTheSecretsItCannotSee() {
        createWithSecrets("patched");

        Result patched = cli().run("kc", "patch", "patched", "--set", "client.id=b", "--unset", "session.timeout.ms",
                "--set", "socket.connection.setup.timeout.ms=7000");

        assertThat(patched.status()).isZero();
        assertThat(patched.out()).containsPattern("PROPERTY +OLD +NEW")
                .containsPattern("client\\.id +a +b")
                .containsPattern("session\\.timeout\\.ms +45000 +\\(removed\\)")
                .containsPattern("socket\\.connection\\.setup\\.timeout\\.ms +\\(unset\\) +7000")
                .doesNotContain("sasl.password")
                .endsWith("Kafka cluster patched updated\n");
        JsonNode properties = api.get("/kafka-clusters/patched").body().get("properties");
        assertThat(properties.get("client.id").asString()).isEqualTo("b");
        assertThat(properties.has("session.timeout.ms")).isFalse();
        assertThat(storedJaasConfig("patched")).contains(SECRET).contains(USER);

        Result secret = cli().run("kc", "patch", "patched", "--set", "sasl.password=n3w-" + SECRET);
        assertThat(secret.out()).containsPattern("sasl\\.password +\\*\\*\\* +\\*\\*\\*");
        assertNoSecret(secret);
        assertThat(storedJaasConfig("patched")).contains("n3w-" + SECRET);
    }

    @Test
    void refusesPatchesThatCannotBeRight() {
        createWithSecrets("guarded");

        Result masked = cli().run("kc", "patch", "guarded", "--set", "sasl.password=***");
        assertThat(masked.status()).isEqualTo(1);
        assertThat(masked.err()).isEqualTo("error: Property 'sasl.password' has the masked value ***: "
                + "give its real value,"
                + " or leave it out to keep the current one.\n");

        Result malformed = cli().run("kc", "patch", "guarded", "--set", "client.id");
        assertThat(malformed.status()).isEqualTo(2);
        assertThat(malformed.err()).isEqualTo("error: 'client.id' is not KEY=VALUE; write each property as name=value,"
                + " e.g. bootstrap.servers=broker:9092 (see 'ferry kafka-clusters patch --help')\n");

        Result nothing = cli().run("kc", "patch", "guarded");
        assertThat(nothing.status()).isEqualTo(2);
        assertThat(nothing.err()).contains("Nothing to change").hasLineCount(1);

        Result same = cli().run("kc", "patch", "guarded", "--set", "client.id=a", "--unset", "not.there");
        assertThat(same.status()).isZero();
        assertThat(same.out()).isEqualTo("No changes; Kafka cluster guarded was not updated.\n");
        assertThat(same.err()).isEqualTo("warning: Kafka cluster guarded has no property "
                + "'not.there'; nothing to unset.\n");

        Result unknown = cli().run("kc", "patch", "nowhere", "--set", "client.id=a");
        assertThat(unknown.status()).isEqualTo(1);
        assertThat(unknown.err()).startsWith("error: No Kafka cluster is named 'nowhere'.").hasLineCount(1);
        assertThat(storedJaasConfig("guarded")).contains(SECRET);
    }

    @Test
    void editsPropertiesInTheEditorWithoutWritingSecretsToTheFile() throws IOException {
        createWithSecrets("edited-later");
        Path seen = dir.resolve("seen.properties");
        Path editor = editor("""
                cp "$1" '%s'
                sed -i -e 's/^client.id=a$/client.id=c/' -e '/^session.timeout.ms=/d' "$1"
                echo 'sasl.password=n3w-%s' >> "$1"
                """.formatted(seen, SECRET));

        Result edited = cli().env("EDITOR", editor.toString()).run("kc", "edit", "edited-later");

        assertThat(edited.status()).isZero();
        assertThat(edited.out()).containsPattern("client\\.id +a +c")
                .containsPattern("session\\.timeout\\.ms +45000 +\\(removed\\)")
                .containsPattern("sasl\\.password +\\*\\*\\* +\\*\\*\\*")
                .endsWith("Kafka cluster edited-later updated\n");
        assertNoSecret(edited);
        String file = Files.readString(seen);
        assertThat(file).contains("bootstrap.servers=" + brokers).contains("client.id=a")
                .contains("#   sasl.password (secret, kept)").contains("#   sasl.username (secret, kept)")
                .doesNotContain(SECRET).doesNotContain(USER).doesNotContain("***");
        assertThat(storedJaasConfig("edited-later")).contains("n3w-" + SECRET).contains(USER);
        assertThat(api.get("/kafka-clusters/edited-later").body().get("properties").has("sasl.username")).isTrue();
    }

    @Test
    void deletesAClusterButNotOneThatSubscriptionsUseUnlessForced() {
        try (HandlerServer handler = HandlerServer.start()) {
            createWithSecrets("busy");
            api.post("/services", json("{'name':'Busy','type':'SERVICE','endpoint':'%s','handlers':[{'name':'run'}]}"
                    .formatted(handler.endpoint())));
            String subscription = api.post("/subscriptions",
                    json("{'source':'kafka://busy/jobs','sink':'service://Busy/run'}"))
                    .body().get("id").asString();

            Result described = cli().run("kc", "describe", "busy");
            assertThat(described.out()).containsPattern("ID +SOURCE +SINK")
                    .containsPattern(subscription + " +kafka://busy/jobs +service://Busy/run");

            Result refused = cli().run("kc", "delete", "busy");
            assertThat(refused.status()).isEqualTo(1);
            assertThat(refused.err()).isEqualTo(("error: Kafka cluster 'busy' is used by 1 "
                    + "subscription(s) (%s). Delete them"
                    + " first, or add --force to delete them with the cluster.\n").formatted(subscription));

            Result forced = cli().run("kc", "rm", "busy", "--force");
            assertThat(forced.status()).isZero();
            assertThat(forced.out()).isEqualTo("Kafka cluster busy deleted\n");
            assertThat(api.get("/subscriptions/" + subscription).status()).isEqualTo(404);
        }
        Result missing = cli().run("kc", "delete", "busy");
        assertThat(missing.status()).isEqualTo(1);
        assertThat(missing.err()).startsWith("error: No Kafka cluster is named 'busy'.").hasLineCount(1);
    }

    @Test
    void explainsEveryMistakeInOneLine() {
        Result malformed = cli().run("kc", "create", "bad", "bootstrap.servers");
        assertThat(malformed.status()).isEqualTo(2);
        assertThat(malformed.err()).isEqualTo("error: 'bootstrap.servers' is not KEY=VALUE; write each property as"
                + " name=value, e.g. bootstrap.servers=broker:9092 (see 'ferry kafka-clusters create --help')\n");
        assertThat(malformed.out()).isEmpty();

        Result invalid = cli().run("kc", "create", "bad name", "bootstrap.servers=" + brokers);
        assertThat(invalid.status()).isEqualTo(1);
        assertThat(invalid.err()).startsWith("error: Cluster name 'bad name' is not valid").hasLineCount(1);

        Result unknown = cli().run("kc", "describe", "nowhere");
        assertThat(unknown.status()).isEqualTo(1);
        assertThat(unknown.err()).startsWith("error: No Kafka cluster is named 'nowhere'.").hasLineCount(1);

        Result refused = new Cli("http://127.0.0.1:9").run("kc", "list");
        assertThat(refused.status()).isEqualTo(1);
        assertThat(refused.err()).isEqualTo("error: Cannot reach Ferry at http://127.0.0.1:9: connection refused. Start"
                + " Ferry, or point --url or FERRY_ADMIN_URL at it.\n");

        Result missingFile = cli().run("kc", "create", "nofile", "-f", dir.resolve("absent.properties").toString());
        assertThat(missingFile.status()).isEqualTo(1);
        assertThat(missingFile.err()).endsWith("absent.properties': there is no such file.\n").hasLineCount(1);
    }

    @Test
    void failsADryRunWhenFerryCannotConnect() {
        Result unreachable = cli().run("kc", "create", "nowhere", "--dry-run", "bootstrap.servers=127.0.0.1:1");

        assertThat(unreachable.status()).isEqualTo(1);
        assertThat(unreachable.err()).startsWith("error: Kafka cluster nowhere is not usable: Ferry could not connect:")
                .endsWith("Nothing was created (--dry-run).\n").hasLineCount(1);
        assertThat(api.get("/kafka-clusters/nowhere").status()).isEqualTo(404);
    }

    @Test
    void showsTheConnectionStateAndErrorOfEachCluster() {
        api.post("/kafka-clusters", json("{'name':'offline','properties':{'bootstrap.servers':'127.0.0.1:1'}}"));

        await().atMost(Duration.ofSeconds(90)).until(() -> cli().run("kc", "describe", "offline").out()
                .matches("(?s).*Connection: +failed.*"));
        assertThat(cli().run("kc", "describe", "offline").out()).containsPattern("Error: +\\S+")
                .containsPattern("Checked at: +\\d{4}-");
        Result listed = cli().piped().run("kc", "list");
        assertThat(listed.out()).containsPattern("NAME +BROKERS +PROPERTIES +CREATED-AT +CONNECTION")
                .containsPattern("offline +127\\.0\\.0\\.1:1 +1 +\\S+ +failed: \\S+");
        api.delete("/kafka-clusters/offline");
    }

    @Test
    void watchesTheListUntilStopped() {
        Cli cli = cli();
        StringWriter screen = new StringWriter();
        PrintWriter out = new PrintWriter(screen, true);
        CompletableFuture<Integer> watching = CompletableFuture.supplyAsync(
                () -> cli.run(out, new PrintWriter(new StringWriter()), "kc", "list", "--watch"));

        await().atMost(Duration.ofSeconds(10))
                .until(() -> screen.toString().contains("Every 2s: ferry kafka-clusters list"));
        api.post("/kafka-clusters",
                json("{'name':'watched','properties':{'bootstrap.servers':'%s'}}".formatted(brokers)));
        await().atMost(Duration.ofSeconds(10))
                .until(() -> screen.toString().matches("(?s).*\\bwatched +" + brokers + ".*"));
        cli.stopWatching();

        assertThat(watching.orTimeout(10, TimeUnit.SECONDS).join()).isZero();
        assertThat(screen.toString()).contains("\033[H\033[2J");
    }

    private static Cli cli() {
        return new Cli(ferry.baseUrl());
    }

    private static void createWithSecrets(String name) {
        Result created = cli().run("kc", "create", name, "bootstrap.servers=" + brokers,
                "security.protocol=SASL_PLAINTEXT",
                "sasl.mechanisms=PLAIN", "sasl.username=" + USER, "sasl.password=" + SECRET, "client.id=a",
                "session.timeout.ms=45000");
        assertThat(created.status()).as(created.err()).isZero();
    }

    /** The JAAS config Ferry hands the Kafka client, where the stored secrets end up. */
    private static String storedJaasConfig(String cluster) {
        return ferry.bean(KafkaClusterRegistry.class).findDetails(cluster).orElseThrow().clientProperties()
                .get("sasl.jaas.config").toString();
    }

    private static void assertNoSecret(Result result) {
        assertThat(result.all()).doesNotContain(SECRET).doesNotContain(USER);
    }

    private static JsonNode parse(String json) {
        return JsonMapper.builder().build().readTree(json);
    }

    private Path editor(String script) throws IOException {
        Path file = Files.createTempFile(dir, "editor-", ".sh");
        Files.writeString(file, "#!/bin/sh\nset -e\n" + script + "\n");
        assertThat(file.toFile().setExecutable(true)).isTrue();
        return file;
    }
}
