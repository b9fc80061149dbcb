package dev.ferry.bench;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

import dev.ferry.testsupport.ListeningSockets;
import dev.ferry.testsupport.RestateServerConfig;

/**
 * restate-server (the native binary of the npm package {@code @restatedev/restate-server}, pinned in
 * {@code src/test/node}) as a process of the benchmark, single node, for scenarios 18 and 19. Its data and its
 * configuration live in a directory of the output directory ({@code restate-s<N>}), removed on {@link #close()}.
 * Every listener binds 127.0.0.1 over TCP: ingress, admin and the node-to-node fabric. Everything else is the
 * server's own default, but for its partitions when {@code BENCH_RESTATE_PARTITIONS} is set.
 */
final class RestateServerProcess implements AutoCloseable {

    private static final Duration START_TIMEOUT = Duration.ofSeconds(120);
    private static final Duration STOP_GRACE = Duration.ofSeconds(30);

    private final Children children;
    private final Children.Child child;
    private final Path directory;
    private final JsonHttp admin;
    private final String version;

    private RestateServerProcess(Children children, Children.Child child, Path directory, JsonHttp admin,
            String version) {
        this.children = children;
        this.child = child;
        this.directory = directory;
        this.admin = admin;
        this.version = version;
    }

    /** Starts restate-server with a fresh data directory and waits until its admin API answers. */
    static RestateServerProcess start(BenchSettings settings, Children children, int scenario) {
        BenchSettings.Restate restate = settings.restate();
        if (!Files.isExecutable(Path.of(restate.binary()))) {
            throw new IllegalStateException("restate-server is missing at " + restate.binary()
                    + "; run npm ci --prefix src/test/node");
        }
        String version = version(restate.binary());
        Path directory = settings.environment().outputDir().resolve("restate-s" + scenario).toAbsolutePath();
        int admin = Ports.free();
        try {
            delete(directory);
            Files.createDirectories(directory);
            Path config = directory.resolve("restate.toml");
            Files.writeString(config, new RestateServerConfig("bench", directory.resolve("data"), Ports.free(), admin,
                    Ports.free(), restate.partitions(), null).toml());
            Children.Child child = children.start("restate-server-s" + scenario, List.of(restate.binary(),
                    "--no-logo", "--config-file", config.toString()));
            RestateServerProcess server = new RestateServerProcess(children, child, directory,
                    new JsonHttp("http://127.0.0.1:" + admin), version);
            server.awaitReady();
            return server;
        } catch (IOException e) {
            delete(directory);
            throw new UncheckedIOException("Could not prepare restate-server's directory " + directory, e);
        }
    }

    private void awaitReady() {
        long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
        try {
            while (!admin.answers("/health")) {
                Children.requireAlive(child);
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("restate-server did not answer within " + START_TIMEOUT
                            + "; see " + child.log());
                }
                Kafka.sleep(200);
            }
            requireLoopback();
        } catch (RuntimeException e) {
            close();
            throw e;
        }
    }

    /** Fails unless every port the server listens on is bound to 127.0.0.1. */
    void requireLoopback() {
        List<String> listening = ListeningSockets.ofProcess(child.pid()).stream()
                .map(socket -> socket.address() + ":" + socket.port()).sorted().toList();
        if (listening.isEmpty() || !listening.stream().allMatch(address -> address.startsWith("127.0.0.1:"))) {
            throw new IllegalStateException("restate-server listens on " + listening + ", not only on 127.0.0.1");
        }
        System.out.println("restate-server listens on " + String.join(", ", listening));
    }

    /** Registers the SDK endpoint as a deployment ({@code POST /deployments}). */
    void registerDeployment(String uri) {
        admin.post("/deployments", JsonHttp.JSON.createObjectNode().put("uri", uri).toString());
    }

    /** Registers the benchmark's broker as the Kafka cluster {@code bench}. */
    void registerKafkaCluster(String bootstrapServers) {
        ObjectNode cluster = JsonHttp.JSON.createObjectNode().put("name", "bench");
        cluster.putObject("properties").put("bootstrap.servers", bootstrapServers);
        admin.post("/kafka-clusters", cluster.toString());
    }

    /**
     * Subscribes a service's {@code run} handler to a topic, from its earliest offset; returns the subscription's
     * id, which is also its consumer group.
     */
    String subscribe(String topic, String service) {
        ObjectNode subscription = JsonHttp.JSON.createObjectNode().put("source", "kafka://bench/" + topic)
                .put("sink", "service://" + service + "/run");
        subscription.putObject("options").put("auto.offset.reset", "earliest");
        return admin.post("/subscriptions", subscription.toString()).path("id").asString();
    }

    /**
     * Invocations the server still holds unfinished: every row of {@code sys_invocation} but completed ones (which
     * it keeps only under a retention). None left, after the handler saw every record, means every record's
     * invocation completed in the server.
     */
    long unfinished() {
        return count(admin.post("/query", JsonHttp.JSON.createObjectNode().put("query",
                "SELECT count(*) AS n FROM sys_invocation WHERE status <> 'completed'").toString(),
                "application/json"));
    }

    /** The count of a {@code SELECT count(*) AS n} answer of the admin API's {@code /query}. */
    static long count(JsonNode answer) {
        JsonNode rows = answer.path("rows");
        if (rows.size() != 1 || !rows.get(0).path("n").isNumber()) {
            throw new IllegalStateException("restate-server's /query answered no count: " + answer);
        }
        return rows.get(0).path("n").asLong();
    }

    /** What the binary says of itself, e.g. {@code restate-server 1.7.12}. */
    String version() {
        return version;
    }

    Children.Child child() {
        return child;
    }

    private static String version(String binary) {
        try {
            Process process = new ProcessBuilder(binary, "--version").redirectErrorStream(true).start();
            String output = new String(process.getInputStream().readAllBytes()).strip();
            process.waitFor();
            return output.lines().findFirst().orElse("restate-server");
        } catch (IOException e) {
            return "restate-server";
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "restate-server";
        }
    }

    /** Stops the server and removes its data, unless {@code BENCH_KEEP_DATA=1}. */
    @Override
    public void close() {
        children.stop(child, STOP_GRACE);
        if (!"1".equals(System.getenv("BENCH_KEEP_DATA"))) {
            delete(directory);
        }
    }

    private static void delete(Path directory) {
        if (!Files.exists(directory)) {
            return;
        }
        try (Stream<Path> files = Files.walk(directory)) {
            files.sorted(Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
        } catch (IOException e) {
            System.err.println("Could not remove " + directory + ": " + e.getMessage());
        }
    }
}
