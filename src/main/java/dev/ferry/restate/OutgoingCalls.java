package dev.ferry.restate;

import java.sql.Timestamp;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;

import dev.ferry.invocation.FailureReason;
import dev.ferry.invocation.InvocationStore;
import dev.ferry.invocation.NewInvocation;
import dev.ferry.invocation.Submissions;
import dev.ferry.service.HandlerTarget;
import dev.ferry.service.ServiceRegistry;

/**
 * Creates the invocations handlers ask for (calls and sends), inside the transaction that stores their commands,
 * so a crash neither loses nor doubles one. The target may be any handler registered in Ferry, plain HTTP or SDK.
 * A call links the callee to its caller ({@code invocations.caller_id}), so the callee's outcome completes the
 * caller's journal when it is recorded. A call Ferry can refuse at once (no such handler, an exclusive handler of
 * the caller's own object, which would wait for the caller forever, a workflow run whose key ran already)
 * completes the caller with a terminal failure; a refused send is stored failed (a duplicate run as a duplicate).
 */
@Component
class OutgoingCalls {

    private final ServiceRegistry services;
    private final InvocationStore invocations;
    private final JdbcTemplate jdbc;

    OutgoingCalls(ServiceRegistry services, InvocationStore invocations, JdbcTemplate jdbc) {
        this.services = services;
        this.invocations = invocations;
        this.jdbc = jdbc;
    }

    /** Creates the callees of {@code callerId}'s new commands; runs inside the caller's transaction. */
    void create(String callerId, List<OutgoingCall> calls, Instant now) {
        if (calls.isEmpty()) {
            return;
        }
        List<String> keys = jdbc.queryForList("select exclusive_key from invocations where id = ?", String.class,
                callerId);
        String callerKey = keys.isEmpty() ? null : keys.getFirst();
        for (OutgoingCall call : calls) {
            Optional<HandlerTarget> found = services.findTarget(call.service(), call.handler());
            if (found.isEmpty()) {
                refuse(callerId, call, now, "no handler " + call.service() + "/" + call.handler()
                        + " is registered in Ferry");
                continue;
            }
            HandlerTarget target = found.get();
            String key = target.keyed() ? call.key() : null;
            if (call.awaitsResult() && target.exclusive() && callerKey != null
                    && callerKey.equals(call.service() + '/' + key)) {
                refuse(callerId, call, now, "the exclusive handler " + call.target() + " was called by an exclusive"
                        + " handler of the same object, which holds the object until the call returns: it would"
                        + " wait forever; make one of the two handlers shared, or send instead of calling");
                continue;
            }
            if (target.workflowRun() && ranBefore(call.service(), key)) {
                refuse(callerId, call, now, FailureReason.DUPLICATE, "workflow " + call.service()
                        + " already ran for key '" + key + "'; a workflow runs once per key");
                continue;
            }
            submit(callerId, call, target, key, now);
        }
    }

    /** Whether a workflow's run handler ran for the key already (its run is kept until retention purges it). */
    private boolean ranBefore(String service, String key) {
        return !jdbc.queryForList("select 1 from invocations where workflow_key = ?", Integer.class,
                service + '/' + key).isEmpty();
    }

    private void submit(String callerId, OutgoingCall call, HandlerTarget target, String key, Instant now) {
        NewInvocation invocation = Submissions.of(target, call.calleeId(), key, call.parameter());
        if (call.idempotencyKey() != null && !call.idempotencyKey().isEmpty()) {
            invocation = invocation.withIdempotencyKey(call.idempotencyKey());
        }
        if (call.invokeAt() != null && call.invokeAt().isAfter(now)) {
            invocation = invocation.notBefore(call.invokeAt());
        }
        InvocationStore.Submitted submitted = invocations.submit(invocation);
        if (!call.awaitsResult()) {
            return;
        }
        int linked = jdbc.update("""
                update invocations set caller_id = ?, caller_completion_id = ?
                 where id = ? and caller_id is null and status <> 'completed'""",
                callerId, call.resultCompletionId(), submitted.id());
        if (linked == 0) {
            // an earlier invocation with the same idempotency key: its result if it has one, else a refusal
            int owed = jdbc.update("""
                    insert into invocation_completions (invocation_id, due_at, completion_id, value, failure,
                                                        created_at)
                    select ?, ?, ?, case when completion = 'success' then coalesce(result, ''::bytea) end,
                           case when completion = 'success' then null else coalesce(last_failure, 'failed') end, ?
                      from invocations where id = ? and status = 'completed'""",
                    callerId, Timestamp.from(now), call.resultCompletionId(), Timestamp.from(now), submitted.id());
            if (owed == 0) {
                refuse(callerId, call, now, "the invocation " + submitted.id() + " with idempotency key "
                        + call.idempotencyKey() + " is already awaited by another caller");
            }
        }
    }

    /**
     * Completes the caller's call with a terminal failure; a refused send is stored as an invocation failed at
     * once, so it can be seen (and restarted once its handler is registered).
     */
    private void refuse(String callerId, OutgoingCall call, Instant now, String why) {
        refuse(callerId, call, now, FailureReason.HANDLER_ERROR, why);
    }

    private void refuse(String callerId, OutgoingCall call, Instant now, FailureReason reason, String why) {
        if (!call.awaitsResult()) {
            invocations.submit(NewInvocation.failed(call.calleeId(), call.service(), call.handler(),
                    call.key().isEmpty() ? null : call.key(), call.parameter(), List.of(), null,
                    reason, "sent by " + callerId + ", but " + why));
            return;
        }
        jdbc.update("""
                insert into invocation_completions (invocation_id, due_at, completion_id, failure, created_at)
                values (?, ?, ?, ?, ?)""", callerId, Timestamp.from(now), call.resultCompletionId(),
                "call to " + call.target() + " refused: " + why, Timestamp.from(now));
    }
}
