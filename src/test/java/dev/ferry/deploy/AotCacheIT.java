package dev.ferry.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.File;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.ferry.testsupport.EmbeddedDatabase;
import dev.ferry.testsupport.Ports;
import dev.ferry.testsupport.TestInfrastructure;

/**
 * Warm from the start, as a user gets it: {@code bin/ferry-server} records the JDK's AOT cache in Ferry's first
 * run and starts every later run from it, and the image's training run (the buildpack's, with the JVM options
 * that pom.xml gives it) makes a cache without a database. Runs the built jar, {@code target/ferry-*.jar}, on
 * JDK 25, which the AOT cache needs.
 */
class AotCacheIT {

    private static final Path LAUNCHER = Path.of("bin/ferry-server").toAbsolutePath();
    private static final Path JDK_25 = Path.of("/usr/lib/jvm/temurin-25-jdk-amd64");
    private static final Duration START_TIMEOUT = Duration.ofMinutes(5);
    private static final Duration STOP_TIMEOUT = Duration.ofMinutes(5);
    private static final Path LOGS = Path.of("target/aot-cache-it").toAbsolutePath();

    private static Path jar;
    private static Path javaHome;

    private final List<Process> started = new ArrayList<>();

    @TempDir
    Path dir;

    @BeforeAll
    static void findJarAndJdk() throws IOException {
        Files.createDirectories(LOGS);
        try (Stream<Path> files = Files.list(Path.of("target"))) {
            jar = files.filter(file -> file.getFileName().toString().matches("ferry-(?!cli).*\\.jar"))
                    .findFirst().map(Path::toAbsolutePath).orElse(null);
        }
        assertThat(jar).as("target/ferry-*.jar, built by './mvnw package' (or verify)").isNotNull();
        javaHome = Runtime.version().feature() >= 25 ? Path.of(System.getProperty("java.home")) : JDK_25;
        assertThat(javaHome.resolve("bin/java"))
                .as("the AOT cache needs JDK 25 or newer: run the tests on one, or install one at " + JDK_25)
                .isExecutable();
    }

    @AfterEach
    void stopWhatIsLeft() {
        started.forEach(Process::destroyForcibly);
    }

    @Test
    void startsFromTheCacheThatTheFirstRunRecorded() throws Exception {
        Path cacheDir = dir.resolve("aot");
        String database = TestInfrastructure.freshDatabase("aot_cache");

        Launched training = launch(cacheDir, "-Xmx384m -XX:+UseSerialGC", database, "training");
        training.awaitReady();
        training.stop();
        List<Path> caches = caches(cacheDir);
        assertThat(caches).as("the cache the first run wrote as it stopped (log: %s)", training.log()).hasSize(1);

        // -XX:AOTMode=on refuses to start without a cache the JVM can use; -Xlog:aot tells which one it mapped
        Launched production = launch(cacheDir, "-Xmx384m -XX:+UseSerialGC -XX:AOTMode=on -Xlog:aot", database,
                "production");
        production.awaitReady();
        String log = Files.readString(production.log(), StandardCharsets.UTF_8);
        assertThat(log).contains("Opened AOT cache " + caches.getFirst())
                .contains("Using AOT-linked classes: true")
                .doesNotContain("recording the AOT cache");
        production.stop();
        assertThat(caches(cacheDir)).containsExactlyElementsOf(caches);
    }

    @Test
    void trainsTheImageCacheWithoutADatabase() throws Exception {
        String pom = Files.readString(Path.of("pom.xml"), StandardCharsets.UTF_8);
        assertThat(imageEnv(pom, "BP_JVM_AOTCACHE_ENABLED")).isEqualTo("true");
        assertThat(imageEnv(pom, "BP_JVM_VERSION")).isEqualTo("25");
        Path app = dir.resolve("app");
        Process extract = new ProcessBuilder(java(), "-Djarmode=tools", "-jar", jar.toString(), "extract",
                "--destination", app.toString()).redirectErrorStream(true)
                .redirectOutput(LOGS.resolve("extract.log").toFile()).start();
        started.add(extract);
        assertThat(extract.waitFor(2, TimeUnit.MINUTES) && extract.exitValue() == 0).as("jar extracted").isTrue();

        // what the Spring Boot buildpack runs: JAVA_TOOL_OPTIONS from TRAINING_RUN_JAVA_TOOL_OPTIONS, and no
        // database to reach (nothing listens on the port)
        Path log = LOGS.resolve("image-training.log");
        ProcessBuilder builder = new ProcessBuilder(java(), "-Dspring.context.exit=onRefresh",
                "-XX:AOTCacheOutput=application.aot", "-jar", jar.getFileName().toString(),
                "--spring.datasource.url=jdbc:postgresql://127.0.0.1:" + Ports.freePort() + "/ferry",
                "--server.address=127.0.0.1", "--server.port=0")
                .directory(app.toFile()).redirectErrorStream(true).redirectOutput(log.toFile());
        clearJvmOptions(builder.environment());
        builder.environment().put("JAVA_TOOL_OPTIONS", imageEnv(pom, "TRAINING_RUN_JAVA_TOOL_OPTIONS"));
        Process run = builder.start();
        started.add(run);

        assertThat(run.waitFor(START_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)).as("training run ended").isTrue();
        assertThat(run.exitValue()).as("training run's status (log: %s)", log).isZero();
        assertThat(app.resolve("application.aot")).as("the image's cache (log: %s)", log).isNotEmptyFile();
        assertThat(Files.readString(log, StandardCharsets.UTF_8)).doesNotContain(" ERROR ");
    }

