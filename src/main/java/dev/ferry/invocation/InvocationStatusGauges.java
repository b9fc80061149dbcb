package dev.ferry.invocation;

import java.util.ArrayList;
import java.util.List;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.MultiGauge;
import io.micrometer.core.instrument.Tags;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;

/**
 * {@code ferry.invocations} gauges: unfinished invocations by service, handler and status, counted from the
 * database on a timer through a partial index over unfinished rows only, so the cost does not grow with the
 * completed ones kept (those are counted by the {@code ferry.invocations.completed} counter instead).
 */
@Component
class InvocationStatusGauges {

    private static final Logger log = LoggerFactory.getLogger(InvocationStatusGauges.class);

    /** Matches the partial index {@code invocations_active}, which holds only unfinished rows. */
    private static final String COUNT_UNFINISHED = """
            select service, handler, status, count(*) from invocations
             where status <> %s group by service, handler, status""".formatted(InvocationStatus.COMPLETED.sql());

    private final JdbcTemplate jdbc;
    private final MultiGauge gauges;

    InvocationStatusGauges(JdbcTemplate jdbc, MeterRegistry registry) {
        this.jdbc = jdbc;
        this.gauges = MultiGauge.builder("ferry.invocations")
                .description("Unfinished invocations by target and status")
                .register(registry);
    }

    @Scheduled(fixedDelayString = "${ferry.invocations.gauge-interval:15s}", initialDelay = 0)
    void refresh() {
        try {
            List<MultiGauge.Row<?>> rows = new ArrayList<>();
            jdbc.query(COUNT_UNFINISHED, row -> {
                long count = row.getLong(4);
                rows.add(MultiGauge.Row.of(Tags.of("service", row.getString(1), "handler", row.getString(2),
                        "status", row.getString(3)), count));
            });
            gauges.register(rows, true);
        } catch (RuntimeException e) {
            log.warn("Could not refresh the invocation gauges: {}", e.getMessage());
        }
    }
}
