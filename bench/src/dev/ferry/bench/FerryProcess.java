package dev.ferry.bench;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import tools.jackson.databind.JsonNode;

/**
 * Ferry started from its jar as a process of its own, on a fresh database, with the benchmark's Kafka cluster
 * registered. Talks to it through its REST API only, as a user does.
 */
final class FerryProcess implements AutoCloseable {

    static final String CLUSTER = "bench";
    /** Three minutes, or {@code BENCH_START_TIMEOUT_SECONDS}: an AOT training run starts slower. */
    private static final Duration START_TIMEOUT = Duration.ofSeconds(
            Long.parseLong(System.getenv().getOrDefault("BENCH_START_TIMEOUT_SECONDS", "180")));
    /** A minute, or {@code BENCH_STOP_GRACE_SECONDS}: an AOT training run writes what it recorded at exit. */
    private static final Duration STOP_GRACE = Duration.ofSeconds(
            Long.parseLong(System.getenv().getOrDefault("BENCH_STOP_GRACE_SECONDS", "60")));

    private final Children children;
    private final Children.Child child;
    private final JsonHttp api;
    private final String aotCache;
    private double startupSeconds = -1;

    private FerryProcess(Children children, Children.Child child, JsonHttp api, String aotCache) {
        this.children = children;
        this.child = child;
        this.api = api;
        this.aotCache = aotCache;
    }

    /** Recreates Ferry's database, starts Ferry and waits until it is ready, then registers the cluster. */
    static FerryProcess start(String name, BenchSettings settings, Children children, Database database,
            String bootstrapServers) {
        database.recreateFerryDatabase();
        return start(name, settings, children, database, bootstrapServers, true, List.of());
    }

    /**
     * Starts Ferry on the database as it is and waits until it is ready; registers the cluster if asked (a
     * further instance on the same database finds it registered). {@code arguments} are extra Spring arguments.
     */
    static FerryProcess start(String name, BenchSettings settings, Children children, Database database,
            String bootstrapServers, boolean registerCluster, List<String> arguments) {
        int port = Ports.free();
        List<String> command = new ArrayList<>();
        command.add(settings.environment().java());
        // "{name}" in an option stands for this process's name, so that each scenario has its own AOT cache
        settings.ferryJvmOptions().forEach(option -> command.add(option.replace("{name}", name)));
        command.add("-jar");
        command.add(settings.environment().ferryJar().toString());
        command.add("--spring.datasource.url=" + database.ferryUrl());
        command.add("--spring.datasource.username=" + Database.FERRY_USER);
        command.add("--spring.datasource.password=" + Database.FERRY_PASSWORD);
        command.add("--server.address=127.0.0.1");
        command.add("--server.port=" + port);
        command.add("--spring.main.banner-mode=off");
        command.addAll(settings.ferryArguments());
        command.addAll(arguments);
        String aotCache = command.stream().filter(option -> option.startsWith("-XX:AOTCache="))
                .map(option -> Path.of(option.substring("-XX:AOTCache=".length())).getFileName().toString())
                .findFirst().orElse(null);
        long started = System.nanoTime();
        Children.Child child = children.start(name, command);
        FerryProcess ferry = new FerryProcess(children, child, new JsonHttp("http://127.0.0.1:" + port), aotCache);
        try {
            ferry.awaitReady();
            ferry.startupSeconds = (System.nanoTime() - started) / 1e9;
            if (registerCluster) {
                ferry.registerCluster(bootstrapServers);
            }
            return ferry;
        } catch (RuntimeException e) {
            ferry.close();
            throw e;
        }
    }

    private void awaitReady() {
        long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
        while (!api.answers("/actuator/health/readiness")) {
            Children.requireAlive(child);
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("Ferry was not ready within " + START_TIMEOUT + "; see " + child.log());
            }
            Kafka.sleep(50);
        }
    }

    /**
     * Registers the benchmark's Kafka cluster. The JDK's client may send a POST again on a connection that
     * closed under it; the cluster then exists, which is all that counts here.
     */
    private void registerCluster(String bootstrapServers) {
        try {
            api.post("/kafka-clusters", """
                    {"name":"%s","properties":{"bootstrap.servers":"%s"}}""".formatted(CLUSTER, bootstrapServers));
        } catch (IllegalStateException e) {
            if (!api.answers("/kafka-clusters/" + CLUSTER)) {
                throw e;
            }
        }
    }

    /** Seconds from starting the process to its readiness answering UP ({@code /actuator/health/readiness}). */
    double startupSeconds() {
        return startupSeconds;
    }

    /** The AOT cache Ferry was started with (its file name), or null; with {@code -XX:AOTMode=on} it is in use. */
    String aotCache() {
        return aotCache;
    }

    /**
     * The value of one of Ferry's actuator metrics, e.g. {@code jvm.compilation.time} (the JIT compilers'
     * milliseconds so far) or {@code application.ready.time}; -1 if it has none.
     */
    double metric(String name) {
        try {
            JsonNode measurements = api.get("/actuator/metrics/" + name).path("measurements");
            return measurements.isEmpty() ? -1 : measurements.get(0).path("value").asDouble();
        } catch (RuntimeException e) {
            return -1;
        }
    }

    long pid() {
        return child.pid();
    }

    Children.Child child() {
        return child;
    }

    JsonHttp api() {
        return api;
    }

    /** Registers the benchmark's service at the handler: a plain service, or a virtual object with an exclusive handler. */
    void registerService(String service, boolean keyed, String handlerEndpoint) {
        registerService(service, keyed, false, handlerEndpoint);
    }

    /** Registers the handler {@code run}; {@code envelope}: an exclusive handler that keeps object state. */
    void registerService(String service, boolean keyed, boolean envelope, String handlerEndpoint) {
        api.post("/services", """
                {"name":"%s","type":"%s","endpoint":"%s","handlers":[{"name":"run"%s%s}]}""".formatted(service,
                keyed ? "VIRTUAL_OBJECT" : "SERVICE", handlerEndpoint, keyed ? ",\"type\":\"EXCLUSIVE\"" : "",
                envelope ? ",\"state\":\"envelope\"" : ""));
    }

    /** Registers a Restate SDK deployment by its URI, as {@code restate deployments register} does. */
    void registerDeployment(String uri) {
        api.post("/deployments", """
                {"uri":"%s","force":false}""".formatted(uri));
    }

    /** Subscribes the service's handler to a topic from its earliest record; returns the subscription id. */
    String subscribe(String topic, String service) {
        JsonNode subscription = api.post("/subscriptions", """
                {"source":"kafka://%s/%s","sink":"service://%s/run","options":{"auto.offset.reset":"earliest"}}"""
                .formatted(CLUSTER, topic, service));
        return subscription.path("id").asString();
    }

    @Override
    public void close() {
        children.stop(child, STOP_GRACE);
    }
}
