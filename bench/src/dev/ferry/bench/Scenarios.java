package dev.ferry.bench;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

import tools.jackson.databind.JsonNode;

/**
 * The scenarios. Each Ferry scenario starts Ferry afresh on an empty database and uses a topic of its own,
 * so nothing of one scenario is left to slow down the next; the broker, handler and PostgreSQL run throughout.
 */
final class Scenarios {

    static final Duration JOIN_TIMEOUT = Duration.ofSeconds(90);
    private static final long POLL_MILLIS = 200;

    final BenchSettings settings;
    final Children children;
    final Database database;
    final Kafka kafka;
    private final Children.Child broker;
    private final Children.Child handlerProcess;
    private final JsonHttp handler;
    final Handler countingHandler;
    final ProcStats stats;
    private final StatementProfile statements;
    private final ThreadProfile threads;
    private final String runId = Long.toString(System.currentTimeMillis() % 1_000_000_000L, 36);
    private final Map<Integer, Integer> runs = new HashMap<>();

    Scenarios(BenchSettings settings, Children children, Database database, Kafka kafka, Children.Child broker,
            Children.Child handlerProcess, JsonHttp handler) {
        this.settings = settings;
        this.children = children;
        this.database = database;
        this.kafka = kafka;
        this.broker = broker;
        this.handlerProcess = handlerProcess;
        this.handler = handler;
        this.countingHandler = new Handler(handlerProcess, handler);
        this.stats = new ProcStats(settings.environment().ticksPerSecond());
        this.threads = new ThreadProfile(settings.environment().ticksPerSecond());
        this.statements = new StatementProfile(settings.environment().postgresPort());
    }

    ScenarioResult run(int scenario) {
        // a scenario listed again (BENCH_SCENARIOS=7,18,7,18) runs on topics of its own
        runs.merge(scenario, 1, Integer::sum);
        int records = settings.records();
        return switch (scenario) {
            case 1 -> throughput(1, "SERVICE handler", records, 0);
            case 2 -> throughput(2, "VIRTUAL_OBJECT EXCLUSIVE, %,d keys".formatted(settings.manyKeys()), records,
                    settings.manyKeys());
            case 3 -> throughput(3, "VIRTUAL_OBJECT EXCLUSIVE, %,d keys".formatted(settings.fewKeys()), records,
                    settings.fewKeys());
            case 4 -> latency();
            case 5 -> lag();
            case 6 -> ceiling();
            case 7 -> sdk(7, "SDK VIRTUAL_OBJECT get, set, %,d keys".formatted(settings.manyKeys()), "BenchSdkObject",
                    true);
            case 8 -> sdk(8, "SDK SERVICE handler", "BenchSdk", false);
            case 9 -> stateful(records);
            case 10 -> sdk(10, "SDK VIRTUAL_OBJECT run, sleep 10 ms, set, %,d keys".formatted(settings.manyKeys()),
                    "BenchSdkSleep", true);
            case 11 -> throughput(11, "fresh instance, first %,d records, SERVICE".formatted(
                    settings.freshRecords()), settings.freshRecords(), 0, 1);
            case 12 -> throughput(12, "fresh instance, first %,d records, EXCLUSIVE, %,d keys".formatted(
                    settings.freshRecords(), settings.manyKeys()), settings.freshRecords(), settings.manyKeys(), 1);
            case 13 -> new PrefilledScenario(this).run(records);
            case 14, 15 -> throughput(scenario, "SERVICE handler, %d instances".formatted(scenario - 12), records, 0,
                    scenario - 12);
            case 16, 17 -> throughput(scenario, "VIRTUAL_OBJECT EXCLUSIVE, %,d keys, %d instances".formatted(
                    settings.manyKeys(), scenario - 14), records, settings.manyKeys(), scenario - 14);
            case 18 -> new RestateScenario(this).run(18, "SDK VIRTUAL_OBJECT get, set, %,d keys".formatted(
                    settings.manyKeys()), "BenchSdkObject", true);
            case 19 -> new RestateScenario(this).run(19, "SDK SERVICE handler", "BenchSdk", false);
            default -> throw new IllegalArgumentException("There is no scenario " + scenario
                    + "; there are 1 to 19");
        };
    }

    /** Records produced as fast as possible to a subscription that already runs; measured until all completed. */
    private ScenarioResult throughput(int number, String name, int records, int keys) {
        return throughput(number, name, records, keys, 1);
    }

