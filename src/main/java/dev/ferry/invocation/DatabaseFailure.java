package dev.ferry.invocation;

import java.sql.SQLException;
import java.sql.SQLNonTransientConnectionException;
import java.sql.SQLRecoverableException;
import java.sql.SQLTransientException;
import java.util.Set;

import org.springframework.dao.DataAccessResourceFailureException;
import org.springframework.dao.RecoverableDataAccessException;
import org.springframework.dao.TransientDataAccessException;
import org.springframework.transaction.TransactionException;

/**
 * Tells a write that failed because PostgreSQL could not be reached or was busy (worth trying again, as it
 * is) from one it refused for what was written (trying again fails the same way), and names the reason.
 */
public final class DatabaseFailure {

    /** SQLState classes of failures that are not about the data: connection, resources, operator, system, rollback. */
    private static final Set<String> TRANSIENT_CLASSES = Set.of("08", "40", "53", "57", "58");

    /** Longest reason kept on an invocation. */
    static final int MAX_REASON = 500;

    private DatabaseFailure() {
    }

    /**
     * Whether the failure says nothing about the rows written, so the same write may succeed later. PostgreSQL's
     * SQLState decides where there is one (Spring files some refusals of the data, such as an index entry that
     * is too large, under resource failures); without one, a failure to reach the database or run a transaction,
     * or a JDBC failure without a SQLState (which PostgreSQL's own refusals always carry).
     */
    public static boolean isTransient(Throwable failure) {
        boolean infrastructure = false;
        for (Throwable cause = failure; cause != null; cause = cause.getCause() == cause ? null : cause.getCause()) {
            if (cause instanceof SQLTransientException || cause instanceof SQLRecoverableException
                    || cause instanceof SQLNonTransientConnectionException) {
                return true;
            }
            if (cause instanceof SQLException sql && sql.getSQLState() != null && sql.getSQLState().length() == 5) {
                String state = sql.getSQLState();
                return TRANSIENT_CLASSES.contains(state.substring(0, 2)) || "55P03".equals(state);
            }
            // PostgreSQL gives every refusal a SQLState: a JDBC failure without one comes from the driver or the
            // pool (a closed connection), whatever the exception that wraps it
            infrastructure |= cause instanceof SQLException || cause instanceof TransactionException
                    || cause instanceof DataAccessResourceFailureException
                    || cause instanceof TransientDataAccessException || cause instanceof RecoverableDataAccessException;
        }
        return infrastructure;
    }

    /**
     * The database's reason in one line: the innermost message's first line (PostgreSQL's own words, without
     * the statement or the values it quotes on later lines) with its SQLState, control characters replaced, at most
     * {@value #MAX_REASON} characters.
     */
    public static String reason(Throwable failure) {
        Throwable innermost = failure;
        while (innermost.getCause() != null && innermost.getCause() != innermost) {
            innermost = innermost.getCause();
        }
        String message = innermost.getMessage() == null ? innermost.getClass().getSimpleName() : innermost.getMessage();
        int newline = message.indexOf('\n');
        String line = (newline < 0 ? message : message.substring(0, newline)).strip();
        if (line.startsWith("ERROR: ")) {
            line = line.substring("ERROR: ".length());
        }
        if (innermost instanceof SQLException sql && sql.getSQLState() != null) {
            line = line + " (SQLState " + sql.getSQLState() + ")";
        }
        StringBuilder clean = new StringBuilder(Math.min(line.length(), MAX_REASON));
        line.codePoints().limit(MAX_REASON).forEach(c -> clean.appendCodePoint(Character.isISOControl(c) ? ' ' : c));
        return clean.toString();
    }
}
