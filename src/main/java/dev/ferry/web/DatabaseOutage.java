package dev.ferry.web;

import java.net.ConnectException;
import java.sql.SQLException;
import java.sql.SQLTransientConnectionException;

import org.springframework.dao.DataAccessResourceFailureException;
import org.springframework.transaction.CannotCreateTransactionException;
import org.springframework.transaction.TransactionSystemException;

/**
 * Tells an unreachable database apart from other failures, whichever layer wrapped it (JDBC, JPA or the
 * transaction manager): such a request may succeed when tried again, so it answers 503, not 500.
 */
final class DatabaseOutage {

    /** How soon a client may try again, in seconds, as Retry-After says it. */
    static final int RETRY_AFTER_SECONDS = 5;

    private DatabaseOutage() {
    }

    static boolean causedBy(Throwable failure) {
        for (Throwable cause = failure; cause != null; cause = cause.getCause() == cause ? null : cause.getCause()) {
            if (cause instanceof DataAccessResourceFailureException || cause instanceof CannotCreateTransactionException
                    || cause instanceof SQLTransientConnectionException || cause instanceof ConnectException) {
                return true;
            }
            if (cause instanceof SQLException sql && (unavailable(sql.getSQLState()) || closed(sql.getMessage()))) {
                return true;
            }
            if (cause instanceof TransactionSystemException rollback && rollback.getApplicationException() != null
                    && causedBy(rollback.getApplicationException())) {
                return true;
            }
        }
        return false;
    }

    /** Connection exceptions (class 08), shutdown and start-up (57P01-57P03), too many connections (53300). */
    private static boolean unavailable(String state) {
        return state != null && (state.startsWith("08") || state.equals("57P01") || state.equals("57P02")
                || state.equals("57P03") || state.equals("53300"));
    }

    /**
     * A connection that died under the request: the pool says so without a SQL state, and when the
     * rollback fails on it, the rollback's failure is the one that reaches the handler.
     */
    private static boolean closed(String message) {
        return message != null && (message.equals("Connection is closed")
                || message.equals("This connection has been closed."));
    }
}
