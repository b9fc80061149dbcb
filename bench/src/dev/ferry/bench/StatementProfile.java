package dev.ferry.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Where PostgreSQL's share of a scenario goes: the statements by total execution time (from the
 * {@code pg_stat_statements} extension, which {@code bench/run} preloads), and the commits and WAL per
 * completed record. Counters are reset when a scenario's window opens and read when it closes; the profile
 * goes to {@code logs/postgresql-s<N>.txt} beside the scenario's logs.
 */
final class StatementProfile {

    private static final String ADMIN_USER = "bench";
    private static final String ADMIN_PASSWORD = "bench";
    private static final int TOP = 20;

    private final String url;
    private final boolean available;

    StatementProfile(int port) {
        this.url = "jdbc:postgresql://127.0.0.1:" + port + "/postgres";
        this.available = install();
    }

    private boolean install() {
        try (Connection connection = connect(); Statement statement = connection.createStatement()) {
            statement.execute("create extension if not exists pg_stat_statements");
            return true;
        } catch (SQLException e) {
            System.err.println("PostgreSQL statement profile not available: " + e.getMessage());
            return false;
        }
    }

    /** Starts counting afresh: statements, WAL and the databases' commit counters. */
    Totals reset() {
        if (!available) {
            return Totals.NONE;
        }
        try (Connection connection = connect(); Statement statement = connection.createStatement()) {
            statement.execute("select pg_stat_statements_reset()");
            return totals(statement);
        } catch (SQLException e) {
            System.err.println("Cannot reset PostgreSQL's statement statistics: " + e.getMessage());
            return Totals.NONE;
        }
    }

    /** Writes the profile of what ran since {@link #reset}; returns its one-line summary (null if none). */
    String write(Path file, Totals before, long records) {
        if (!available || before == Totals.NONE || records <= 0) {
            return null;
        }
        try (Connection connection = connect(); Statement statement = connection.createStatement()) {
            Totals after = totals(statement);
            double commits = (after.commits() - before.commits()) / (double) records;
            double walBytes = (after.walBytes() - before.walBytes()) / (double) records;
            double walSyncs = (after.walSyncs() - before.walSyncs()) / (double) records;
            List<String> lines = new ArrayList<>();
            String summary = String.format(Locale.ROOT,
                    "per record: %.2f commits, %.2f WAL flushes, %.0f WAL bytes", commits, walSyncs, walBytes);
            lines.add("PostgreSQL, " + records + " records; " + summary);
            lines.add("");
            lines.add(String.format(Locale.ROOT, "%8s %10s %8s %9s %10s  %s", "exec %", "calls/rec", "rows/call",
                    "mean ms", "total ms", "statement"));
            try (ResultSet rows = statement.executeQuery("""
                    select calls, rows, total_exec_time, mean_exec_time,
                           100 * total_exec_time / nullif(sum(total_exec_time) over (), 0) as share,
                           regexp_replace(query, '\\s+', ' ', 'g') as query
                      from pg_stat_statements
                     where dbid = (select oid from pg_database where datname = 'ferry')
                     order by total_exec_time desc limit %d""".formatted(TOP))) {
                while (rows.next()) {
                    String query = rows.getString("query");
                    lines.add(String.format(Locale.ROOT, "%8.1f %10.3f %8.1f %9.3f %10.0f  %s",
                            rows.getDouble("share"), rows.getLong("calls") / (double) records,
                            rows.getLong("rows") / Math.max(1.0, rows.getLong("calls")),
                            rows.getDouble("mean_exec_time"), rows.getDouble("total_exec_time"),
                            query.length() > 240 ? query.substring(0, 240) + " ..." : query));
                }
            }
            Files.write(file, lines);
            return summary;
        } catch (SQLException | IOException e) {
            System.err.println("Cannot write PostgreSQL's statement profile: " + e.getMessage());
            return null;
        }
    }

    private static Totals totals(Statement statement) throws SQLException {
        try (ResultSet row = statement.executeQuery("""
                select (select xact_commit from pg_stat_database where datname = 'ferry'),
                       wal_bytes, wal_sync from pg_stat_wal""")) {
            row.next();
            return new Totals(row.getLong(1), row.getLong(2), row.getLong(3));
        }
    }

    private Connection connect() throws SQLException {
        return DriverManager.getConnection(url, ADMIN_USER, ADMIN_PASSWORD);
    }

    /** Counters at one moment: the Ferry database's commits, and the cluster's WAL bytes and flushes. */
    record Totals(long commits, long walBytes, long walSyncs) {

        static final Totals NONE = new Totals(-1, -1, -1);
    }
}
