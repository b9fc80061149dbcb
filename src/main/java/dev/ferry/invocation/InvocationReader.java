package dev.ferry.invocation;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Service;
import tools.jackson.databind.json.JsonMapper;

import dev.ferry.shared.Ids;
import dev.ferry.shared.Utf8;
import dev.ferry.web.InvalidRequest;

/** The read side of the invocation table, for the API and for tests. */
@Service
public class InvocationReader {

    private static final String COLUMNS = """
            id, service, handler, object_key, status, completion, failure_reason, attempts, next_attempt_at,
            last_failure, subscription_id, topic, kafka_partition, kafka_offset, kafka_timestamp,
            kafka_timestamp_millis, created_at, modified_at, first_running_at, completed_at""";

    /** The views of invocations, to be followed by the query's filters and {@link #NEWEST_FIRST} or the like. */
    private static final String VIEWS = "select " + COLUMNS + " from invocations";

    /** The ids of invocations, to be followed by the query's filters and an order. */
    private static final String IDS = "select id from invocations";

    /** Counts by status; the query's filters go in the middle. */
    private static final String COUNT_BY_STATUS = "select status, count(*) from invocations%s group by status";

    private static final String NEWEST_FIRST = " order by id desc limit ?";

    private static final String OLDEST_FIRST = " order by id asc limit ?";

    private static final String FIND = VIEWS + " where id = ?";

    private static final String DETAILS = "select " + COLUMNS
            + ", input, headers, result, result_content_type, idempotency_key from invocations where id = ?";

    private static final String OUTPUT = "select " + COLUMNS + ", result, result_content_type from invocations"
            + " where id = ?";

    static final int MAX_LIMIT = 1000;
    static final int MAX_BULK = 10_000;
    private static final int INPUT_LIMIT = 64 * 1024;

    private final JdbcTemplate jdbc;
    private final RecordHeaders headers;

    private final List<InvocationJournals> journals;

    InvocationReader(JdbcTemplate jdbc, JsonMapper json, List<InvocationJournals> journals) {
        this.jdbc = jdbc;
        this.headers = new RecordHeaders(json);
        this.journals = List.copyOf(journals);
    }

    /** A page of invocations and the cursor of the next page (null on the last page). */
    public record Page(List<InvocationView> invocations, String nextCursor) {
    }

    public Page list(InvocationQuery query) {
        if (query.limit() < 1 || query.limit() > MAX_LIMIT) {
            throw InvalidRequest.of("limit", "limit must be between 1 and %d.".formatted(MAX_LIMIT));
        }
        List<Object> arguments = new ArrayList<>();
        String sql = VIEWS + where(query, arguments, true) + (query.oldestFirst() ? OLDEST_FIRST : NEWEST_FIRST);
        arguments.add(query.limit() + 1);
        List<InvocationView> rows = jdbc.query(sql, InvocationReader::view, arguments.toArray());
        if (rows.size() > query.limit()) {
            List<InvocationView> page = rows.subList(0, query.limit());
            return new Page(List.copyOf(page), page.getLast().id());
        }
        return new Page(rows, null);
    }

    /** Ids matching a query, up to its limit (at most {@value #MAX_BULK}), for bulk actions. */
    public List<String> ids(InvocationQuery query) {
        if (query.limit() < 1 || query.limit() > MAX_BULK) {
            throw InvalidRequest.of("limit", "limit must be between 1 and %d.".formatted(MAX_BULK));
        }
        List<Object> arguments = new ArrayList<>();
        String sql = IDS + where(query, arguments, true) + (query.oldestFirst() ? OLDEST_FIRST : NEWEST_FIRST);
        arguments.add(query.limit());
        return jdbc.queryForList(sql, String.class, arguments.toArray());
    }

    /** How many invocations match the query's filters, by status. */
    public Map<String, Long> countByStatus(InvocationQuery query) {
        List<Object> arguments = new ArrayList<>();
        String sql = COUNT_BY_STATUS.formatted(where(query, arguments, false));
        Map<String, Long> counts = new LinkedHashMap<>();
        for (InvocationStatus status : InvocationStatus.values()) {
            counts.put(status.wire(), 0L);
        }
        jdbc.query(sql, row -> {
            counts.put(row.getString(1), row.getLong(2));
        }, arguments.toArray());
        return counts;
    }

    public Optional<InvocationView> find(String id) {
        return jdbc.query(FIND, InvocationReader::view, id)
                .stream().findFirst();
    }

    public InvocationView get(String id) {
        return find(id).orElseThrow(() -> InvocationNotFound.of(id));
    }

