package dev.ferry.invocation;

import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Function;

import org.springframework.jdbc.core.JdbcTemplate;

/**
 * Inserts a poll's invocations with one statement: every column travels as an array and {@code unnest}
 * zips them into rows, so a batch costs one parse and one round trip, and {@code returning} says which
 * records were new. The first {@code directBudget} runnable rows are stored already running, leased to
 * this instance, so the dispatcher can call them without claiming them first.
 */
final class RecordBatchInsert {

    private static final String SQL = """
            insert into invocations (id, service, handler, object_key, exclusive_key, status, completion,
                failure_reason, last_failure, input, headers, subscription_id, topic, kafka_partition, kafka_offset,
                kafka_timestamp, kafka_key, next_attempt_at, created_at, modified_at, completed_at, workflow_key,
                dead_letter_cluster, dead_letter_topic, idempotency_key, attempts, lease_owner, lease_until,
                first_running_at, kafka_timestamp_millis)
            select * from unnest(?::text[], ?::text[], ?::text[], ?::text[], ?::text[], ?::text[], ?::text[],
                ?::text[], ?::text[], ?::bytea[], ?::text[], ?::text[], ?::text[], ?::int[], ?::bigint[],
                ?::timestamptz[], ?::bytea[], ?::timestamptz[], ?::timestamptz[], ?::timestamptz[], ?::timestamptz[],
                ?::text[], ?::text[], ?::text[], ?::text[], ?::int[], ?::text[], ?::timestamptz[], ?::timestamptz[], ?::bigint[])
            on conflict %s do nothing
            returning id""";

    /** Skip records stored before (a poll seen again after a restart or rebalance). */
    static final String SAME_RECORD = "on constraint invocations_one_per_record";

    /** Skip on any unique clash: the same record, idempotency key or workflow run. */
    static final String ANY = "";

    /** Who may run rows directly, how many, and for how long they are leased. */
    record Direct(String owner, int budget, Duration lease) {

        static final Direct NONE = new Direct(null, 0, Duration.ZERO);
    }

    private RecordBatchInsert() {
    }

    /**
     * Inserts the rows; returns the ids actually inserted and, of those, the ones stored running.
     */
    static Result insert(JdbcTemplate jdbc, String conflict, List<NewInvocation> rows, OffsetDateTime now,
            Direct direct, Function<List<RecordHeader>, String> headers) {
        int n = rows.size();
        Object[][] columns = new Object[30][];
        for (int c = 0; c < columns.length; c++) {
            columns[c] = switch (c) {
                case 9, 16 -> new byte[n][];
                case 13, 25 -> new Integer[n];
                case 14, 29 -> new Long[n];
                default -> new String[n];
            };
        }
        String nowText = StoredTimes.text(now.toInstant());
        Set<String> running = new HashSet<>();
        int budget = direct.budget();
        for (int i = 0; i < n; i++) {
            NewInvocation row = rows.get(i);
            KafkaOrigin origin = row.origin();
            boolean runNow = budget > 0 && row.status() == InvocationStatus.READY;
            if (runNow) {
                budget--;
                running.add(row.id());
            }
            boolean completed = row.status() == InvocationStatus.COMPLETED;
            columns[0][i] = row.id();
            columns[1][i] = row.service();
            columns[2][i] = row.handler();
            columns[3][i] = row.objectKey();
            columns[4][i] = row.exclusiveKey();
            columns[5][i] = runNow ? InvocationStatus.RUNNING.wire() : row.status().wire();
            columns[6][i] = completed ? "failure" : null;
            columns[7][i] = row.failureReason() == null ? null : row.failureReason().wire();
            columns[8][i] = row.lastFailure();
            columns[9][i] = row.input();
            columns[10][i] = headers.apply(row.headers());
            columns[11][i] = origin == null ? null : origin.subscriptionId();
            columns[12][i] = origin == null ? null : origin.topic();
            columns[13][i] = origin == null ? null : origin.partition();
            columns[14][i] = origin == null ? null : origin.offset();
            Instant recordTime = origin == null ? null : origin.timestamp();
            boolean storedAsTimestamp = recordTime != null && StoredTimes.storedAsTimestamp(recordTime);
            columns[15][i] = storedAsTimestamp ? StoredTimes.text(recordTime) : null;
            columns[16][i] = origin == null ? null : origin.key();
            columns[17][i] = switch (row.status()) {
                case READY -> nowText;
                case SCHEDULED -> StoredTimes.text(row.notBefore());
                default -> null;
            };
            columns[18][i] = nowText;
            columns[19][i] = nowText;
            columns[20][i] = completed ? nowText : null;
            columns[21][i] = row.workflowKey();
            columns[22][i] = row.deadLetter() == null ? null : row.deadLetter().cluster();
            columns[23][i] = row.deadLetter() == null ? null : row.deadLetter().topic();
            columns[24][i] = row.idempotencyKey();
            columns[25][i] = runNow ? 1 : 0;
            columns[26][i] = runNow ? direct.owner() : null;
            columns[27][i] = runNow ? StoredTimes.text(now.toInstant().plus(direct.lease())) : null;
            columns[28][i] = runNow ? nowText : null;
            columns[29][i] = recordTime == null || storedAsTimestamp ? null : recordTime.toEpochMilli();
        }
        List<String> inserted = jdbc.queryForList(SQL.formatted(conflict), String.class, (Object[]) columns);
        List<String> started = new ArrayList<>();
        for (String id : inserted) {
            if (running.contains(id)) {
                started.add(id);
            }
        }
        return new Result(inserted, started, Set.of());
    }

    /**
     * @param inserted the ids stored now (not stored before)
     * @param running  of those, the ones stored running under the caller's lease
     * @param replaced the ids stored as a stand-in, because PostgreSQL refused the invocation as it was
     */
    record Result(List<String> inserted, List<String> running, Set<String> replaced) {
    }
}
