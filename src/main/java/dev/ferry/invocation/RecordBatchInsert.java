package dev.ferry.invocation;

import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Function;
import java.util.function.IntFunction;
import java.util.stream.Collectors;

import org.springframework.jdbc.core.JdbcTemplate;

/**
 * Inserts a poll's invocations with one statement: every column travels as an array and {@code unnest}
 * zips them into rows, so a batch costs one parse and one round trip, and {@code returning} says which
 * records were new. The first {@code directBudget} runnable rows are stored already running, leased to
 * this instance, so the dispatcher can call them without claiming them first.
 *
 * <p>The statement, its casts and its arrays all come from {@link Column}: one ordered list of the columns
 * written, each with its SQL array type and how a row's value is read.
 */
final class RecordBatchInsert {

    /** Which unique clash makes a row count as stored before, so it is skipped. */
    enum Conflict {
        /** Skip records stored before (a poll seen again after a restart or rebalance). */
        SAME_RECORD("on constraint invocations_one_per_record"),
        /** Skip on any unique clash: the same record, idempotency key or workflow run. */
        ANY("");

        private final String statement;

        Conflict(String target) {
            this.statement = """
                    insert into invocations (%s)
                    select * from unnest(%s)
                    on conflict %s do nothing
                    returning id""".formatted(Column.names(), Column.arrays(), target);
        }
    }

    /** Who may run rows directly, how many, and for how long they are leased. */
    record Direct(String owner, int budget, Duration lease) {

        static final Direct NONE = new Direct(null, 0, Duration.ZERO);
    }

    /** The SQL array types the columns travel as, with the Java array each is bound from. */
    private enum ArrayType {
        TEXT("text", String[]::new),
        BYTEA("bytea", byte[][]::new),
        INT("int", Integer[]::new),
        BIGINT("bigint", Long[]::new),
        /** Instants travel as {@link StoredTimes#text} text, which PostgreSQL always parses. */
        TIMESTAMPTZ("timestamptz", String[]::new);

        private final String cast;
        private final IntFunction<Object[]> array;

        ArrayType(String sql, IntFunction<Object[]> array) {
            this.cast = "?::" + sql + "[]";
            this.array = array;
        }
    }

    /** One row being written: the invocation, whether it is stored running, and what the whole batch shares. */
    private record Row(NewInvocation invocation, boolean runNow, Batch batch) {

        boolean completed() {
            return invocation.status() == InvocationStatus.COMPLETED;
        }

        <T> T origin(Function<KafkaOrigin, T> value) {
            return invocation.origin() == null ? null : value.apply(invocation.origin());
        }

        <T> T deadLetter(Function<NewInvocation.DeadLetter, T> value) {
            return invocation.deadLetter() == null ? null : value.apply(invocation.deadLetter());
        }

        <T> T resultTopic(Function<NewInvocation.ResultTopic, T> value) {
            return invocation.resultTopic() == null ? null : value.apply(invocation.resultTopic());
        }

        Instant recordTime() {
            return origin(KafkaOrigin::timestamp);
        }

        /** Whether the record time fits {@code kafka_timestamp}; others are kept as raw milliseconds. */
        boolean recordTimeStoredAsTimestamp() {
            return recordTime() != null && StoredTimes.storedAsTimestamp(recordTime());
        }

        String whenRunNow(String value) {
            return runNow ? value : null;
        }
    }

    /** What every row of one insert shares: the time, the lease of rows stored running, the header codec. */
    private record Batch(String now, String leaseUntil, String owner, RecordHeaders headers) {
    }