    private Launched launch(Path cacheDir, String jvmOptions, String databaseUrl, String name) throws IOException {
        EmbeddedDatabase database = TestInfrastructure.database();
        int port = Ports.freePort();
        Path log = LOGS.resolve(name + ".log");
        ProcessBuilder builder = new ProcessBuilder(LAUNCHER.toString(),
                "--server.address=127.0.0.1", "--server.port=" + port, "--spring.main.banner-mode=off",
                "--spring.datasource.url=" + databaseUrl, "--spring.datasource.username=" + database.username())
                .redirectErrorStream(true).redirectOutput(log.toFile()).redirectInput(new File("/dev/null"));
        Map<String, String> environment = builder.environment();
        clearJvmOptions(environment);
        environment.put("SPRING_DATASOURCE_PASSWORD", database.password());
        environment.put("JAVA_HOME", javaHome.toString());
        environment.put("FERRY_JAR", jar.toString());
        environment.put("FERRY_AOT_DIR", cacheDir.toString());
        environment.put("FERRY_JAVA_OPTS", jvmOptions);
        Process process = builder.start();
        started.add(process);
        return new Launched(process, port, log);
    }

    private static void clearJvmOptions(Map<String, String> environment) {
        environment.remove("JAVA_TOOL_OPTIONS");
        environment.remove("JDK_JAVA_OPTIONS");
        environment.remove("_JAVA_OPTIONS");
    }

    /** Ferry started by the launcher, on {@code port}, writing to {@code log}. */
    private record Launched(Process process, int port, Path log) {

        void awaitReady() {
            HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
            HttpRequest readiness = HttpRequest.newBuilder(
                    URI.create("http://127.0.0.1:" + port + "/actuator/health/readiness"))
                    .timeout(Duration.ofSeconds(5)).build();
            long begun = System.nanoTime();
            Awaitility.await("Ferry ready (log: " + log + ")").atMost(START_TIMEOUT)
                    .pollInterval(Duration.ofMillis(200))
                    .until(() -> {
                        assertThat(process.isAlive()).as("Ferry running (log: %s)", log).isTrue();
                        try {
                            return http.send(readiness, HttpResponse.BodyHandlers.discarding()).statusCode() == 200;
                        } catch (IOException notYetListening) {
                            return false;
                        }
                    });
            System.out.printf("%s: ready after %d ms%n", log.getFileName(),
                    Duration.ofNanos(System.nanoTime() - begun).toMillis());
        }

        /** SIGTERM, as a container runtime stops Ferry; a training run writes its cache before it exits. */
        void stop() throws InterruptedException {
            process.destroy();
            assertThat(process.waitFor(STOP_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS))
                    .as("Ferry stopped (log: %s)", log).isTrue();
        }
    }

    private static List<Path> caches(Path cacheDir) throws IOException {
        try (Stream<Path> files = Files.walk(cacheDir)) {
            return files.filter(file -> file.getFileName().toString().matches("ferry-\\w+\\.aot"))
                    .filter(file -> file.toFile().length() > 0).toList();
        }
    }

    private static String imageEnv(String pom, String name) {
        Matcher value = Pattern.compile("<image>.*<env>.*<" + name + ">([^<]*)</" + name + ">.*</env>.*</image>",
                Pattern.DOTALL).matcher(pom);
        assertThat(value.find()).as("%s in spring-boot-maven-plugin's <image><env>", name).isTrue();
        return value.group(1).trim();
    }

    private static String java() {
        return javaHome.resolve("bin/java").toString();
    }
}
