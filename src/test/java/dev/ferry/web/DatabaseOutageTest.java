package dev.ferry.web;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.ConnectException;
import java.sql.SQLException;
import java.sql.SQLTransientConnectionException;
import java.util.stream.Stream;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.springframework.dao.DataIntegrityViolationException;
import org.springframework.jdbc.CannotGetJdbcConnectionException;
import org.springframework.orm.jpa.JpaSystemException;
import org.springframework.transaction.CannotCreateTransactionException;
import org.springframework.transaction.TransactionSystemException;

class DatabaseOutageTest {

    static Stream<Arguments> failures() {
        TransactionSystemException rollbackFailed = new TransactionSystemException("rollback failed");
        rollbackFailed.initApplicationException(new SQLException("terminating connection", "57P01"));
        return Stream.of(
                Arguments.of("no connection from the pool", new CannotGetJdbcConnectionException("x",
                        new SQLTransientConnectionException("timed out")), true),
                Arguments.of("no transaction", new CannotCreateTransactionException("x"), true),
                Arguments.of("connection refused", new IllegalStateException(new ConnectException("refused")), true),
                Arguments.of("connection exception state", new SQLException("x", "08006"), true),
                Arguments.of("administrator shutdown", new SQLException("x", "57P01"), true),
                Arguments.of("rollback on a dead connection", new JpaSystemException(
                        new RuntimeException(new SQLException("Connection is closed"))), true),
                Arguments.of("rollback failure over the outage", rollbackFailed, true),
                Arguments.of("constraint violation", new DataIntegrityViolationException("x",
                        new SQLException("duplicate", "23505")), false),
                Arguments.of("a bug", new NullPointerException(), false));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("failures")
    void tellsAnUnreachableDatabaseApartFromOtherFailures(String name, Exception failure, boolean outage) {
        assertThat(DatabaseOutage.causedBy(failure)).isEqualTo(outage);
    }
}
