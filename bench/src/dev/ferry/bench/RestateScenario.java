package dev.ferry.bench;

import java.util.List;

/**
 * Scenarios 18 and 19: the load and the Node handlers of scenarios 7 and 8, delivered by restate-server instead of
 * Ferry, for the comparison between the two. Node and restate-server start afresh for each; the deployment, the
 * Kafka cluster and the subscription are registered through restate-server's admin API, and the records are
 * produced once its consumer group has its partitions.
 *
 * <p>restate-server keeps no row of an invocation once it completed (unless a retention says so), so its
 * completion is told from two sides: the handler saw every record (its own count of distinct records, by Kafka
 * partition and offset), and then {@code sys_invocation} holds no unfinished invocation. The wall time ends at the
 * first answer of the admin API's SQL query that finds none; the handler's count is polled every
 * {@value #POLL_MILLIS} ms, the query once the handler saw every record. That is an upper bound of the last
 * completion; the handler's receipt of its last new record, printed beside it, is a lower bound.
 */
final class RestateScenario {

    static final long POLL_MILLIS = 50;

    private final Scenarios scenarios;
    private final BenchSettings settings;

    RestateScenario(Scenarios scenarios) {
        this.scenarios = scenarios;
        this.settings = scenarios.settings;
    }

    ScenarioResult run(int number, String name, String service, boolean keyed) {
        int records = settings.sdkRecords();
        try (SdkHandler sdk = SdkHandler.start(settings, scenarios.children, number);
                RestateServerProcess server = RestateServerProcess.start(settings, scenarios.children, number)) {
            String topic = scenarios.topic(number);
            scenarios.kafka.createTopic(topic, settings.partitions());
            server.registerDeployment(sdk.endpoint());
            server.registerKafkaCluster(scenarios.kafka.bootstrapServers());
            String subscription = server.subscribe(topic, service);
            scenarios.kafka.awaitAssigned(subscription, settings.partitions(), Scenarios.JOIN_TIMEOUT);
            try (Kafka.Producer producer = scenarios.kafka.producer(true)) {
                return drain(new Scenarios.Spec(number, name, server.version(), records, keyed), server,
                        new Scenarios.Handler(sdk.child(), sdk.stats()),
                        () -> producer.sendAll(topic, 0, records, settings.manyKeys(), settings.valueBytes()));
            }
        }
    }

    private ScenarioResult drain(Scenarios.Spec spec, RestateServerProcess server, Scenarios.Handler target,
            Runnable produce) {
        List<Children.Child> apps = List.of(server.child());
        Scenarios.Window window = scenarios.new Window(apps, null, target);
        long firstProduce = System.currentTimeMillis();
        long deadline = firstProduce + settings.timeoutSeconds() * 1000L;
        produce.run();
        boolean complete = false;
        long unfinished = -1;
        int queries = 0;
        while (System.currentTimeMillis() < deadline) {
            Children.requireAlive(server.child());
            Children.requireAlive(target.process());
            if (target.stats().get("/stats").path("distinct").asLong() >= spec.records()) {
                unfinished = server.unfinished();
                queries++;
                if (unfinished == 0) {
                    complete = true;
                    break;
                }
            }
            Kafka.sleep(POLL_MILLIS);
        }
        long end = System.currentTimeMillis();
        Scenarios.Window.Closed closed = window.close();
        server.requireLoopback();
        long distinct = closed.handlerStats().path("distinct").asLong();
        long completed = complete ? spec.records() : Math.max(0, distinct - Math.max(0, unfinished));
        long lastSeen = closed.handlerStats().path("last_distinct_at").asLong();
        System.out.printf("scenario %d: the handler saw its last new record %.2f s after the first was produced, "
                + "restate-server had no unfinished invocation %.2f s after (%d queries)%n", spec.number(),
                (lastSeen - firstProduce) / 1000.0, (end - firstProduce) / 1000.0, queries);
        double wall = Math.max(0.001, (end - firstProduce) / 1000.0);
        return scenarios.result(spec, completed, complete, wall, closed, null, null, closed.handlerStats());
    }
}
