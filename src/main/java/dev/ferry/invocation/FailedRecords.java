package dev.ferry.invocation;

import java.time.Clock;
import java.util.Collection;
import java.util.List;
import java.util.function.Function;

import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionTemplate;
import tools.jackson.databind.json.JsonMapper;

/**
 * The records of failed invocations that still owe a dead letter: the table side of dead-letter publishing,
 * which the {@code deadletter} feature drives. Each is handed out by one instance at a time and marked once
 * published, so it is published once.
 */
@Component
public class FailedRecords {

    private static final String UNPUBLISHED = """
            select id, dead_letter_cluster, dead_letter_topic, subscription_id, topic, kafka_partition,
                   kafka_offset, kafka_timestamp, kafka_timestamp_millis, kafka_key, input, headers,
                   failure_reason, last_failure
              from invocations
             where dead_letter_topic is not null and completion = 'failure' and dead_lettered_at is null
             order by completed_at
             limit ?
               for update skip locked""";

    private static final String MARK_PUBLISHED =
            "update invocations set dead_lettered_at = ? where id = any(?::text[])";

    private final JdbcTemplate jdbc;
    private final TransactionTemplate transactions;
    private final RecordHeaders headers;
    private final Clock clock;

    public FailedRecords(JdbcTemplate jdbc, TransactionTemplate transactions, JsonMapper json, Clock clock) {
        this.jdbc = jdbc;
        this.transactions = transactions;
        this.headers = new RecordHeaders(json);
        this.clock = clock;
    }

    /**
     * Hands up to {@code max} failed invocations that still owe a dead letter to {@code publisher}, inside
     * one transaction that holds their rows, and marks those it reports published. Rows another instance
     * holds are skipped, so each record is published by one instance.
     *
     * @return how many were published
     */
    public int publish(int max, Function<List<FailedRecord>, Collection<String>> publisher) {
        Integer published = transactions.execute(status -> {
            List<FailedRecord> failed = jdbc.query(UNPUBLISHED, (row, n) -> new FailedRecord(row.getString("id"),
                    row.getString("dead_letter_cluster"), row.getString("dead_letter_topic"),
                    InvocationRows.origin(row), row.getBytes("input"), headers.decode(row.getString("headers")),
                    row.getString("failure_reason"), row.getString("last_failure")), max);
            if (failed.isEmpty()) {
                return 0;
            }
            Collection<String> done = publisher.apply(failed);
            if (!done.isEmpty()) {
                jdbc.update(MARK_PUBLISHED, StoredTimes.timestamp(clock.instant()), done.toArray(String[]::new));
            }
            return done.size();
        });
        return published == null ? 0 : published;
    }
}
