package dev.ferry.invocation;

import java.lang.management.ManagementFactory;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicBoolean;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.MultiGauge;
import io.micrometer.core.instrument.Tags;
import jakarta.annotation.PreDestroy;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;

/**
 * Database-wide gauges, exported by one instance at a time (the holder of a lease in
 * {@code gauge_reporter_lease}), so that {@code sum()} across replicas counts each invocation once:
 * {@code ferry.invocations}, unfinished invocations by service, handler and status, counted through a partial
 * index over unfinished rows only (completed ones are counted by the {@code ferry.invocations.completed}
 * counter instead); and {@code ferry.invocations.oldest.ready.age}, how long the longest-waiting invocation that
 * may run now has waited, by service and handler. {@code ferry.invocations.reporter} is 1 on the instance that
 * exports them and 0 on the others.
 */
@Component
class InvocationStatusGauges {

    private static final Logger log = LoggerFactory.getLogger(InvocationStatusGauges.class);

    /** Matches the partial index {@code invocations_active}, which holds only unfinished rows. */
    private static final String COUNT_UNFINISHED = """
            select service, handler, status, count(*) from invocations
             where status <> %s group by service, handler, status""".formatted(InvocationStatus.COMPLETED.sql());

    /** Ready and due backing-off invocations that wait for a call slot, by the time since they became due. */
    private static final String OLDEST_READY = """
            select service, handler, min(next_attempt_at) from invocations
             where status in (%s, %s) and next_attempt_at <= ? group by service, handler"""
            .formatted(InvocationStatus.READY.sql(), InvocationStatus.BACKING_OFF.sql());

    /** Takes the lease when it is free or expired, renews it when held; returns a row only to its holder. */
    private static final String TAKE_LEASE = """
            insert into gauge_reporter_lease (name, owner, lease_until) values ('invocations', ?, ?)
            on conflict (name) do update set owner = excluded.owner, lease_until = excluded.lease_until
             where gauge_reporter_lease.owner = excluded.owner or gauge_reporter_lease.lease_until < ?
            returning owner""";

    private final JdbcTemplate jdbc;
    private final Clock clock;
    private final Duration lease;
    private final String owner = ManagementFactory.getRuntimeMXBean().getName() + "/"
            + UUID.randomUUID().toString().substring(0, 8);
    private final MultiGauge counts;
    private final MultiGauge oldestReady;
    private final AtomicBoolean reporting = new AtomicBoolean();

    InvocationStatusGauges(JdbcTemplate jdbc, MeterRegistry registry, Clock clock, InvocationProperties properties) {
        this.jdbc = jdbc;
        this.clock = clock;
        this.lease = properties.gaugeInterval().multipliedBy(3);
        this.counts = MultiGauge.builder("ferry.invocations")
                .description("Unfinished invocations by target and status (exported by one instance only)")
                .register(registry);
        this.oldestReady = MultiGauge.builder("ferry.invocations.oldest.ready.age").baseUnit("seconds")
                .description("How long the longest-waiting runnable invocation has been due (one instance only)")
                .register(registry);
        Gauge.builder("ferry.invocations.reporter", () -> reporting.get() ? 1 : 0)
                .description("1 on the one instance that exports the database-wide invocation gauges")
                .register(registry);
    }

    @Scheduled(fixedDelayString = "${ferry.invocations.gauge-interval:15s}", initialDelay = 0)
    void refresh() {
        try {
            Instant now = clock.instant();
            boolean holder = !jdbc.queryForList(TAKE_LEASE, String.class, owner,
                    StoredTimes.timestamp(now.plus(lease)), StoredTimes.timestamp(now)).isEmpty();
            if (holder != reporting.getAndSet(holder)) {
                log.info(holder ? "This instance now exports the invocation gauges"
                        : "Another instance now exports the invocation gauges");
            }
            counts.register(holder ? unfinished() : List.of(), true);
            oldestReady.register(holder ? oldestReady(now) : List.of(), true);
        } catch (RuntimeException e) {
            log.warn("Could not refresh the invocation gauges: {}", e.getMessage());
        }
    }

    /** Hands the lease on at once when this instance stops, instead of after it expires. */
    @PreDestroy
    void release() {
        try {
            jdbc.update("delete from gauge_reporter_lease where name = 'invocations' and owner = ?", owner);
        } catch (RuntimeException e) {
            log.debug("Could not hand on the gauge lease: {}", e.getMessage());
        }
    }

    private List<MultiGauge.Row<?>> unfinished() {
        List<MultiGauge.Row<?>> rows = new ArrayList<>();
        jdbc.query(COUNT_UNFINISHED, row -> {
            rows.add(MultiGauge.Row.of(Tags.of("service", row.getString(1), "handler", row.getString(2),
                    "status", row.getString(3)), row.getLong(4)));
        });
        return rows;
    }

    private List<MultiGauge.Row<?>> oldestReady(Instant now) {
        List<MultiGauge.Row<?>> rows = new ArrayList<>();
        jdbc.query(OLDEST_READY, row -> {
            OffsetDateTime due = row.getObject(3, OffsetDateTime.class);
            if (due == null) {
                return;
            }
            double age = Math.max(0, Duration.between(due.toInstant(), now).toMillis() / 1000.0);
            rows.add(MultiGauge.Row.of(Tags.of("service", row.getString(1), "handler", row.getString(2)), age));
        }, StoredTimes.timestamp(now));
        return rows;
    }
}