    /**
     * {@link #throughput(int, String, int, int)} with {@code instances} Ferry processes on the one database: the
     * first creates the topic, the service and the subscription; the others take part in its consumer group.
     * Their CPU is summed.
     */
    private ScenarioResult throughput(int number, String name, int records, int keys, int instances) {
        boolean keyed = keys > 0;
        int producedKeys = keyed ? keys : settings.manyKeys();
        List<FerryProcess> ferries = new ArrayList<>();
        try {
            ferries.add(startFerry(number));
            for (int instance = 2; instance <= instances; instance++) {
                ferries.add(startFerry("ferry-s" + number + "-" + instance, false, List.of()));
            }
            FerryProcess ferry = ferries.getFirst();
            String topic = topic(number);
            String service = prepare(ferry, topic, records, keys, 0, keyed);
            String subscription = ferry.subscribe(topic, service);
            List<Integer> partitions = kafka.awaitAssigned(subscription, settings.partitions(),
                    Math.min(instances, settings.partitions()), JOIN_TIMEOUT);
            try (Kafka.Producer producer = kafka.producer(true)) {
                ScenarioResult result = measured(ferries, () -> drain(new Spec(number, name, "ferry", records,
                        keyed), ferries, subscription, countingHandler,
                        () -> producer.sendAll(topic, 0, records, producedKeys, settings.valueBytes())));
                return instances == 1 ? result
                        : result.withInstances(new ScenarioResult.Instances(instances, partitions));
            }
        } finally {
            ferries.reversed().forEach(FerryProcess::close);
        }
    }

    /**
     * Runs a measured part of a scenario and adds how its Ferry instances started and how much their JIT compiled
     * before it and during it.
     */
    ScenarioResult measured(List<FerryProcess> ferries, Supplier<ScenarioResult> part) {
        double before = compileSeconds(ferries);
        ScenarioResult result = part.get();
        double after = compileSeconds(ferries);
        double ready = ferries.stream().mapToDouble(ferry -> ferry.metric("application.ready.time")).max().orElse(-1);
        return result.withStart(new ScenarioResult.Start(
                ferries.stream().map(FerryProcess::startupSeconds).toList(), ready,
                before, before < 0 || after < 0 ? -1 : after - before, ferries.getFirst().aotCache()));
    }

    private static double compileSeconds(List<FerryProcess> ferries) {
        double total = 0;
        for (FerryProcess ferry : ferries) {
            double millis = ferry.metric("jvm.compilation.time");
            if (millis < 0) {
                return -1;
            }
            total += millis / 1000.0;
        }
        return total;
    }

    /**
     * Scenario 2 with the state envelope: the exclusive handler gets each object's state with the record and
     * answers a new count, which Ferry stores with the outcome; the cost of object state beside scenario 2.
     */
    private ScenarioResult stateful(int records) {
        int keys = settings.manyKeys();
        try (FerryProcess ferry = startFerry(9)) {
            String topic = topic(9);
            kafka.createTopic(topic, settings.partitions());
            reset(records, keys, 0);
            ferry.registerService("BenchState", true, true, handlerEndpoint());
            String subscription = ferry.subscribe(topic, "BenchState");
            kafka.awaitAssigned(subscription, settings.partitions(), JOIN_TIMEOUT);
            try (Kafka.Producer producer = kafka.producer(true)) {
                return measured(List.of(ferry), () -> drain(new Spec(9,
                        "VIRTUAL_OBJECT EXCLUSIVE, state envelope, %,d keys".formatted(keys), "ferry", records, true),
                        ferry.child(), ferry.api(), subscription,
                        () -> producer.sendAll(topic, 0, records, keys, settings.valueBytes())));
            }
        }
    }

    /** A steady rate of records, each sent at once; latency from the record's timestamp to the handler. */
    private ScenarioResult latency() {
        int records = settings.latencyRate() * settings.latencySeconds();
        String name = "latency, %,d records/s for %d s".formatted(settings.latencyRate(), settings.latencySeconds());
        try (FerryProcess ferry = startFerry(4)) {
            String topic = topic(4);
            String service = prepare(ferry, topic, records, 0, 0, false);
            String subscription = ferry.subscribe(topic, service);
            kafka.awaitAssigned(subscription, settings.partitions(), JOIN_TIMEOUT);
            try (Kafka.Producer producer = kafka.producer(false)) {
                return measured(List.of(ferry), () -> drain(new Spec(4, name, "ferry", records, false),
                        ferry.child(), ferry.api(), subscription,
                        () -> producer.sendPaced(topic, settings.latencyRate(), settings.latencySeconds(),
                                settings.manyKeys(), settings.valueBytes())));
            }
        }
    }

