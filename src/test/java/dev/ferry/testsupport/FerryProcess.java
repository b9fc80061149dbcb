package dev.ferry.testsupport;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

import org.awaitility.Awaitility;

import dev.ferry.FerryApplication;

/**
 * A real Ferry in a child JVM, so that tests can end it the way production ends: {@link #kill()} sends
 * SIGKILL (no shutdown hook, no cleanup), {@link #terminate()} sends SIGTERM (a graceful stop). The child
 * runs {@link FerryApplication} on this JVM's java binary and class path, binds 127.0.0.1 on a free port,
 * and writes its output to a log file for debugging.
 *
 * <p>The child gets this JVM's {@code java.class.path}. Surefire and failsafe set it to the whole test class
 * path even when they boot from a manifest-only jar; were it that jar, {@code java -cp} would honour its
 * manifest {@code Class-Path} just the same.
 */
public final class FerryProcess implements AutoCloseable {

    private static final Set<Process> RUNNING = ConcurrentHashMap.newKeySet();

    static {
        // a test JVM that ends abruptly must not leave Ferry processes behind
        Runtime.getRuntime().addShutdownHook(new Thread(() -> RUNNING.forEach(Process::destroyForcibly),
                "ferry-child-reaper"));
    }

    private final Process process;
    private final String baseUrl;
    private final Path log;

    private FerryProcess(Process process, String baseUrl, Path log) {
        this.process = process;
        this.baseUrl = baseUrl;
        this.log = log;
    }

    /**
     * Starts Ferry on {@code databaseUrl} (a database of the shared test server) and waits until it is ready.
     *
     * @param properties Spring properties, passed as {@code --name=value} so they win over application.yml
     * @param log        the file that receives the child's output (appended, so restarts share one file)
     */
    public static FerryProcess start(String databaseUrl, Map<String, String> properties, Path log) {
        FerryProcess ferry = launch(databaseUrl, properties, log);
        ferry.awaitReady();
        return ferry;
    }

    /**
     * Starts Ferry like {@link #start} but returns at once, for tests that must know the process before it
     * can make its first handler call (its dispatcher runs before it reports ready); then call
     * {@link #awaitReady()}.
     */
    public static FerryProcess launch(String databaseUrl, Map<String, String> properties, Path log) {
        return launch(TestInfrastructure.database(), databaseUrl, properties, Map.of(), log);
    }

    /**
     * Starts Ferry like {@link #start}, with these environment variables; a default property that one of them
     * sets (e.g. {@code SPRING_DATASOURCE_PASSWORD}) is then not passed as an argument, so the variable counts.
     */
    public static FerryProcess start(String databaseUrl, Map<String, String> properties,
            Map<String, String> environment,
            Path log) {
        FerryProcess ferry = launch(TestInfrastructure.database(), databaseUrl, properties, environment, log);
        ferry.awaitReady();
        return ferry;
    }

    /** Starts Ferry like {@link #launch(String, Map, Path)} on a database of {@code database}, a server of its own. */
    public static FerryProcess launch(EmbeddedDatabase database, String databaseUrl, Map<String, String> properties,
            Path log) {
        return launch(database, databaseUrl, properties, Map.of(), log);
    }

    private static FerryProcess launch(EmbeddedDatabase database, String databaseUrl, Map<String, String> properties,
            Map<String, String> environment, Path log) {
        int port = Ports.freePort();
        Map<String, String> all = new LinkedHashMap<>();
        all.put("server.address", "127.0.0.1");
        all.put("server.port", Integer.toString(port));
        all.put("spring.datasource.url", databaseUrl);
        all.put("spring.datasource.username", database.username());
        all.put("spring.datasource.password", database.password());
        all.put("ferry.dispatch.poll-interval", "200ms");
        all.put("ferry.consumer.reconcile-interval", "2s");
        all.put("spring.main.banner-mode", "off");
        all.putAll(properties);
        all.keySet().removeIf(name -> environment.containsKey(name.toUpperCase(Locale.ROOT)
                .replace('.', '_').replace('-', '_')));

        List<String> command = new ArrayList<>();
        command.add(ProcessHandle.current().info().command().orElseThrow(
                () -> new IllegalStateException("Cannot tell which java binary runs this JVM")));
        // quick start over peak speed: the child lives for seconds
        command.addAll(List.of("-Xmx384m", "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", "-Xshare:auto"));
        command.add("-cp");
        command.add(System.getProperty("java.class.path"));
        command.add(FerryApplication.class.getName());
        all.forEach((name, value) -> command.add("--" + name + "=" + value));
        try {
            Files.createDirectories(log.toAbsolutePath().getParent());
            Files.writeString(log, "\n===== starting Ferry on port " + port + " =====\n",
                    StandardOpenOption.CREATE, StandardOpenOption.APPEND);
            ProcessBuilder builder = new ProcessBuilder(command);
            builder.environment().putAll(environment);
            Process process = builder
                    .redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
                    .start();
            RUNNING.add(process);
            return new FerryProcess(process, "http://127.0.0.1:" + port, log);
        } catch (IOException e) {
            throw new UncheckedIOException("Could not start Ferry in a child JVM", e);
        }
    }

    /** Waits until Ferry answers its readiness probe; fails at once if the process died. */
    public void awaitReady() {
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
        HttpRequest readiness = HttpRequest.newBuilder(URI.create(baseUrl + "/actuator/health/readiness"))
                .timeout(Duration.ofSeconds(5)).build();
        Awaitility.await("Ferry child process ready (log: " + log + ")")
                .atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofMillis(250))
                .until(() -> {
                    if (!process.isAlive()) {
                        throw new IllegalStateException("Ferry exited with " + process.exitValue() + "; see " + log);
                    }
                    try {
                        return http.send(readiness, HttpResponse.BodyHandlers.discarding()).statusCode() == 200;
                    } catch (IOException notYetListening) {
                        return false;
                    }
                });
    }

    public String baseUrl() {
        return baseUrl;
    }

    public Api api() {
        return new Api(baseUrl);
    }

    public long pid() {
        return process.pid();
    }

    public boolean isAlive() {
        return process.isAlive();
    }

    /** Ends the process with SIGKILL, as a crash or an OOM killer would, and waits until it is gone. */
    public void kill() {
        process.destroyForcibly();
        awaitExit(Duration.ofSeconds(30));
    }

    /** Asks the process to stop with SIGTERM, as a container runtime does; does not wait. */
    public void terminate() {
        process.destroy();
    }

    /** Waits for the process to end; returns whether it did within {@code timeout}. */
    public boolean awaitExit(Duration timeout) {
        try {
            boolean exited = process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS);
            if (exited) {
                RUNNING.remove(process);
            }
            return exited;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    public int exitValue() {
        return process.exitValue();
    }

    @Override
    public void close() {
        if (process.isAlive()) {
            process.destroyForcibly();
            awaitExit(Duration.ofSeconds(30));
        }
        RUNNING.remove(process);
    }
}
