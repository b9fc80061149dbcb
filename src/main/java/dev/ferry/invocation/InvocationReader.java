package dev.ferry.invocation;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Service;

import dev.ferry.web.InvalidRequest;

/** The read side of the invocation table, for the API and for tests. */
@Service
public class InvocationReader {

    private static final String COLUMNS = """
            id, service, handler, object_key, status, completion, failure_reason, attempts, next_attempt_at,
            last_failure, subscription_id, topic, kafka_partition, kafka_offset, kafka_timestamp, created_at,
            modified_at, first_running_at, completed_at""";

    static final int MAX_LIMIT = 1000;

    private final JdbcTemplate jdbc;

    InvocationReader(JdbcTemplate jdbc) {
        this.jdbc = jdbc;
    }

    public List<InvocationView> list(InvocationQuery query) {
        StringBuilder sql = new StringBuilder("select " + COLUMNS + " from invocations where true");
        List<Object> arguments = new ArrayList<>();
        filter(sql, arguments, "subscription_id", query.subscription());
        filter(sql, arguments, "service", query.service());
        filter(sql, arguments, "handler", query.handler());
        filter(sql, arguments, "object_key", query.key());
        if (query.status() != null) {
            InvocationStatus status = InvocationStatus.fromWire(query.status()).orElseThrow(() -> InvalidRequest.of(
                    "status", "Status '%s' is not known: use pending, scheduled, ready, running, backing-off, paused"
                            .formatted(query.status()) + " or completed."));
            filter(sql, arguments, "status", status.wire());
        }
        if (query.limit() < 1 || query.limit() > MAX_LIMIT) {
            throw InvalidRequest.of("limit", "limit must be between 1 and %d.".formatted(MAX_LIMIT));
        }
        sql.append(" order by id desc limit ?");
        arguments.add(query.limit());
        return jdbc.query(sql.toString(), InvocationReader::view, arguments.toArray());
    }

    public Optional<InvocationView> find(String id) {
        return jdbc.query("select " + COLUMNS + " from invocations where id = ?", InvocationReader::view, id)
                .stream().findFirst();
    }

    public InvocationView get(String id) {
        return find(id).orElseThrow(() -> InvocationNotFound.of(id));
    }

    private static void filter(StringBuilder sql, List<Object> arguments, String column, String value) {
        if (value != null) {
            sql.append(" and ").append(column).append(" = ?");
            arguments.add(value);
        }
    }

    private static InvocationView view(ResultSet row, int rowNum) throws SQLException {
        String subscription = row.getString("subscription_id");
        InvocationView.Origin origin = subscription == null
                ? new InvocationView.Origin("rpc", null, null, null, null, null)
                : new InvocationView.Origin("kafka", subscription, row.getString("topic"),
                        row.getInt("kafka_partition"), row.getLong("kafka_offset"), instant(row, "kafka_timestamp"));
        String key = row.getString("object_key");
        String target = row.getString("service") + (key == null ? "" : "/" + key) + "/" + row.getString("handler");
        return new InvocationView(row.getString("id"), target, row.getString("service"), row.getString("handler"),
                key, row.getString("status"), row.getString("completion"), row.getString("failure_reason"),
                row.getInt("attempts"), instant(row, "next_attempt_at"), row.getString("last_failure"), origin,
                instant(row, "created_at"), instant(row, "modified_at"), instant(row, "first_running_at"),
                instant(row, "completed_at"));
    }

    private static Instant instant(ResultSet row, String column) throws SQLException {
        OffsetDateTime value = row.getObject(column, OffsetDateTime.class);
        return value == null ? null : value.toInstant();
    }
}
