package dev.ferry.invocation;

import java.util.Collection;
import java.util.List;

import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.TransactionDefinition;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * The outputs of completed invocations still owed to their result topics: the table side of result publishing,
 * which the {@code results} feature drives. {@code InvocationStore.record} writes a row in the transaction that
 * completes an invocation; a row is deleted once its result is on the topic. One instance publishes at a time
 * (a transaction-scoped advisory lock), in {@code seq} order, so the results of one key keep their order.
 */
@Component
public class ResultOutbox {

    /** The advisory lock of the publishing round; any constant of Ferry's own. */
    private static final long PUBLISHING_LOCK = 0x6665727279L;

    private static final String PENDING = """
            select seq, invocation_id, cluster, topic, kafka_key, value, content_type, subscription_id, source_topic,
                   source_partition, source_offset, created_at, attempted_at
              from result_outbox
             order by seq
             limit ?""";

    /** What publishes one round of pending results. */
    public interface Publisher {
        /**
         * Produces {@code pending}, calling {@code attempted} with the invocation ids of a Kafka transaction
         * before committing it; returns the ids whose results are on their topic now (produced or found there).
         */
        Collection<String> publish(List<PendingResult> pending, Attempted attempted);
    }

    /** Marks results as possibly produced, durably and at once (in a transaction of its own). */
    @FunctionalInterface
    public interface Attempted {
        void mark(Collection<String> invocationIds);
    }

    private final JdbcTemplate jdbc;
    private final TransactionTemplate transactions;
    private final TransactionTemplate separately;

    public ResultOutbox(JdbcTemplate jdbc, PlatformTransactionManager transactionManager) {
        this.jdbc = jdbc;
        this.transactions = new TransactionTemplate(transactionManager);
        this.separately = new TransactionTemplate(transactionManager);
        this.separately.setPropagationBehavior(TransactionDefinition.PROPAGATION_REQUIRES_NEW);
    }

    /**
     * Hands up to {@code max} pending results, oldest first, to {@code publisher} and deletes those it reports
     * on their topic; does nothing while another instance publishes.
     *
     * @return how many were published, or -1 when another instance holds the round
     */
    public int publish(int max, Publisher publisher) {
        Integer published = transactions.execute(status -> {
            if (!Boolean.TRUE.equals(jdbc.queryForObject("select pg_try_advisory_xact_lock(?)", Boolean.class,
                    PUBLISHING_LOCK))) {
                return -1;
            }
            List<PendingResult> pending = jdbc.query(PENDING, (row, n) -> new PendingResult(row.getLong(1),
                    row.getString(2), row.getString(3), row.getString(4), row.getBytes(5), row.getBytes(6),
                    row.getString(7), row.getString(8), row.getString(9), (Integer) row.getObject(10),
                    (Long) row.getObject(11), row.getTimestamp(12).toInstant(),
                    row.getTimestamp(13) == null ? null : row.getTimestamp(13).toInstant()), max);
            if (pending.isEmpty()) {
                return 0;
            }
            Collection<String> done = publisher.publish(pending, ids -> separately.executeWithoutResult(inner ->
                    jdbc.update("update result_outbox set attempted_at = now() where invocation_id = any(?::text[])",
                            (Object) ids.toArray(String[]::new))));
            if (!done.isEmpty()) {
                jdbc.update("delete from result_outbox where invocation_id = any(?::text[])",
                        (Object) done.toArray(String[]::new));
            }
            return done.size();
        });
        return published == null ? 0 : published;
    }

    /** How many results wait to be produced. */
    public long depth() {
        Long depth = jdbc.queryForObject("select count(*) from result_outbox", Long.class);
        return depth == null ? 0 : depth;
    }
}
