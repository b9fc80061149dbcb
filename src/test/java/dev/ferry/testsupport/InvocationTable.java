package dev.ferry.testsupport;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads a Ferry database's invocation table directly over JDBC, for checks that span more rows than the
 * API lists at once or need columns it does not show. Read-only: tests change state through the API.
 */
public final class InvocationTable {

    /** One invocation row, with the columns delivery checks need. */
    public record Row(String id, String objectKey, String status, String completion, String failureReason,
            int attempts, String subscriptionId, Integer partition, Long offset, Instant completedAt) {

        public boolean succeeded() {
            return "completed".equals(status) && "success".equals(completion);
        }
    }

    private final String url;

    public InvocationTable(String databaseUrl) {
        this.url = databaseUrl;
    }

    /** How many invocations match a SQL condition, e.g. {@code "status = 'completed'"}. */
    public long count(String condition) {
        try (Connection connection = connect();
             PreparedStatement query = connection.prepareStatement("select count(*) from invocations where "
                     + condition);
             ResultSet result = query.executeQuery()) {
            result.next();
            return result.getLong(1);
        } catch (SQLException e) {
            throw new IllegalStateException("Could not count invocations", e);
        }
    }

    /** Every invocation, in the order they were stored. */
    public List<Row> all() {
        try (Connection connection = connect();
             PreparedStatement query = connection.prepareStatement("""
                     select id, object_key, status, completion, failure_reason, attempts, subscription_id,
                            kafka_partition, kafka_offset, completed_at
                       from invocations order by seq""");
             ResultSet result = query.executeQuery()) {
            List<Row> rows = new ArrayList<>();
            while (result.next()) {
                OffsetDateTime completed = result.getObject("completed_at", OffsetDateTime.class);
                rows.add(new Row(result.getString("id"), result.getString("object_key"), result.getString("status"),
                        result.getString("completion"), result.getString("failure_reason"), result.getInt("attempts"),
                        result.getString("subscription_id"), result.getObject("kafka_partition", Integer.class),
                        result.getObject("kafka_offset", Long.class),
                        completed == null ? null : completed.toInstant()));
            }
            return rows;
        } catch (SQLException e) {
            throw new IllegalStateException("Could not read invocations", e);
        }
    }

    private Connection connect() throws SQLException {
        EmbeddedDatabase database = TestInfrastructure.database();
        return DriverManager.getConnection(url, database.username(), database.password());
    }
}
