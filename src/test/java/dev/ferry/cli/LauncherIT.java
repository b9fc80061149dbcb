package dev.ferry.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.json.JsonMapper;

import dev.ferry.testsupport.FerryInstance;
import dev.ferry.testsupport.TestInfrastructure;

/**
 * {@code bin/ferry} as a user runs it: a child process that finds a JDK 21+, runs {@code target/ferry-cli.jar}
 * and exits with the command's status. The jar is built by the package phase, before integration tests run.
 */
class LauncherIT {

    private static final Path LAUNCHER = Path.of("bin/ferry").toAbsolutePath();
    private static final Path JAR = Path.of("target/ferry-cli.jar").toAbsolutePath();
    private static final String SECRET = "launch-s3cret";

    private static FerryInstance ferry;

    @TempDir
    Path dir;

    @BeforeAll
    static void start() {
        assumeTrue(Files.isRegularFile(JAR), "target/ferry-cli.jar is built by './mvnw package' (or verify)");
        ferry = FerryInstance.start("cli_launcher", Map.of());
    }

    @AfterAll
    static void stop() {
        if (ferry != null) {
            ferry.close();
        }
    }

    record Run(int status, String out, String err) {
    }

    @Test
    void printsHelpWithoutAFerry() throws Exception {
        Run help = launch("http://127.0.0.1:9", "", "--help");

        assertThat(help.status()).isZero();
        assertThat(help.out()).startsWith("Usage: ferry").contains("kafka-clusters, kc");
        assertThat(help.err()).isEmpty();
    }

    @Test
    void managesClustersAgainstARunningFerry() throws Exception {
        String brokers = TestInfrastructure.kafka().bootstrapServers();
        Run created = launch(ferry.baseUrl(),
                "bootstrap.servers=%s\nssl.truststore.password=%s\n".formatted(brokers, SECRET),
                "kc", "create", "launched", "-f", "-");
        assertThat(created.status()).as(created.err()).isZero();
        assertThat(created.out()).contains("ssl.truststore.password  ***").endsWith("Kafka cluster launched created\n")
                .doesNotContain("?");

        Run listed = launch(ferry.baseUrl(), "", "kc", "list", "--json");
        assertThat(listed.status()).isZero();
        assertThat(JsonMapper.builder().build().readTree(listed.out()).get("clusters").findValuesAsString("name"))
                .containsExactly("launched");
        assertThat(listed.err()).isEmpty();
        Stream.of(created, listed).forEach(run -> assertThat(run.out() + run.err()).doesNotContain(SECRET));
    }

    @Test
    void failsWithOneLineAndAStatus() throws Exception {
        Run unknown = launch(ferry.baseUrl(), "", "kc", "describe", "nowhere");
        assertThat(unknown.status()).isEqualTo(1);
        assertThat(unknown.out()).isEmpty();
        assertThat(unknown.err()).startsWith("error: No Kafka cluster is named 'nowhere'.").hasLineCount(1);

        Run refused = launch("http://127.0.0.1:9", "", "kc", "list");
        assertThat(refused.status()).isEqualTo(1);
        assertThat(refused.err()).isEqualTo("error: Cannot reach Ferry at http://127.0.0.1:9: connection refused. Start"
                + " Ferry, or point --url or FERRY_ADMIN_URL at it.\n");

        Run usage = launch(ferry.baseUrl(), "", "kc", "create", "x", "nonsense");
        assertThat(usage.status()).isEqualTo(2);
        assertThat(usage.err()).hasLineCount(1);
    }

    private Run launch(String adminUrl, String stdin, String... args) throws IOException, InterruptedException {
        Path out = dir.resolve("out-" + System.nanoTime());
        Path err = dir.resolve("err-" + System.nanoTime());
        Path in = dir.resolve("in-" + System.nanoTime());
        Files.writeString(in, stdin);
        ProcessBuilder builder = new ProcessBuilder(Stream.concat(Stream.of(LAUNCHER.toString()),
                Stream.of(args)).toList())
                .redirectInput(in.toFile()).redirectOutput(out.toFile()).redirectError(err.toFile());
        builder.environment().put("FERRY_ADMIN_URL", adminUrl);
        builder.environment().remove("FERRY_TOKEN");
        builder.environment().put("LANG", "C.UTF-8");
        Process process = builder.start();
        assertThat(process.waitFor(60, TimeUnit.SECONDS)).as("bin/ferry " + List.of(args) + " finished").isTrue();
        return new Run(process.exitValue(), Files.readString(out, StandardCharsets.UTF_8),
                Files.readString(err, StandardCharsets.UTF_8));
    }
}