    /** The columns written, in the order of the statement's column list and its arrays. */
    private enum Column {
        ID("id", ArrayType.TEXT, row -> row.invocation().id()),
        SERVICE("service", ArrayType.TEXT, row -> row.invocation().service()),
        HANDLER("handler", ArrayType.TEXT, row -> row.invocation().handler()),
        OBJECT_KEY("object_key", ArrayType.TEXT, row -> row.invocation().objectKey()),
        EXCLUSIVE_KEY("exclusive_key", ArrayType.TEXT, row -> row.invocation().exclusiveKey()),
        STATUS("status", ArrayType.TEXT,
                row -> (row.runNow() ? InvocationStatus.RUNNING : row.invocation().status()).wire()),
        COMPLETION("completion", ArrayType.TEXT, row -> row.completed() ? "failure" : null),
        FAILURE_REASON("failure_reason", ArrayType.TEXT,
                row -> row.invocation().failureReason() == null ? null : row.invocation().failureReason().wire()),
        LAST_FAILURE("last_failure", ArrayType.TEXT, row -> row.invocation().lastFailure()),
        INPUT("input", ArrayType.BYTEA, row -> row.invocation().input()),
        HEADERS("headers", ArrayType.TEXT, row -> row.batch().headers().encode(row.invocation().headers())),
        SUBSCRIPTION_ID("subscription_id", ArrayType.TEXT, row -> row.origin(KafkaOrigin::subscriptionId)),
        TOPIC("topic", ArrayType.TEXT, row -> row.origin(KafkaOrigin::topic)),
        KAFKA_PARTITION("kafka_partition", ArrayType.INT, row -> row.origin(KafkaOrigin::partition)),
        KAFKA_OFFSET("kafka_offset", ArrayType.BIGINT, row -> row.origin(KafkaOrigin::offset)),
        KAFKA_TIMESTAMP("kafka_timestamp", ArrayType.TIMESTAMPTZ,
                row -> row.recordTimeStoredAsTimestamp() ? StoredTimes.text(row.recordTime()) : null),
        KAFKA_KEY("kafka_key", ArrayType.BYTEA, row -> row.origin(KafkaOrigin::key)),
        NEXT_ATTEMPT_AT("next_attempt_at", ArrayType.TIMESTAMPTZ, row -> switch (row.invocation().status()) {
            case READY -> row.batch().now();
            case SCHEDULED -> StoredTimes.text(row.invocation().notBefore());
            default -> null;
        }),
        CREATED_AT("created_at", ArrayType.TIMESTAMPTZ, row -> row.batch().now()),
        MODIFIED_AT("modified_at", ArrayType.TIMESTAMPTZ, row -> row.batch().now()),
        COMPLETED_AT("completed_at", ArrayType.TIMESTAMPTZ, row -> row.completed() ? row.batch().now() : null),
        WORKFLOW_KEY("workflow_key", ArrayType.TEXT, row -> row.invocation().workflowKey()),
        DEAD_LETTER_CLUSTER("dead_letter_cluster", ArrayType.TEXT,
                row -> row.deadLetter(NewInvocation.DeadLetter::cluster)),
        DEAD_LETTER_TOPIC("dead_letter_topic", ArrayType.TEXT, row -> row.deadLetter(NewInvocation.DeadLetter::topic)),
        RESULT_CLUSTER("result_cluster", ArrayType.TEXT,
                row -> row.resultTopic(NewInvocation.ResultTopic::cluster)),
        RESULT_TOPIC("result_topic", ArrayType.TEXT, row -> row.resultTopic(NewInvocation.ResultTopic::topic)),
        IDEMPOTENCY_KEY("idempotency_key", ArrayType.TEXT, row -> row.invocation().idempotencyKey()),
        ATTEMPTS("attempts", ArrayType.INT, row -> row.runNow() ? 1 : 0),
        LEASE_OWNER("lease_owner", ArrayType.TEXT, row -> row.whenRunNow(row.batch().owner())),
        LEASE_UNTIL("lease_until", ArrayType.TIMESTAMPTZ, row -> row.whenRunNow(row.batch().leaseUntil())),
        FIRST_RUNNING_AT("first_running_at", ArrayType.TIMESTAMPTZ, row -> row.whenRunNow(row.batch().now())),
        KAFKA_TIMESTAMP_MILLIS("kafka_timestamp_millis", ArrayType.BIGINT,
                row -> row.recordTime() == null || row.recordTimeStoredAsTimestamp() ? null
                        : row.recordTime().toEpochMilli());

        private final String name;
        private final ArrayType type;
        private final Function<Row, Object> value;

        Column(String name, ArrayType type, Function<Row, Object> value) {
            this.name = name;
            this.type = type;
            this.value = value;
        }

        static String names() {
            return Arrays.stream(values()).map(column -> column.name).collect(Collectors.joining(", "));
        }

        static String arrays() {
            return Arrays.stream(values()).map(column -> column.type.cast).collect(Collectors.joining(", "));
        }
    }

    private RecordBatchInsert() {
    }

    /**
     * Inserts the rows; returns the ids actually inserted and, of those, the ones stored running.
     */
    static Result insert(JdbcTemplate jdbc, Conflict conflict, List<NewInvocation> invocations, OffsetDateTime now,
            Direct direct, RecordHeaders headers) {
        Column[] columns = Column.values();
        Object[][] arrays = new Object[columns.length][];
        for (int c = 0; c < columns.length; c++) {
            arrays[c] = columns[c].type.array.apply(invocations.size());
        }
        Instant at = now.toInstant();
        Batch batch = new Batch(StoredTimes.text(at), StoredTimes.text(at.plus(direct.lease())), direct.owner(),
                headers);
        Set<String> running = new HashSet<>();
        int budget = direct.budget();
        for (int i = 0; i < invocations.size(); i++) {
            NewInvocation invocation = invocations.get(i);
            boolean runNow = budget > 0 && invocation.status() == InvocationStatus.READY;
            if (runNow) {
                budget--;
                running.add(invocation.id());
            }
            Row row = new Row(invocation, runNow, batch);
            for (int c = 0; c < columns.length; c++) {
                arrays[c][i] = columns[c].value.apply(row);
            }
        }
        List<String> inserted = jdbc.queryForList(conflict.statement, String.class, (Object[]) arrays);
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
