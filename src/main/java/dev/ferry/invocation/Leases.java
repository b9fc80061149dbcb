package dev.ferry.invocation;

import static dev.ferry.invocation.InvocationStatus.READY;
import static dev.ferry.invocation.InvocationStatus.RUNNING;

import java.sql.PreparedStatement;
import java.time.Clock;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.Collection;

import org.springframework.jdbc.core.ConnectionCallback;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * The leases of running invocations: renewed by their owner, taken over once they run out, handed back at stop.
 * Renewal and take-over skip rows another transaction holds (an outcome being written locks its row): waiting for
 * them could deadlock with a batch that locks the same rows in another order, and a row being completed needs no
 * lease; one still running after that transaction is renewed or taken over on the next round.
 */
final class Leases {

    private static final String RENEW = """
            update invocations set lease_until = ?
             where id in (select id from invocations
                           where status = %s and lease_owner = ? and id = any(?::text[])
                           for update skip locked)""".formatted(RUNNING.sqlAtRunTime());

    private static final String RECOVER_EXPIRED = """
            update invocations set status = %s, next_attempt_at = ?, lease_owner = null, lease_until = null,
                   modified_at = ?
             where id in (select id from invocations
                           where status = %s and lease_until < ?
                             and not (lease_owner is not distinct from ? and id = any(?::text[]))
                           for update skip locked)"""
            .formatted(READY.sql(), RUNNING.sql());

    private static final String RELEASE = """
            update invocations set status = %s, next_attempt_at = ?, lease_owner = null, lease_until = null,
                   modified_at = ?
             where status = %s and lease_owner = ?""".formatted(READY.sql(), RUNNING.sql());

    private final JdbcTemplate jdbc;
    private final Clock clock;

    Leases(JdbcTemplate jdbc, Clock clock) {
        this.jdbc = jdbc;
        this.clock = clock;
    }

    int renew(String owner, Collection<String> inFlight, Duration lease) {
        Integer renewed = jdbc.execute((ConnectionCallback<Integer>) connection -> {
            try (PreparedStatement statement = connection.prepareStatement(RENEW)) {
                statement.setObject(1, StoredTimes.timestamp(clock.instant()).plus(lease));
                statement.setString(2, owner);
                statement.setArray(3, connection.createArrayOf("text", inFlight.toArray()));
                return statement.executeUpdate();
            }
        });
        return renewed == null ? 0 : renewed;
    }

    int recoverExpired(String self, Collection<String> inFlight) {
        OffsetDateTime now = StoredTimes.timestamp(clock.instant());
        return jdbc.update(RECOVER_EXPIRED, now, now, now, self, inFlight.toArray(String[]::new));
    }

    int release(String owner) {
        OffsetDateTime now = StoredTimes.timestamp(clock.instant());
        return jdbc.update(RELEASE, now, now, owner);
    }
}
