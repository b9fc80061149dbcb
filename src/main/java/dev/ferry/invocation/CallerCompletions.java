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
 * records the callee's outcome, so the result is neither lost nor delivered twice; so do the handlers attached to it.
 * Two statements for a whole batch.
 */
final class CallerCompletions {

    /** The service protocol's AttachInvocationCompletionNotification message type. */
    private static final int ATTACH_COMPLETION = 0x8012;

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

    /**
     * The handlers attached to the completed invocations ({@code ctx.attach}) get the outcome likewise, as an
     * attach completion (0x8012); their registrations leave. The ids are matched against the registrations'
     * primary key, so a batch of outcomes nothing is attached to (nearly all of them) costs one empty index scan,
     * not a look-up of every completed invocation.
     */
    private static final String COMPLETE_ATTACHED = """
            with attached as (
                delete from invocation_attachments a using invocations c
                 where a.target_id = any(?::text[]) and c.id = a.target_id and c.status = %s
                returning a.waiter_id, a.completion_id, c.completion, c.result, c.last_failure, c.failure_reason),
            owed as (
                insert into invocation_completions (invocation_id, due_at, completion_id, notification_type, value,
                                                    failure, created_at)
                select a.waiter_id, ?, a.completion_id, %d,
                       case when a.completion = 'success' then coalesce(a.result, ''::bytea) end,
                       case when a.completion = 'success' then null
                            else coalesce(a.last_failure, a.failure_reason, 'failed') end, ?
                  from attached a join invocations waiter on waiter.id = a.waiter_id
                 where waiter.status <> %s
                returning invocation_id)
            update invocations set status = %s, next_attempt_at = ?, modified_at = ?
             where status = %s and id in (select invocation_id from owed)"""
            .formatted(COMPLETED.sql(), ATTACH_COMPLETION, COMPLETED.sql(), READY.sql(), SUSPENDED.sql());

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
        if (ids.isEmpty()) {
            return 0;
        }
        String[] completed = ids.toArray(String[]::new);
        return jdbc.update(COMPLETE_CALLERS, now, now, completed, now, now)
                + jdbc.update(COMPLETE_ATTACHED, completed, now, now, now, now);
    }
}
