package dev.ferry.testsupport;

import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * A real restate-server 1.7 (the native binary of the npm package {@code @restatedev/restate-server}, pinned in
 * {@code src/test/node}), single node, with its data in a temporary directory removed on {@link #close()}. Every
 * listener binds 127.0.0.1 on a port picked here: ingress, admin and the node-to-node fabric, TCP only (no Unix
 * sockets). {@link #listeningAddresses()} tells what the process really listens on.
 */
public final class RestateServer implements AutoCloseable {

    private static final JsonMapper JSON = JsonMapper.builder().build();

    private final Process process;
    private final Path directory;
    private final int ingressPort;
    private final int adminPort;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    private RestateServer(Process process, Path directory, int ingressPort, int adminPort) {
        this.process = process;
        this.directory = directory;
        this.ingressPort = ingressPort;
        this.adminPort = adminPort;
    }

    /** Starts restate-server and waits until its admin API answers. */
    public static RestateServer start() {
        Path binary = NodePackages.restateServer();
        int ingress = Ports.freePort();
        int admin = Ports.freePort();
        int fabric = Ports.freePort();
        try {
            Path directory = Files.createTempDirectory("ferry-restate-server");
            Path config = directory.resolve("restate.toml");
            Files.writeString(config, new RestateServerConfig("oracle", directory.resolve("data"), fabric, admin,
                    ingress, 2, "256 MiB").toml());
            Process process = new ProcessBuilder(binary.toString(), "--no-logo", "--config-file", config.toString())
                    .directory(directory.toFile()).redirectErrorStream(true)
                    .redirectOutput(directory.resolve("restate-server.log").toFile()).start();
            RestateServer server = new RestateServer(process, directory, ingress, admin);
            await("restate-server ready").atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(250))
                    .until(() -> {
                        if (!process.isAlive()) {
                            throw new IllegalStateException("restate-server exited with " + process.exitValue()
                                    + ": " + Files.readString(directory.resolve("restate-server.log")));
                        }
                        return server.ready();
                    });
            return server;
        } catch (IOException e) {
            throw new UncheckedIOException("Could not start restate-server", e);
        }
    }

    private boolean ready() {
        try {
            return http.send(HttpRequest.newBuilder(URI.create(adminUrl() + "/health")).timeout(Duration.ofSeconds(2))
                    .build(), HttpResponse.BodyHandlers.discarding()).statusCode() == 200
                    // any answer will do: the ingress listens
                    && http.send(HttpRequest.newBuilder(URI.create(ingressUrl() + "/restate/health"))
                    .timeout(Duration.ofSeconds(2)).build(), HttpResponse.BodyHandlers.discarding())
                    .statusCode() > 0;
        } catch (IOException notYet) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    public String adminUrl() {
        return "http://127.0.0.1:" + adminPort;
    }

    public String ingressUrl() {
        return "http://127.0.0.1:" + ingressPort;
    }

    /** The admin API, as {@link Api} talks to Ferry's. */
    public Api admin() {
        return new Api(adminUrl());
    }

    /** Runs SQL on the admin API's {@code /query} and returns its rows. */
    public List<JsonNode> query(String sql) {
        Api.Reply reply = admin().send("/query", JSON.writeValueAsString(JSON.createObjectNode().put("query", sql)),
                "accept", "application/json");
        if (reply.status() != 200) {
            throw new IllegalStateException("query failed with " + reply.status() + ": " + reply.text());
        }
        List<JsonNode> rows = new ArrayList<>();
        reply.body().get("rows").forEach(rows::add);
        return rows;
    }

    /** The output of a completed invocation, read through the ingress ({@code /restate/invocation/{id}/output}). */
    public String output(String invocationId) {
        try {
            HttpResponse<String> response = http.send(HttpRequest.newBuilder(
                    URI.create(ingressUrl() + "/restate/invocation/" + invocationId + "/output"))
                    .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
            if (response.statusCode() != 200) {
                throw new IllegalStateException("output of " + invocationId + ": " + response.statusCode() + " "
                        + response.body());
            }
            return response.body();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** Every TCP address:port the restate-server process listens on, read from /proc. */
    public List<String> listeningAddresses() {
        return ListeningSockets.ofProcess(process.pid()).stream()
                .map(socket -> socket.address() + ":" + socket.port()).sorted().toList();
    }

    /** What restate-server logged so far. */
    public String log() {
        try {
            return Files.readString(directory.resolve("restate-server.log"), StandardCharsets.UTF_8);
        } catch (IOException e) {
            return "(no log: " + e.getMessage() + ")";
        }
    }

    @Override
    public void close() {
        process.destroy();
        try {
            if (!process.waitFor(20, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        try (Stream<Path> files = Files.walk(directory)) {
            files.sorted(Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
        } catch (IOException e) {
            // a temporary directory left behind does no harm
        }
    }
}
