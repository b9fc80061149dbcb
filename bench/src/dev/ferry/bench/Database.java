package dev.ferry.bench;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;

/**
 * The benchmark's PostgreSQL as seen from the orchestrator: gives Ferry a fresh database before each scenario
 * and reads how far a subscription's invocations have got. Counting is only done near the end of a scenario,
 * so that it barely adds to the CPU measured for PostgreSQL.
 */
final class Database {

    static final String FERRY_DATABASE = "ferry";
    static final String FERRY_USER = "ferry";
    static final String FERRY_PASSWORD = "ferry";
    private static final String ADMIN_USER = "bench";
    private static final String ADMIN_PASSWORD = "bench";

    private final int port;

    Database(int port) {
        this.port = port;
    }

    String ferryUrl() {
        return url(FERRY_DATABASE);
    }

    private String url(String database) {
        return "jdbc:postgresql://127.0.0.1:" + port + "/" + database;
    }

    /** Drops Ferry's database and creates it empty (Ferry's migrations then create the schema). */
    void recreateFerryDatabase() {
        try (Connection connection = DriverManager.getConnection(url("postgres"), ADMIN_USER, ADMIN_PASSWORD);
                Statement statement = connection.createStatement()) {
            statement.execute("drop database if exists " + FERRY_DATABASE + " with (force)");
            statement.execute("create database " + FERRY_DATABASE + " owner " + FERRY_USER);
            // start each scenario with no dirty buffers left by the one before
            statement.execute("checkpoint");
        } catch (SQLException e) {
            throw new IllegalStateException("Cannot recreate database " + FERRY_DATABASE + ": " + e.getMessage(), e);
        }
    }

    String version() {
        try (Connection connection = DriverManager.getConnection(url("postgres"), ADMIN_USER, ADMIN_PASSWORD);
                Statement statement = connection.createStatement();
                ResultSet row = statement.executeQuery("show server_version")) {
            row.next();
            return "PostgreSQL " + row.getString(1);
        } catch (SQLException e) {
            return "PostgreSQL (version unknown: " + e.getMessage() + ")";
        }
    }

    /** Opens a connection to Ferry's database as the benchmark's superuser. */
    Connection ferryAdmin() throws SQLException {
        return DriverManager.getConnection(ferryUrl(), ADMIN_USER, ADMIN_PASSWORD);
    }

    /** Opens a connection to Ferry's database for reading progress. */
    Progress progress() {
        try {
            return new Progress(DriverManager.getConnection(ferryUrl(), ADMIN_USER, ADMIN_PASSWORD));
        } catch (SQLException e) {
            throw new IllegalStateException("Cannot connect to " + ferryUrl() + ": " + e.getMessage(), e);
        }
    }

    /** How far the invocations of one subscription have got. */
    static final class Progress implements AutoCloseable {

        private final Connection connection;

        private Progress(Connection connection) {
            this.connection = connection;
        }

        long completed(String subscriptionId) {
            return single("select count(*) from invocations where subscription_id = ? and status = 'completed'",
                    subscriptionId);
        }

        long suspended() {
            try (PreparedStatement statement = connection.prepareStatement(
                    "select count(*) from invocations where status = 'suspended'");
                    ResultSet row = statement.executeQuery()) {
                row.next();
                return row.getLong(1);
            } catch (SQLException e) {
                throw new IllegalStateException("Cannot read progress: " + e.getMessage(), e);
            }
        }

        long stored(String subscriptionId) {
            return single("select count(*) from invocations where subscription_id = ?", subscriptionId);
        }

        long failed(String subscriptionId) {
            return single("select count(*) from invocations where subscription_id = ? and completion = 'failure'",
                    subscriptionId);
        }

        /** When the last invocation of the subscription completed, in epoch milliseconds; 0 if none did. */
        long lastCompletedAtMillis(String subscriptionId) {
            return single("""
                    select coalesce((extract(epoch from max(completed_at)) * 1000)::bigint, 0)
                      from invocations where subscription_id = ? and status = 'completed'""", subscriptionId);
        }

        private long single(String sql, String subscriptionId) {
            try (PreparedStatement statement = connection.prepareStatement(sql)) {
                statement.setString(1, subscriptionId);
                try (ResultSet row = statement.executeQuery()) {
                    row.next();
                    return row.getLong(1);
                }
            } catch (SQLException e) {
                throw new IllegalStateException("Cannot read progress: " + e.getMessage(), e);
            }
        }

        @Override
        public void close() {
            try {
                connection.close();
            } catch (SQLException e) {
                // nothing left to do with a connection that cannot close
            }
        }
    }

    /** Starts sampling how many invocations are suspended at once, every 100 ms until closed. */
    SuspendedPeak suspendedPeak() {
        return new SuspendedPeak(progress());
    }

    /** The most invocations seen suspended at once while it ran. */
    static final class SuspendedPeak implements AutoCloseable {

        private final Progress progress;
        private final Thread sampler;
        private volatile long peak;
        private volatile boolean running = true;

        private SuspendedPeak(Progress progress) {
            this.progress = progress;
            this.sampler = Thread.ofPlatform().daemon().name("bench-suspended").start(this::sample);
        }

        long peak() {
            return peak;
        }

        private void sample() {
            while (running) {
                try {
                    peak = Math.max(peak, progress.suspended());
                    Thread.sleep(100);
                } catch (InterruptedException e) {
                    return;
                } catch (IllegalStateException e) {
                    // the database went away with the scenario
                    return;
                }
            }
        }

        @Override
        public void close() {
            running = false;
            sampler.interrupt();
            try {
                sampler.join(1000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            progress.close();
        }
    }
}
