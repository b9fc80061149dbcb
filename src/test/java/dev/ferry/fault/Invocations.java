package dev.ferry.fault;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import dev.ferry.testsupport.EmbeddedDatabase;

/** Reads one subscription's invocations straight from Ferry's database, read-only. */
final class Invocations {

    /** One invocation with the columns the figures need. */
    record Row(String id, String status, String completion, int attempts, Integer partition, Long offset) {

        boolean succeeded() {
            return "completed".equals(status) && "success".equals(completion);
        }

        String coordinates() {
            return partition + "@" + offset;
        }
    }

    private final EmbeddedDatabase server;
    private final String url;

    Invocations(EmbeddedDatabase server, String url) {
        this.server = server;
        this.url = url;
    }

    List<Row> of(String subscriptionId) {
        List<Row> rows = new ArrayList<>();
        query("""
                select id, status, completion, attempts, kafka_partition, kafka_offset
                  from invocations where subscription_id = ? order by seq""", subscriptionId, result ->
                rows.add(new Row(result.getString(1), result.getString(2), result.getString(3), result.getInt(4),
                        result.getObject(5, Integer.class), result.getObject(6, Long.class))));
        return rows;
    }

    long completed(String subscriptionId) {
        long[] count = new long[1];
        query("select count(*) from invocations where subscription_id = ? and status = 'completed'", subscriptionId,
                result -> count[0] = result.getLong(1));
        return count[0];
    }

    Set<String> completedIds(String subscriptionId) {
        Set<String> ids = new HashSet<>();
        query("select id from invocations where subscription_id = ? and status = 'completed'", subscriptionId,
                result -> ids.add(result.getString(1)));
        return ids;
    }

    /** Attempts made so far: Ferry counts one when it claims an invocation for a call. */
    long attempts(String subscriptionId) {
        long[] sum = new long[1];
        query("select coalesce(sum(attempts), 0) from invocations where subscription_id = ?", subscriptionId,
                result -> sum[0] = result.getLong(1));
        return sum[0];
    }

    private interface RowReader {
        void read(ResultSet result) throws SQLException;
    }

    private void query(String sql, String subscriptionId, RowReader reader) {
        try (Connection connection = DriverManager.getConnection(url, server.username(), server.password());
                PreparedStatement statement = connection.prepareStatement(sql)) {
            statement.setString(1, subscriptionId);
            try (ResultSet result = statement.executeQuery()) {
                while (result.next()) {
                    reader.read(result);
                }
            }
        } catch (SQLException e) {
            throw new IllegalStateException("Could not read invocations", e);
        }
    }
}