    /** Everything known about one invocation, with its input, headers and result. */
    public InvocationDetails details(String id) {
        InvocationDetails details = jdbc.query(DETAILS, (row, n) -> new InvocationDetails(view(row, n),
                payload(row.getBytes("input")), headers(row.getString("headers")), payload(row.getBytes("result")),
                row.getString("result_content_type"), row.getString("idempotency_key"), null), id)
                .stream().findFirst().orElseThrow(() -> InvocationNotFound.of(id));
        List<InvocationDetails.JournalEntry> journal = new ArrayList<>();
        journals.forEach(source -> journal.addAll(source.journal(id)));
        return journal.isEmpty() ? details : new InvocationDetails(details.invocation(), details.input(),
                details.headers(), details.result(), details.resultContentType(), details.idempotencyKey(), journal);
    }

    /** A completed invocation's outcome, for {@code output} and {@code attach}. */
    public record Output(InvocationView invocation, byte[] result, String contentType) {
    }

    public Output output(String id) {
        return jdbc.query(OUTPUT, (row, n) -> new Output(view(row, n), row.getBytes("result"),
                row.getString("result_content_type")), id)
                .stream().findFirst().orElseThrow(() -> InvocationNotFound.of(id));
    }

    private String where(InvocationQuery query, List<Object> arguments, boolean withCursor) {
        StringBuilder sql = new StringBuilder(" where true");
        filter(sql, arguments, "subscription_id = ?", query.subscription());
        filter(sql, arguments, "service = ?", query.service());
        filter(sql, arguments, "handler = ?", query.handler());
        filter(sql, arguments, "object_key = ?", query.key());
        if (query.status() != null) {
            InvocationStatus status = InvocationStatus.fromWire(query.status()).orElseThrow(() -> InvalidRequest.of(
                    "status", "Status '%s' is not known: use pending, scheduled, ready, running, backing-off, paused,"
                            .formatted(query.status()) + " suspended or completed."));
            filter(sql, arguments, "status = ?", status.wire());
        } else if (query.service() != null) {
            // the target is indexed for completed invocations and for unfinished ones apart; naming both halves
            // lets PostgreSQL read the two indexes instead of the whole table
            sql.append(" and (status = ").append(InvocationStatus.COMPLETED.sql())
                    .append(" or status <> ").append(InvocationStatus.COMPLETED.sql()).append(')');
        }
        if (query.completion() != null) {
            if (!query.completion().equals("success") && !query.completion().equals("failure")) {
                throw InvalidRequest.of("completion", "completion must be success or failure, not '%s'."
                        .formatted(query.completion()));
            }
            filter(sql, arguments, "completion = ?", query.completion());
        }
        // ids carry their creation time, so the primary key serves these filters without an index of its own
        filter(sql, arguments, "id >= ?", query.createdAfter() == null ? null
                : Ids.lowerBound("inv_", query.createdAfter()));
        filter(sql, arguments, "id < ?", query.createdBefore() == null ? null
                : Ids.lowerBound("inv_", query.createdBefore()));
        if (withCursor) {
            filter(sql, arguments, query.oldestFirst() ? "id > ?" : "id < ?", query.cursor());
        }
        return sql.toString();
    }

    private static void filter(StringBuilder sql, List<Object> arguments, String condition, Object value) {
        if (value != null) {
            sql.append(" and ").append(condition);
            arguments.add(value);
        }
    }

    private List<InvocationDetails.Header> headers(String encoded) {
        return headers.decode(encoded).stream().map(header -> {
            InvocationDetails.Payload value = payload(header.value());
            return value == null ? new InvocationDetails.Header(header.name(), null, null)
                    : new InvocationDetails.Header(header.name(), value.text(), value.base64());
        }).toList();
    }

    /** Bytes shown as text when they are UTF-8, otherwise as base64; cut at {@value #INPUT_LIMIT} bytes. */
    static InvocationDetails.Payload payload(byte[] bytes) {
        if (bytes == null) {
            return null;
        }
        boolean truncated = bytes.length > INPUT_LIMIT;
        byte[] shown = truncated ? Arrays.copyOf(bytes, INPUT_LIMIT) : bytes;
        String text = Utf8.decode(shown);
        if (text != null) {
            return new InvocationDetails.Payload(bytes.length, truncated, text, null);
        }
        return new InvocationDetails.Payload(bytes.length, truncated, null, Base64.getEncoder().encodeToString(shown));
    }

    static InvocationView view(ResultSet row, int rowNum) throws SQLException {
        String subscription = row.getString("subscription_id");
        InvocationView.Origin origin = subscription == null
                ? new InvocationView.Origin("rpc", null, null, null, null, null)
                : new InvocationView.Origin("kafka", subscription, row.getString("topic"),
                        row.getInt("kafka_partition"), row.getLong("kafka_offset"), InvocationRows.recordTime(row));
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
