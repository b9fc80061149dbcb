package dev.ferry.invocation;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.OffsetDateTime;

import org.springframework.jdbc.core.RowMapper;

/** Reads the parts of an invocation row that several statements return: the claim, the record's origin. */
final class InvocationRows {

    /** What a statement that claims invocations returns, for {@link #claimed}. */
    static final String CLAIMED_COLUMNS = """
            i.id, i.service, i.handler, i.object_key, i.exclusive_key, i.input, i.headers,
            i.subscription_id, i.topic, i.kafka_partition, i.kafka_offset, i.kafka_timestamp,
            i.kafka_timestamp_millis, i.kafka_key, i.attempts, i.journal_length""";

    private InvocationRows() {
    }

    /** Maps the {@link #CLAIMED_COLUMNS} of a row to the invocation its claimer must call. */
    static RowMapper<ClaimedInvocation> claimed(RecordHeaders headers) {
        return (row, n) -> new ClaimedInvocation(row.getString("id"), row.getString("service"),
                row.getString("handler"), row.getString("object_key"), row.getString("exclusive_key") != null,
                row.getBytes("input"), headers.decode(row.getString("headers")), origin(row), row.getInt("attempts"),
                row.getInt("journal_length"));
    }

    /** The record an invocation was made from, or null when a caller made it. */
    static KafkaOrigin origin(ResultSet row) throws SQLException {
        String subscription = row.getString("subscription_id");
        if (subscription == null) {
            return null;
        }
        return new KafkaOrigin(subscription, row.getString("topic"), row.getInt("kafka_partition"),
                row.getLong("kafka_offset"), recordTime(row), row.getBytes("kafka_key"));
    }

    /** The record's timestamp: {@code kafka_timestamp}, or the raw milliseconds kept when it lies outside that. */
    static Instant recordTime(ResultSet row) throws SQLException {
        OffsetDateTime stored = row.getObject("kafka_timestamp", OffsetDateTime.class);
        if (stored != null) {
            return stored.toInstant();
        }
        long millis = row.getLong("kafka_timestamp_millis");
        return row.wasNull() ? null : Instant.ofEpochMilli(millis);
    }
}
