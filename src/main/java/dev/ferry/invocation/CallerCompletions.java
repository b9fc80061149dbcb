package dev.ferry.invocation;

import static dev.ferry.invocation.InvocationStatus.COMPLETED;
import static dev.ferry.invocation.InvocationStatus.READY;
import static dev.ferry.invocation.InvocationStatus.SUSPENDED;

import java.time.OffsetDateTime;
import java.util.List;

import org.springframework.jdbc.core.JdbcTemplate;

/**
 * Completes the callers of invocations that completed: a handler that called another one and waits for its result
 * gets the callee's result (or failure) among its completions, and wakes up if suspended, in the transaction that
 * records the callee's outcome, so the result is neither lost nor delivered twice. One statement for a whole batch.
 */
final class CallerCompletions {

    private static final String COMPLETE_CALLERS = """
            with owed as (
                insert into invocation_completions (invocation_id, due_at, completion_id, value, failure, created_at)
                select c.caller_id, ?, c.caller_completion_id,
                       case when c.completion = 'success' then coalesce(c.result, ''::bytea) end,
                       case when c.completion = 'success' then null
                            else coalesce(c.last_failure, c.failure_reason, 'failed') end, ?
                  from invocations c join invocations caller on caller.id = c.caller_id
                 where c.id = any(?) and c.caller_id is not null and c.status = %s and caller.status <> %s
                returning invocation_id)
            update invocations set status = %s, next_attempt_at = ?, modified_at = ?
             where status = %s and id in (select invocation_id from owed)"""
            .formatted(COMPLETED.sql(), COMPLETED.sql(), READY.sql(), SUSPENDED.sql());

    private final JdbcTemplate jdbc;

    CallerCompletions(JdbcTemplate jdbc) {
        this.jdbc = jdbc;
    }

    /**
     * Adds the outcomes of the completed {@code ids} to their callers' completions; runs inside the transaction that
     * completed them.
     *
     * @return how many suspended callers woke up
     */
    int completed(List<String> ids, OffsetDateTime now) {
        return ids.isEmpty() ? 0 : jdbc.update(COMPLETE_CALLERS, now, now, ids.toArray(String[]::new), now, now);
    }
}
