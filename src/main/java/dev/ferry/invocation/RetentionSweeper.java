package dev.ferry.invocation;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;

import dev.ferry.service.ServiceRegistry;

/**
 * Purges completed invocations once their retention has passed: a service's own retention, or the
 * global one. Deletes in small batches so that no sweep holds many rows locked; an invocation whose
 * dead letter is not yet published is kept until it is.
 */
@Component
public class RetentionSweeper {

    private static final Logger log = LoggerFactory.getLogger(RetentionSweeper.class);

    /** Deletes a batch of expired invocations that match a condition on their service. */
    private static final String DELETE = """
            delete from invocations where id in (
                select id from invocations
                 where status = %s and completed_at < ? and %%s
                   and (dead_letter_topic is null or dead_lettered_at is not null)
                 limit ?)""".formatted(InvocationStatus.COMPLETED.sql());

    /** Expired invocations of one service with a retention of its own. */
    private static final String DELETE_OF_SERVICE = DELETE.formatted("service = ?");

    /** Expired invocations of every service without a retention of its own, under the global retention. */
    private static final String DELETE_OF_OTHERS = DELETE.formatted("not service = any(?::text[])");

    private final JdbcTemplate jdbc;
    private final ServiceRegistry services;
    private final InvocationProperties properties;
    private final Clock clock;

    RetentionSweeper(JdbcTemplate jdbc, ServiceRegistry services, InvocationProperties properties, Clock clock) {
        this.jdbc = jdbc;
        this.services = services;
        this.properties = properties;
        this.clock = clock;
    }

    @Scheduled(fixedDelayString = "${ferry.invocations.sweep-interval:1m}", initialDelayString = "10s")
    void onTimer() {
        try {
            sweep(clock.instant());
        } catch (RuntimeException e) {
            log.warn("Could not purge expired invocations, will try again: {}", e.getMessage());
        }
    }

    /**
     * Purges what has expired at {@code now}.
     *
     * @return how many invocations were purged
     */
    public int sweep(Instant now) {
        Map<String, Duration> custom = services.retentions();
        int purged = 0;
        for (var entry : custom.entrySet()) {
            purged += deleteAll(DELETE_OF_SERVICE, now.minus(entry.getValue()), entry.getKey());
        }
        purged += deleteAll(DELETE_OF_OTHERS, now.minus(properties.retention()),
                (Object) custom.keySet().toArray(String[]::new));
        if (purged > 0) {
            log.info("Purged {} completed invocation(s) past their retention", purged);
        }
        return purged;
    }

    private int deleteAll(String statement, Instant before, Object argument) {
        int total = 0;
        int deleted;
        do {
            deleted = jdbc.update(statement, StoredTimes.timestamp(before), argument,
                    properties.sweepBatch());
            total += deleted;
        } while (deleted == properties.sweepBatch());
        return total;
    }
}
