package dev.ferry.invocation;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.json.JsonMapper;

import dev.ferry.testsupport.MigratedDatabase;

/**
 * Leases after an outage: an instance never takes over its own running invocations (their outcomes may still be
 * waiting to be written), and a renewal's new end counts from when the statement runs, not from before it waited.
 */
class LeasesIT {

    private static final Instant START = Instant.parse("2026-06-01T12:00:00Z");

    private static MigratedDatabase database;
    private static InvocationStore store;
    private static final AtomicReference<Instant> now = new AtomicReference<>(START);

    @BeforeAll
    static void migrate() {
        database = MigratedDatabase.create("leases");
        Clock clock = new Clock() {
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
    void leavesWhatAnInstanceHoldsAloneAndTakesOverWhatItLostTrackOf() {
        now.set(START);
        String held = running("held", "instance-a");
        String forgotten = running("forgotten", "instance-a");
        String theirs = running("theirs", "instance-b");

        now.set(START.plus(Duration.ofMinutes(5)));
        int recovered = store.recoverExpiredLeases("instance-a", List.of(held));

        assertThat(recovered).isGreaterThanOrEqualTo(2);
        assertThat(status(held)).isEqualTo("running");
        assertThat(status(forgotten)).isEqualTo("ready");
        assertThat(status(theirs)).isEqualTo("ready");
    }

    @Test
    void renewsOnlyWhatTheInstanceHolds() {
        now.set(START);
        String held = running("kept", "instance-d");
        String forgotten = running("lost", "instance-d");

        assertThat(store.renewLeases("instance-d", List.of(held), Duration.ofMinutes(10))).isEqualTo(1);

        now.set(START.plus(Duration.ofMinutes(5)));
        assertThat(store.recoverExpiredLeases("instance-e", List.of())).isGreaterThanOrEqualTo(1);
        assertThat(status(held)).isEqualTo("running");
        assertThat(status(forgotten)).isEqualTo("ready");
    }

    @Test
    void renewsFromTheTimeTheStatementRuns() {
        now.set(START);
        String id = running("renewed", "instance-c");
        now.set(START.plus(Duration.ofMinutes(10)));

        store.renewLeases("instance-c", List.of(id), Duration.ofSeconds(30));

        assertThat(database.jdbc().queryForObject("select lease_until from invocations where id = ?",
                OffsetDateTime.class, id).toInstant())
                .isEqualTo(START.plus(Duration.ofMinutes(10)).plusSeconds(30));
    }

    private static String running(String name, String owner) {
        String id = "inv_" + name + "_" + System.nanoTime();
        NewInvocation invocation = NewInvocation.runnable(id, "Leases", "run", null, "{}".getBytes(), List.of(),
                new KafkaOrigin("sub_leases", "leases", 0, System.nanoTime(), null, null));
        List<ClaimedInvocation> started = store.enqueue(List.of(invocation), owner, 1, Duration.ofSeconds(30));
        assertThat(started).extracting(ClaimedInvocation::id).containsExactly(id);
        return id;
    }

    private static String status(String id) {
        return database.jdbc().queryForObject("select status from invocations where id = ?", String.class, id);
    }
}
