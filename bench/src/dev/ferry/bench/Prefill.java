package dev.ferry.bench;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;

/**
 * Fills Ferry's invocation table with completed invocations before a scenario, as an installation that has run
 * for a day holds them, and counts the rows Ferry's retention sweep deletes. The rows look like the ones Ferry
 * writes for scenario 1 (a SERVICE handler answering {@code {}} to a 128-byte JSON record), of an earlier
 * subscription on another topic, completed at evenly spread times from 23 h to 1 h before the fill: under
 * Ferry's default retention (24 h) none expires during the scenario, under a retention of 30 min all of them do.
 * Ids are {@code inv_} and 26 digits in insertion order, which sort before Ferry's own (time-ordered) ids; the
 * scenario prints one pre-filled row beside one Ferry wrote, to compare them.
 */
final class Prefill {

    /** Rows per statement, so that a long fill shows its progress. */
    private static final int CHUNK = 1_000_000;
    static final Duration NEWEST = Duration.ofHours(1);
    static final Duration OLDEST = Duration.ofHours(23);

    private static final String INSERT = """
            insert into invocations (id, service, handler, status, completion, input, subscription_id, topic,
                kafka_partition, kafka_offset, kafka_timestamp, kafka_key, attempts, result, result_content_type,
                created_at, modified_at, first_running_at, completed_at)
            select 'inv_00' || lpad(n::text, 24, '0'), 'Bench', 'run', 'completed', 'success',
                   convert_to(rpad('{"i":' || n || ',"k":' || n %% 1000 || ',"s":0,"p":"', 126, 'x') || '"}', 'UTF8'),
                   'sub_0000000000000000prefill', 'bench-prefill', (n %% %1$d)::int, n / %1$d,
                   t - interval '1500 ms', convert_to('key-' || n %% 1000, 'UTF8'), 1, convert_to('{}', 'UTF8'),
                   'application/json', t - interval '40 ms', t, t - interval '40 ms', t
              from (select n, ?::timestamptz + n * ?::double precision * interval '1 microsecond' as t
                      from generate_series(?::bigint, ?::bigint) n) as numbered""";

    /** What the fill took: rows, seconds of the inserts and of the vacuum after them, and the table's size. */
    record Filled(long rows, double fillSeconds, double vacuumSeconds, double sizeGib) {
    }

    private final Database database;

    Prefill(Database database) {
        this.database = database;
    }

    /** Inserts {@code rows} completed invocations over {@code partitions} partitions, then vacuums the table. */
    Filled fill(long rows, int partitions) {
        Instant now = Instant.now();
        Instant oldest = now.minus(OLDEST);
        double stepMicros = rows <= 1 ? 0 : (OLDEST.minus(NEWEST).toNanos() / 1000.0) / (rows - 1);
        long started = System.nanoTime();
        try (Connection connection = database.ferryAdmin();
                PreparedStatement insert = connection.prepareStatement(INSERT.formatted(partitions))) {
            for (long first = 0; first < rows; first += CHUNK) {
                long last = Math.min(rows, first + CHUNK) - 1;
                insert.setTimestamp(1, Timestamp.from(oldest));
                insert.setDouble(2, stepMicros);
                insert.setLong(3, first);
                insert.setLong(4, last);
                insert.executeUpdate();
                System.out.printf("pre-fill: %,d of %,d rows after %.0f s%n", last + 1, rows,
                        (System.nanoTime() - started) / 1e9);
            }
            double fillSeconds = (System.nanoTime() - started) / 1e9;
            long vacuumStarted = System.nanoTime();
            try (Statement statement = connection.createStatement()) {
                statement.execute("vacuum (analyze) invocations");
                statement.execute("checkpoint");
            }
            double vacuumSeconds = (System.nanoTime() - vacuumStarted) / 1e9;
            return new Filled(rows, fillSeconds, vacuumSeconds, single(connection,
                    "select pg_total_relation_size('invocations')") / (1024.0 * 1024 * 1024));
        } catch (SQLException e) {
            throw new IllegalStateException("Cannot pre-fill the invocation table: " + e.getMessage(), e);
        }
    }

    /** Rows deleted from the invocation table so far, as PostgreSQL's statistics have it (about a second late). */
    long deleted() {
        try (Connection connection = database.ferryAdmin()) {
            return single(connection, "select coalesce(sum(n_tup_del), 0) from pg_stat_user_tables "
                    + "where relname = 'invocations'");
        } catch (SQLException e) {
            throw new IllegalStateException("Cannot read the invocation table's statistics: " + e.getMessage(), e);
        }
    }

    /** One pre-filled row and one that Ferry wrote for the subscription, as JSON: do they look alike? */
    String sideBySide(String subscriptionId) {
        try (Connection connection = database.ferryAdmin();
                PreparedStatement statement = connection.prepareStatement("""
                        select (select row_to_json(i)::text from invocations i
                                 where id = 'inv_00' || lpad('0', 24, '0')),
                               (select row_to_json(i)::text from invocations i where subscription_id = ? limit 1)""")) {
            statement.setString(1, subscriptionId);
            try (ResultSet row = statement.executeQuery()) {
                row.next();
                return "pre-filled: " + row.getString(1) + "\nwritten by Ferry: " + row.getString(2);
            }
        } catch (SQLException e) {
            return "(cannot read rows: " + e.getMessage() + ")";
        }
    }

    private static long single(Connection connection, String sql) throws SQLException {
        try (Statement statement = connection.createStatement(); ResultSet row = statement.executeQuery(sql)) {
            row.next();
            return row.getLong(1);
        }
    }
}