    /**
     * A backlog waits in Kafka before the subscription exists; a slow handler then bounds how fast it drains.
     * Watched for a fixed time: does Ferry's heap stay flat while the backlog moves into PostgreSQL?
     */
    private ScenarioResult lag() {
        int backlog = settings.lagRecords();
        int seconds = settings.lagSeconds();
        String name = "lag: %,d waiting, handler %d ms, %d s".formatted(backlog, settings.lagDelayMillis(), seconds);
        try (FerryProcess ferry = startFerry(5)) {
            return measured(List.of(ferry), () -> lag(ferry, backlog, seconds, name));
        }
    }

    private ScenarioResult lag(FerryProcess ferry, int backlog, int seconds, String name) {
        String topic = topic(5);
        String service = prepare(ferry, topic, backlog, 0, settings.lagDelayMillis(), false);
        try (Kafka.Producer producer = kafka.producer(true)) {
            producer.sendAll(topic, 0, backlog, settings.manyKeys(), settings.valueBytes());
        }
        Window window = new Window(ferry.child(), ferry.api(), countingHandler);
        String subscription = ferry.subscribe(topic, service);
        long deadline = System.nanoTime() + seconds * 1_000_000_000L;
        while (System.nanoTime() < deadline) {
            Children.requireAlive(ferry.child());
            Kafka.sleep(Math.min(1000, Math.max(1, (deadline - System.nanoTime()) / 1_000_000L)));
        }
        Window.Closed closed = window.close();
        long stored;
        long completed;
        try (Database.Progress progress = database.progress()) {
            stored = progress.stored(subscription);
            completed = progress.completed(subscription);
        }
        JsonNode counts = closed.handlerStats();
        return result(new Spec(5, name, "ferry", backlog, false), completed, false, seconds, closed, null,
                new ScenarioResult.Lag(backlog, settings.lagDelayMillis(), seconds, stored, completed), counts);
    }

    /** The same records as scenario 1, consumed by a plain consumer that calls the handler: no database at all. */
    private ScenarioResult ceiling() {
        int records = settings.records();
        String topic = topic(6);
        kafka.createTopic(topic, settings.partitions());
        reset(records, 0, 0);
        String group = "plain-" + topic;
        Children.Child consumer = children.start("plain-consumer", helper(PlainConsumer.class, "-Xmx1g",
                kafka.bootstrapServers(), topic, group, handlerEndpoint() + "/Bench/run",
                Integer.toString(settings.plainMaxInFlight())));
        try {
            kafka.awaitAssigned(group, settings.partitions(), JOIN_TIMEOUT);
            try (Kafka.Producer producer = kafka.producer(true)) {
                return drain(new Spec(6, "ceiling: plain consumer, no database", "plain-consumer", records, false),
                        consumer, null, null,
                        () -> producer.sendAll(topic, 0, records, settings.manyKeys(), settings.valueBytes()));
            }
        } finally {
            children.stop(consumer, Duration.ofSeconds(30));
        }
    }

    /** The process that handles the calls, and where it tells what it saw. */
    record Handler(Children.Child process, JsonHttp stats) {
    }

    /**
     * Records produced as fast as possible to a subscription of a Restate SDK handler served by Node: a virtual
     * object whose exclusive handler reads its state, writes it and returns, or a service handler that returns.
     * Node and its SDK start afresh for each scenario and are registered through {@code POST /deployments}.
     */
    private ScenarioResult sdk(int number, String name, String service, boolean keyed) {
        int records = settings.sdkRecords();
        try (SdkHandler sdk = SdkHandler.start(settings, children, number);
                FerryProcess ferry = startFerry(number)) {
            String topic = topic(number);
            kafka.createTopic(topic, settings.partitions());
            ferry.registerDeployment(sdk.endpoint());
            String subscription = ferry.subscribe(topic, service);
            kafka.awaitAssigned(subscription, settings.partitions(), JOIN_TIMEOUT);
            try (Kafka.Producer producer = kafka.producer(true);
                    Database.SuspendedPeak suspended = database.suspendedPeak()) {
                ScenarioResult result = measured(List.of(ferry), () -> drain(new Spec(number, name, "ferry", records,
                        keyed), ferry.child(), ferry.api(), subscription, new Handler(sdk.child(), sdk.stats()),
                        () -> producer.sendAll(topic, 0, records, settings.manyKeys(), settings.valueBytes())));
                System.out.printf("scenario %d: at most %,d invocations suspended at once%n", number,
                        suspended.peak());
                return result;
            }
        }
    }

    record Spec(int number, String name, String app, long records, boolean keyed) {
    }

