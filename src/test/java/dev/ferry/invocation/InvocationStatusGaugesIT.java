package dev.ferry.invocation;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.json.JsonMapper;

import dev.ferry.testsupport.MigratedDatabase;

/**
 * The database-wide gauges are exported by one instance at a time, so that a sum across replicas is the
 * truth; another instance takes over when the reporter stops or its lease runs out.
 */
class InvocationStatusGaugesIT {

    private static final Instant START = Instant.parse("2026-06-01T12:00:00Z");
    private static final AtomicReference<Instant> now = new AtomicReference<>(START);

    private static MigratedDatabase database;
    private static InvocationStore store;
    private static Clock clock;

    @BeforeAll
    static void migrate() {
        database = MigratedDatabase.create("gauges");
        clock = new Clock() {
            @Override
            public ZoneOffset getZone() {
                return ZoneOffset.UTC;
            }

            @Override
            public Clock withZone(ZoneId zone) {
                return this;
            }

            @Override
            public Instant instant() {
                return now.get();
            }
        };
        store = new InvocationStore(database.jdbc(), database.transactions(), JsonMapper.builder().build(),
                event -> {
                }, clock);
    }

    @Test
    void oneInstanceExportsTheCountsAndTheOldestReadyAgeAndAnotherTakesOver() {
        now.set(START);
        enqueueReady("first");
        now.set(START.plusSeconds(4));
        enqueueReady("second");
        SimpleMeterRegistry registryA = new SimpleMeterRegistry();
        SimpleMeterRegistry registryB = new SimpleMeterRegistry();
        InvocationStatusGauges a = gauges(registryA);
        InvocationStatusGauges b = gauges(registryB);

        now.set(START.plusSeconds(10));
        a.refresh();
        b.refresh();

        assertThat(ready(registryA)).isEqualTo(2.0);
        assertThat(oldestReadyAge(registryA)).isEqualTo(10.0);
        assertThat(reporter(registryA)).isEqualTo(1.0);
        assertThat(registryB.find("ferry.invocations").gauges()).isEmpty();
        assertThat(registryB.find("ferry.invocations.oldest.ready.age").gauges()).isEmpty();
        assertThat(reporter(registryB)).isEqualTo(0.0);

        // A has not renewed its lease for three gauge intervals: B takes over, and A stops exporting
        now.set(START.plusSeconds(10 + 46));
        b.refresh();
        a.refresh();
        assertThat(ready(registryB)).isEqualTo(2.0);
        assertThat(oldestReadyAge(registryB)).isEqualTo(56.0);
        assertThat(registryA.find("ferry.invocations").gauges()).isEmpty();
        assertThat(reporter(registryA)).isEqualTo(0.0);

        // B stops and hands the lease on at once
        b.release();
        a.refresh();
        assertThat(reporter(registryA)).isEqualTo(1.0);
        assertThat(ready(registryA)).isEqualTo(2.0);
    }

    private static InvocationStatusGauges gauges(MeterRegistry registry) {
        return new InvocationStatusGauges(database.jdbc(), registry, clock,
                new InvocationProperties(Duration.ofHours(24), Duration.ofMinutes(1), 1000, Duration.ofSeconds(15),
                        Duration.ofHours(24)));
    }

    private static void enqueueReady(String name) {
        KafkaOrigin origin = new KafkaOrigin("sub_gauges", "gauges", 0, System.nanoTime(), null, null);
        NewInvocation invocation = NewInvocation.runnable("inv_" + name + "_" + System.nanoTime(), "Gauged", "run",
                null, "{}".getBytes(), List.of(), origin);
        assertThat(store.enqueue(List.of(invocation), "nobody", 0, Duration.ofSeconds(30))).isEmpty();
    }

    private static double ready(MeterRegistry registry) {
        return registry.get("ferry.invocations").tags("service", "Gauged", "status", "ready").gauge().value();
    }

    private static double oldestReadyAge(MeterRegistry registry) {
        return registry.get("ferry.invocations.oldest.ready.age").tags("service", "Gauged").gauge().value();
    }

    private static double reporter(MeterRegistry registry) {
        return registry.get("ferry.invocations.reporter").gauge().value();
    }
}
