package dev.ferry.invocation;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.SQLException;
import java.sql.SQLTransientConnectionException;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.springframework.dao.DataAccessResourceFailureException;
import org.springframework.dao.DataIntegrityViolationException;
import org.springframework.orm.jpa.JpaSystemException;
import org.springframework.transaction.CannotCreateTransactionException;

class DatabaseFailureTest {

    static Stream<Arguments> failures() {
        return Stream.of(
                Arguments.of("connection lost", sql("08006"), true),
                Arguments.of("serialization failure", sql("40001"), true),
                Arguments.of("too many connections", sql("53300"), true),
                Arguments.of("admin shutdown", sql("57P01"), true),
                Arguments.of("lock not available", sql("55P03"), true),
                Arguments.of("pool timeout", new CannotCreateTransactionException("no connection",
                        new SQLTransientConnectionException("timed out")), true),
                Arguments.of("no SQLState, resource failure", new DataAccessResourceFailureException("down"), true),
                Arguments.of("rollback on a connection the server terminated, translated by the JPA dialect",
                        new JpaSystemException(new RuntimeException("Unable to rollback against JDBC Connection",
                                new SQLException("Connection is closed"))), true),
                Arguments.of("NUL byte", new DataIntegrityViolationException("x", sql("22021")), false),
                Arguments.of("index row too large, filed by Spring as a resource failure",
                        new DataAccessResourceFailureException("x", sql("54000")), false),
                Arguments.of("timestamp out of range", sql("22008"), false),
                Arguments.of("unique violation", sql("23505"), false),
                Arguments.of("not a database failure", new IllegalArgumentException("bad"), false));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("failures")
    void retriesOnlyFailuresThatSayNothingAboutTheData(String name, Exception failure, boolean transientFailure) {
        assertThat(DatabaseFailure.isTransient(failure)).isEqualTo(transientFailure);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("failures")
    void namesTheReasonInOneBoundedLineWithoutControlCharacters(String name, Exception failure, boolean ignored) {
        String reason = DatabaseFailure.reason(new RuntimeException("outer", failure));
        assertThat(reason).isNotBlank().doesNotContain("\n", "\0").hasSizeLessThanOrEqualTo(DatabaseFailure.MAX_REASON);
    }

    @Test
    void keepsPostgresqlsFirstLineOnly() {
        SQLException refused = new SQLException("ERROR: invalid byte sequence for encoding \"UTF8\": 0x00\n"
                + "  Where: unnamed portal parameter $4 = '\0secret'", "22021");
        assertThat(DatabaseFailure.reason(new DataIntegrityViolationException("insert into ...", refused)))
                .isEqualTo("invalid byte sequence for encoding \"UTF8\": 0x00 (SQLState 22021)");
        assertThat(DatabaseFailure.reason(new SQLException("x".repeat(2000) + "\0")))
                .hasSize(DatabaseFailure.MAX_REASON);
    }

    private static SQLException sql(String state) {
        return new SQLException("ERROR: failure " + state + "\nDetail: line two", state);
    }
}
