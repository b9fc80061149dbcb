package dev.ferry.bench;

import java.util.List;

/**
 * Scenario 13: scenario 1's load on a table that already holds many completed invocations
 * ({@code BENCH_PREFILL_ROWS}), then Ferry's retention sweep on those rows. A first Ferry creates the schema and
 * the service and stops; the rows are inserted with SQL ({@link Prefill}); a fresh Ferry then takes the load under
 * its default retention (24 h, so none of the rows expires meanwhile); a third one starts with a retention of
 * 30 min, under which every pre-filled row has expired, and is watched deleting them for at most
 * {@code BENCH_RETENTION_SECONDS}.
 */
final class PrefilledScenario {

    static final String RETENTION = "30m";

    private final Scenarios scenarios;
    private final BenchSettings settings;

    PrefilledScenario(Scenarios scenarios) {
        this.scenarios = scenarios;
        this.settings = scenarios.settings;
    }

    ScenarioResult run(int records) {
        long rows = settings.prefillRows();
        String topic = scenarios.topic(13);
        String service;
        scenarios.database.recreateFerryDatabase();
        try (FerryProcess schema = scenarios.startFerry("ferry-s13-schema", true, List.of())) {
            service = scenarios.prepare(schema, topic, records, 0, 0, false);
        }
        Prefill prefill = new Prefill(scenarios.database);
        System.out.printf("scenario 13: inserting %,d completed invocations%n", rows);
        Prefill.Filled filled = prefill.fill(rows, settings.partitions());
        System.out.printf("scenario 13: %,d rows in %.0f s (%,.0f rows/s), vacuum %.0f s, table and indexes %.1f GiB%n",
                rows, filled.fillSeconds(), rows / Math.max(0.001, filled.fillSeconds()), filled.vacuumSeconds(),
                filled.sizeGib());
        ScenarioResult result;
        String subscription;
        try (FerryProcess ferry = scenarios.startFerry("ferry-s13", false, List.of())) {
            subscription = ferry.subscribe(topic, service);
            scenarios.kafka.awaitAssigned(subscription, settings.partitions(), Scenarios.JOIN_TIMEOUT);
            try (Kafka.Producer producer = scenarios.kafka.producer(true)) {
                result = scenarios.measured(List.of(ferry), () -> scenarios.drain(new Scenarios.Spec(13,
                        "SERVICE handler, %,d completed invocations in the table".formatted(rows), "ferry", records,
                        false), List.of(ferry), subscription, scenarios.countingHandler,
                        () -> producer.sendAll(topic, 0, records, settings.manyKeys(), settings.valueBytes())));
            }
        }
        System.out.println("scenario 13, a row of each kind:\n" + prefill.sideBySide(subscription));
        ScenarioResult.Retention retention = retention(prefill, rows);
        return result.withPrefill(new ScenarioResult.Prefill(rows, filled.fillSeconds(), filled.vacuumSeconds(),
                filled.sizeGib(), retention));
    }

    /** Starts Ferry with a retention under which every pre-filled row has expired, and counts its deletions. */
    private ScenarioResult.Retention retention(Prefill prefill, long expired) {
        long baseline = prefill.deleted();
        try (FerryProcess ferry = scenarios.startFerry("ferry-s13-retention", false,
                List.of("--ferry.invocations.retention=" + RETENTION))) {
            double ferryBefore = scenarios.stats.cpuSeconds(ferry.pid());
            double postgresBefore = scenarios.stats.treeCpuSeconds(settings.environment().postgresPid());
            long deadline = System.nanoTime() + settings.retentionSeconds() * 1_000_000_000L;
            // the statistics arrive in steps about a second apart: the rate is taken between the first step seen
            // and the last, both quantised alike; the seconds are those from readiness to the last step
            long ready = System.nanoTime();
            long first = 0;
            long deletedAtFirst = 0;
            long last = 0;
            long deleted = 0;
            while (deleted < expired && System.nanoTime() < deadline) {
                Children.requireAlive(ferry.child());
                Kafka.sleep(250);
                long now = prefill.deleted() - baseline;
                if (now > deleted) {
                    last = System.nanoTime();
                    if (deleted == 0) {
                        first = last;
                        deletedAtFirst = now;
                    }
                    deleted = now;
                }
            }
            boolean complete = deleted >= expired;
            double seconds = ((complete ? last : System.nanoTime()) - ready) / 1e9;
            double rate = last > first ? (deleted - deletedAtFirst) / ((last - first) / 1e9) : deleted / seconds;
            double ferryCpu = scenarios.stats.cpuSeconds(ferry.pid()) - ferryBefore;
            double postgresCpu = scenarios.stats.treeCpuSeconds(settings.environment().postgresPid()) - postgresBefore;
            System.out.printf("scenario 13: retention %s deleted %,d of %,d expired rows, %.1f s after readiness, "
                    + "at %,.0f rows/s%n", RETENTION, deleted, expired, seconds, rate);
            return new ScenarioResult.Retention(RETENTION, expired, deleted, seconds, rate, ferryCpu, postgresCpu,
                    complete);
        }
    }
}
