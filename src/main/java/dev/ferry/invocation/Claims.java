package dev.ferry.invocation;

import static dev.ferry.invocation.InvocationStatus.READY;
import static dev.ferry.invocation.InvocationStatus.RUNNABLE;
import static dev.ferry.invocation.InvocationStatus.RUNNING;

import java.time.Clock;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.Set;

import org.springframework.jdbc.core.JdbcTemplate;

/** Claims runnable invocations for an instance under a lease, and hands claims back unstarted. */
final class Claims {

    private static final String CLAIM = """
            update invocations i
               set status = %s, attempts = i.attempts + 1, lease_owner = ?, lease_until = ?,
                   first_running_at = coalesce(i.first_running_at, ?), modified_at = ?
              from (select id from invocations
                     where status in (%s) and next_attempt_at <= ?
                       and (subscription_id is null or not subscription_id = any(?::text[]))
                     order by next_attempt_at
                     limit ?
                     for update skip locked) c
             where i.id = c.id
            returning %s""".formatted(RUNNING.sql(), InvocationStatus.sql(RUNNABLE), InvocationRows.CLAIMED_COLUMNS);

    private static final String UNCLAIM = """
            update invocations set status = %s, attempts = attempts - 1, lease_owner = null, lease_until = null
             where id = any(?::text[]) and status = %s and lease_owner = ?""".formatted(READY.sql(), RUNNING.sql());

    private final JdbcTemplate jdbc;
    private final RecordHeaders headers;
    private final Clock clock;

    Claims(JdbcTemplate jdbc, RecordHeaders headers, Clock clock) {
        this.jdbc = jdbc;
        this.headers = headers;
        this.clock = clock;
    }

    List<ClaimedInvocation> claim(String owner, int max, Duration lease, Set<String> skippedSubscriptions) {
        OffsetDateTime now = StoredTimes.timestamp(clock.instant());
        return jdbc.query(CLAIM, InvocationRows.claimed(headers), owner, now.plus(lease), now, now, now,
                skippedSubscriptions.toArray(String[]::new), max);
    }

    void unclaim(String owner, List<String> ids) {
        if (!ids.isEmpty()) {
            jdbc.update(UNCLAIM, ids.toArray(String[]::new), owner);
        }
    }
}