    /**
     * Produces, then waits until every record completed: in the database for Ferry (last {@code completed_at}),
     * at the handler for the plain consumer (last new record seen). Gives up at the scenario's time limit.
     */
    private ScenarioResult drain(Spec spec, Children.Child app, JsonHttp actuator, String subscription,
            Runnable produce) {
        return drain(spec, app, actuator, subscription, countingHandler, produce);
    }

    private ScenarioResult drain(Spec spec, Children.Child app, JsonHttp actuator, String subscription,
            Handler target, Runnable produce) {
        return drain(spec, List.of(app), actuator, subscription, target, produce);
    }

    /** The same for Ferry instances sharing the load: their CPU is summed; the first one's memory is sampled. */
    ScenarioResult drain(Spec spec, List<FerryProcess> ferries, String subscription, Handler target,
            Runnable produce) {
        return drain(spec, ferries.stream().map(FerryProcess::child).toList(), ferries.getFirst().api(),
                subscription, target, produce);
    }

    private ScenarioResult drain(Spec spec, List<Children.Child> apps, JsonHttp actuator, String subscription,
            Handler target, Runnable produce) {
        StatementProfile.Totals statementsBefore = subscription == null ? StatementProfile.Totals.NONE
                : statements.reset();
        Window window = new Window(apps, actuator, target);
        long firstProduce = System.currentTimeMillis();
        long deadline = firstProduce + settings.timeoutSeconds() * 1000L;
        produce.run();
        boolean complete = awaitHandler(spec.records(), deadline, apps, target);
        long completed;
        long lastCompletion;
        try (Database.Progress progress = subscription == null ? null : database.progress()) {
            if (progress != null) {
                completed = progress.completed(subscription);
                while (complete && completed < spec.records() && System.currentTimeMillis() < deadline) {
                    Kafka.sleep(POLL_MILLIS);
                    completed = progress.completed(subscription);
                }
            } else {
                completed = handlerStats().path("distinct").asLong();
            }
            complete = completed >= spec.records();
            Window.Closed closed = window.close();
            String threadShares = window.writeThreads(settings.environment().outputDir().resolve("logs")
                    .resolve(spec.app() + "-threads-s" + spec.number() + ".txt"), completed);
            System.out.printf("scenario %d: %s CPU by thread: %s%n", spec.number(), spec.app(), threadShares);
            String profile = statements.write(settings.environment().outputDir().resolve("logs")
                    .resolve("postgresql-s" + spec.number() + ".txt"), statementsBefore, completed);
            if (profile != null) {
                System.out.printf("scenario %d: PostgreSQL %s (statements in logs/postgresql-s%d.txt)%n",
                        spec.number(), profile, spec.number());
            }
            if (progress != null) {
                lastCompletion = progress.lastCompletedAtMillis(subscription);
                long failed = progress.failed(subscription);
                if (failed > 0) {
                    System.err.printf("Scenario %d: %d invocation(s) completed with failure%n", spec.number(), failed);
                }
            } else {
                lastCompletion = closed.handlerStats().path("last_distinct_at").asLong();
            }
            long end = complete ? lastCompletion : System.currentTimeMillis();
            double wall = Math.max(0.001, (end - firstProduce) / 1000.0);
            return result(spec, completed, complete, wall, closed, spec.number() == 4 ? latency(closed) : null, null,
                    closed.handlerStats());
        }
    }

    /** Waits until the handler has seen every record once; false if the deadline came first. */
    private boolean awaitHandler(long records, long deadline, List<Children.Child> apps, Handler target) {
        while (System.currentTimeMillis() < deadline) {
            apps.forEach(Children::requireAlive);
            Children.requireAlive(target.process());
            if (target.stats().get("/stats").path("distinct").asLong() >= records) {
                return true;
            }
            Kafka.sleep(POLL_MILLIS);
        }
        return false;
    }

    ScenarioResult result(Spec spec, long completed, boolean complete, double wall, Window.Closed closed,
            ScenarioResult.Latency latency, ScenarioResult.Lag lag, JsonNode counts) {
        ScenarioResult.Ordering ordering = spec.keyed() ? new ScenarioResult.Ordering(counts.path("order_violations")
                .asLong(), counts.path("overlaps").asLong(), counts.path("repeated_sequences").asLong()) : null;
        return new ScenarioResult(spec.number(), spec.name(), spec.app(), spec.records(), completed, complete, wall,
                completed / wall, closed.cpu(), closed.cpu().perRecordMillis(completed), closed.sampled().memory(),
                latency, ordering, lag, new ScenarioResult.HandlerCounts(counts.path("requests").asLong(),
                        counts.path("distinct").asLong(), counts.path("peak_in_flight").asLong()),
                new ScenarioResult.LoadAverage(closed.loadBefore(), closed.loadAfter()), closed.sampled().series(),
                null, null, null);
    }

