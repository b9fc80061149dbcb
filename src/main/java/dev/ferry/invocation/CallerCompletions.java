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
 * A few statements for a whole batch, and one empty look-up for a batch that nothing waits for.
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
     * Whether anything is attached to one of the completed invocations: a look-up of the registrations' primary key
     * alone, so a batch of outcomes nothing is attached to (nearly all of them) costs one empty index scan. The
     * statement below joins the invocations too, and PostgreSQL may plan that join from the invocations' side (a
     * scan of the whole table for every batch) while the registrations' table is still empty and never analysed.
     */
    private static final String ANY_ATTACHED =
            "select exists (select 1 from invocation_attachments where target_id = any(?::text[]))";

    /**
     * The handlers attached to the completed invocations ({@code ctx.attach}) get the outcome likewise, as an
     * attach completion (0x8012); their registrations leave. A target's registration either commits before the
     * transaction completing it updates the target's row (it holds the row's share lock) and is seen here, or
     * reads the target as completed after that transaction commits and is answered at once.
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
        return completed(ids, ids, now);
    }

    /**
     * Like {@link #completed(List, OffsetDateTime)}, when the transaction knows which of the {@code ids} may have a
     * caller ({@code withCallers}, those it completed with {@code caller_id} set, or any it cannot tell of): the
     * callers' statement looks up only those, and none when there are none. Attached handlers are looked up for all.
     */
    int completed(List<String> ids, List<String> withCallers, OffsetDateTime now) {
        if (ids.isEmpty()) {
            return 0;
        }
        int woken = withCallers.isEmpty() ? 0
                : jdbc.update(COMPLETE_CALLERS, now, now, withCallers.toArray(String[]::new), now, now);
        String[] completed = ids.toArray(String[]::new);
        if (Boolean.TRUE.equals(jdbc.queryForObject(ANY_ATTACHED, Boolean.class, (Object) completed))) {
            woken += jdbc.update(COMPLETE_ATTACHED, completed, now, now, now, now);
        }
        return woken;
    }
}
