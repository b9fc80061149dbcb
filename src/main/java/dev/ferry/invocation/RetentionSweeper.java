package dev.ferry.invocation;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionTemplate;

import dev.ferry.service.ServiceRegistry;

/**
 * Purges completed invocations once their retention has passed: a service's own retention, or the
 * global one; a workflow's run under {@code ferry.invocations.workflow-retention} unless its service has a
 * retention of its own. Deletes in small batches so that no sweep holds many rows locked; an invocation whose
 * dead letter is not yet published is kept until it is. The workflow runs a batch purges are announced in its
 * transaction ({@link WorkflowRunsPurged}), so the workflow's state and promises go with its run.
 */
@Component
public class RetentionSweeper {

    private static final Logger log = LoggerFactory.getLogger(RetentionSweeper.class);

    /** Deletes a batch of expired invocations that match a condition; returns the workflow runs among them. */
    private static final String DELETE = """
            with gone as (
                delete from invocations where id in (
                    select id from invocations
                     where status = %s and completed_at < ? and %%s
                       and (dead_letter_topic is null or dead_lettered_at is not null)
                     limit ?)
                returning id, workflow_key is not null as run, service, object_key),
            journals as (
                delete from journal_segments where invocation_id in (select id from gone))
            select run, service, object_key from gone""".formatted(InvocationStatus.COMPLETED.sql());

    /** Expired invocations of one service with a retention of its own. */
    private static final String DELETE_OF_SERVICE = DELETE.formatted("service = ?");

    /** Expired invocations of every service without a retention of its own, under the global retention. */
    private static final String DELETE_OF_OTHERS = DELETE.formatted(
            "not service = any(?::text[]) and workflow_key is null");

    /** Expired workflow runs of every service without a retention of its own, under the workflow retention. */
    private static final String DELETE_RUNS_OF_OTHERS = DELETE.formatted(
            "not service = any(?::text[]) and workflow_key is not null");

    private final JdbcTemplate jdbc;
    private final TransactionTemplate transactions;
    private final ApplicationEventPublisher events;
    private final ServiceRegistry services;
    private final InvocationProperties properties;
    private final Clock clock;

    RetentionSweeper(JdbcTemplate jdbc, TransactionTemplate transactions, ApplicationEventPublisher events,
            ServiceRegistry services, InvocationProperties properties, Clock clock) {
        this.jdbc = jdbc;
        this.transactions = transactions;
        this.events = events;
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
        Object others = custom.keySet().toArray(String[]::new);
        purged += deleteAll(DELETE_OF_OTHERS, now.minus(properties.retention()), others);
        purged += deleteAll(DELETE_RUNS_OF_OTHERS, now.minus(properties.workflowRetention()), others);
        if (purged > 0) {
            log.info("Purged {} completed invocation(s) past their retention", purged);
        }
        return purged;
    }

    private int deleteAll(String statement, Instant before, Object argument) {
        int total = 0;
        int deleted;
        do {
            deleted = deleteBatch(statement, before, argument);
            total += deleted;
        } while (deleted == properties.sweepBatch());
        return total;
    }

    private int deleteBatch(String statement, Instant before, Object argument) {
        Integer deleted = transactions.execute(status -> {
            List<WorkflowRunsPurged.Run> runs = new ArrayList<>();
            int rows = jdbc.query(statement, (row, n) -> {
                if (row.getBoolean(1)) {
                    runs.add(new WorkflowRunsPurged.Run(row.getString(2), row.getString(3)));
                }
                return n;
            }, StoredTimes.timestamp(before), argument, properties.sweepBatch()).size();
            if (!runs.isEmpty()) {
                events.publishEvent(new WorkflowRunsPurged(runs));
            }
            return rows;
        });
        return deleted == null ? 0 : deleted;
    }
}