    private static ScenarioResult.Latency latency(Window.Closed closed) {
        JsonNode warm = closed.handlerStats().path("warm_latency_ms");
        return latency(closed.handlerStats().path("latency_ms"), warm.path("count").asLong() == 0 ? null
                : latency(warm, null));
    }

    private static ScenarioResult.Latency latency(JsonNode latency, ScenarioResult.Latency warm) {
        return new ScenarioResult.Latency(latency.path("count").asLong(), latency.path("p50").asLong(),
                latency.path("p99").asLong(), latency.path("max").asLong(), warm);
    }

    /** The measured window: CPU of every process and the load average at both ends, memory sampled throughout. */
    final class Window {

        record Closed(ScenarioResult.Cpu cpu, Sampler.Sampled sampled, JsonNode handlerStats, double loadBefore,
                double loadAfter) {
        }

        private final List<Children.Child> apps;
        private final Handler target;
        private final Sampler sampler;
        private final ScenarioResult.Cpu before;
        private final double loadBefore;
        private final Map<Long, ThreadProfile.Task> threadsBefore;
        private final double firstAppBefore;

        Window(Children.Child app, JsonHttp actuator, Handler target) {
            this(List.of(app), actuator, target);
        }

        /** The CPU of several instances of the application, summed; the first one's memory is sampled. */
        Window(List<Children.Child> apps, JsonHttp actuator, Handler target) {
            this.apps = apps;
            this.target = target;
            this.loadBefore = Machine.currentLoadAverage();
            this.sampler = new Sampler(apps.getFirst().pid(), actuator);
            this.threadsBefore = threads.snapshot(apps.getFirst().pid());
            this.firstAppBefore = stats.cpuSeconds(apps.getFirst().pid());
            this.before = cpu();
        }

        /** The first application's CPU by thread since the window opened; returns the largest groups. */
        String writeThreads(Path file, long records) {
            long pid = apps.getFirst().pid();
            return threads.write(file, threadsBefore, threads.snapshot(pid), stats.cpuSeconds(pid) - firstAppBefore,
                    records, 4);
        }

        private ScenarioResult.Cpu cpu() {
            return new ScenarioResult.Cpu(apps.stream().mapToDouble(app -> stats.cpuSeconds(app.pid())).sum(),
                    stats.treeCpuSeconds(settings.environment().postgresPid()), stats.cpuSeconds(broker.pid()),
                    stats.cpuSeconds(target.process().pid()), stats.cpuSeconds(ProcessHandle.current().pid()));
        }

        Closed close() {
            ScenarioResult.Cpu used = cpu().minus(before);
            JsonNode counts = target.stats().get("/stats?latency");
            return new Closed(used, sampler.stop(), counts, loadBefore, Machine.currentLoadAverage());
        }
    }

    private FerryProcess startFerry(int scenario) {
        return FerryProcess.start("ferry-s" + scenario, settings, children, database, kafka.bootstrapServers());
    }

    /** Starts Ferry on the database as it is; a first instance also registers the Kafka cluster. */
    FerryProcess startFerry(String name, boolean first, List<String> arguments) {
        return FerryProcess.start(name, settings, children, database, kafka.bootstrapServers(), first, arguments);
    }

    /** Creates the topic, resets the handler's counters and registers the service; returns the service's name. */
    String prepare(FerryProcess ferry, String topic, int records, int keys, int delayMillis, boolean keyed) {
        kafka.createTopic(topic, settings.partitions());
        reset(records, keys, delayMillis);
        String service = keyed ? "BenchObject" : "Bench";
        ferry.registerService(service, keyed, handlerEndpoint());
        return service;
    }

    private void reset(int records, int keys, int delayMillis) {
        handler.post("/reset?records=%d&keys=%d&delay-ms=%d".formatted(records, keys, delayMillis), "{}");
    }

    private JsonNode handlerStats() {
        return handler.get("/stats");
    }

    private String handlerEndpoint() {
        return handler.baseUrl();
    }

    String topic(int scenario) {
        int run = runs.getOrDefault(scenario, 1);
        return "bench-" + runId + "-s" + scenario + (run > 1 ? "-" + run : "");
    }

    /** The command that runs one of the benchmark's own programs in a JVM of its own. */
    List<String> helper(Class<?> main, String heap, String... arguments) {
        return Benchmark.helperCommand(settings, main, heap, arguments);
    }
}
