package dev.ferry.invocation;

import static dev.ferry.invocation.InvocationStatus.BACKING_OFF;
import static dev.ferry.invocation.InvocationStatus.COMPLETED;
import static dev.ferry.invocation.InvocationStatus.PAUSED;
import static dev.ferry.invocation.InvocationStatus.READY;
import static dev.ferry.invocation.InvocationStatus.RUNNING;
import static dev.ferry.invocation.InvocationStatus.SUSPENDED;

import java.time.Clock;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Service;
import org.springframework.transaction.support.TransactionTemplate;

import dev.ferry.service.HandlerTarget;
import dev.ferry.service.ServiceRegistry;
import dev.ferry.shared.Ids;
import dev.ferry.web.FerryException;

/**
 * What operators do to invocations: cancel, kill, pause, resume, restart and purge. Each action checks
 * the current status under a row lock and refuses with {@link InvocationStateConflict} when the status
 * does not allow it. Ending an exclusive invocation lets the next one of its key run.
 */
@Service
public class InvocationSteering {

    private static final Logger log = LoggerFactory.getLogger(InvocationSteering.class);

    /** Ends an invocation that has not completed, as the operator's action says. */
    private static final String END = """
            update invocations set status = %s, completion = 'failure', failure_reason = ?,
                   last_failure = coalesce(last_failure, ?), completed_at = ?, modified_at = ?,
                   lease_owner = null, lease_until = null, next_attempt_at = null
             where id = ?""".formatted(COMPLETED.sql());

    private static final String TRANSITION = """
            update invocations set status = ?, next_attempt_at = ?, modified_at = ? where id = ?""";

    private static final String TARGET_AND_INPUT =
            "select service, handler, object_key, input from invocations where id = ?";

    /** An invocation goes with its journal (an SDK invocation's; the journal has no foreign key to cascade). */
    private static final String PURGE = """
            with gone as (
                delete from invocations where id = ?
                returning id, workflow_key is not null as run, service, object_key),
            journals as (
                delete from journal_segments where invocation_id in (select id from gone))
            select run, service, object_key from gone""";

    private static final String LOCK =
            "select status, exclusive_key, service, handler from invocations where id = ? for update";

    /** The statuses in which a cancel signal reaches the handler; cancel ends others at once. */
    private static final Set<InvocationStatus> SIGNALLED = EnumSet.of(READY, RUNNING, BACKING_OFF, SUSPENDED);

    /** Row state read under lock before an action. */
    private record Current(InvocationStatus status, String exclusiveKey, String service, String handler) {
    }

    private final JdbcTemplate jdbc;
    private final TransactionTemplate transactions;
    private final InvocationStore store;
    private final InvocationReader reader;
    private final CompletionMeter completions;
    private final ServiceRegistry services;
    private final ApplicationEventPublisher events;
    private final List<CancelSignals> cancelSignals;
    private final Clock clock;

    InvocationSteering(JdbcTemplate jdbc, TransactionTemplate transactions, InvocationStore store,
            InvocationReader reader, ServiceRegistry services, ApplicationEventPublisher events,
            List<CancelSignals> cancelSignals, Clock clock, CompletionMeter completions) {
        this.completions = completions;
        this.jdbc = jdbc;
        this.transactions = transactions;
        this.store = store;
        this.reader = reader;
        this.services = services;
        this.events = events;
        this.cancelSignals = List.copyOf(cancelSignals);
        this.clock = clock;
    }

    /**
     * Applies an action to one invocation.
     *
     * @return the id of the invocation the action produced: the same one, or a new one for restart
     */
    public String apply(String id, SteeringAction action) {
        return switch (action) {
            case CANCEL -> cancel(id);
            case KILL -> end(id, FailureReason.KILLED, "kill");
            case PAUSE -> pause(id);
            case RESUME -> resume(id);
            case RESTART -> restart(id);
            case PURGE -> purge(id);
        };
    }

    /**
     * Cancels an invocation: sends the cancel signal where its protocol has one and its handler may still see it
     * (running, waiting to run or suspended), so the handler ends itself and may compensate; ends it at once
     * otherwise.
     */
    private String cancel(String id) {
        Boolean signalled = transactions.execute(status -> {
            Current before = lock(id);
            if (before.status() == COMPLETED) {
                throw InvocationStateConflict.of(id, "cancel", before.status().wire(), "not yet completed");
            }
            return SIGNALLED.contains(before.status()) && cancelSignals.stream()
                    .anyMatch(signals -> signals.signal(id, before.service(), before.handler()));
        });
        if (Boolean.TRUE.equals(signalled)) {
            events.publishEvent(new InvocationsEnqueued(1));
            log.info("Invocation {} asked to cancel", id);
            return id;
        }
        return end(id, FailureReason.CANCELLED, "cancel");
    }

    private String end(String id, FailureReason reason, String action) {
        OffsetDateTime now = StoredTimes.timestamp(clock.instant());
        Current current = transactions.execute(status -> {
            Current before = lock(id);
            if (before.status() == COMPLETED) {
                throw InvocationStateConflict.of(id, action, before.status().wire(), "not yet completed");
            }
            jdbc.update(END, reason.wire(), action + "ed by an operator", now, now, id);
            new CallerCompletions(jdbc).completed(List.of(id), now);
            return before;
        });
        if (current.exclusiveKey() != null) {
            store.promote(Set.of(current.exclusiveKey()));
        }
        completions.completed(current.service(), current.handler(), reason, 1);
        events.publishEvent(new InvocationAborted(id));
        events.publishEvent(new InvocationsCompleted(List.of(id)));
        if (current.exclusiveKey() != null) {
            events.publishEvent(new ExclusiveKeyReleased(current.exclusiveKey()));
        }
        log.info("Invocation {} {} while {}", id, reason.wire(), current.status().wire());
        return id;
    }

    private String pause(String id) {
        transition(id, "pause", EnumSet.of(READY, BACKING_OFF), "ready or backing-off", PAUSED, null);
        return id;
    }

    private String resume(String id) {
        transition(id, "resume", EnumSet.of(PAUSED, BACKING_OFF, SUSPENDED), "paused, backing-off or suspended",
                READY,
                StoredTimes.timestamp(clock.instant()));
        events.publishEvent(new InvocationsEnqueued(1));
        return id;
    }

    private void transition(String id, String action, Set<InvocationStatus> from, String allowed,
            InvocationStatus to, OffsetDateTime nextAttempt) {
        OffsetDateTime now = StoredTimes.timestamp(clock.instant());
        transactions.executeWithoutResult(status -> {
            Current before = lock(id);
            if (!from.contains(before.status())) {
                throw InvocationStateConflict.of(id, action, before.status().wire(), allowed);
            }
            jdbc.update(TRANSITION, to.wire(), nextAttempt, now, id);
        });
        log.info("Invocation {} {}d", id, action);
    }

    private String restart(String id) {
        Map<String, Object> row = transactions.execute(status -> {
            Current before = lock(id);
            if (before.status() != COMPLETED) {
                throw InvocationStateConflict.of(id, "restart", before.status().wire(), COMPLETED.wire());
            }
            return jdbc.queryForMap(TARGET_AND_INPUT, id);
        });
        String service = (String) row.get("service");
        String handler = (String) row.get("handler");
        HandlerTarget target = services.findTarget(service, handler)
                .orElseThrow(() -> InvocationStateConflict.of(id, "restart", "completed, and its handler " + service
                        + "/" + handler + " is no longer registered", "of a registered handler"));
        NewInvocation restarted = Submissions.of(target, Ids.next("inv_", clock.instant()),
                (String) row.get("object_key"), (byte[]) row.get("input"));
        String newId = store.submit(restarted).id();
        log.info("Invocation {} restarted as {}", id, newId);
        return newId;
    }

    private String purge(String id) {
        transactions.executeWithoutResult(status -> {
            Current before = lock(id);
            if (before.status() != COMPLETED) {
                throw InvocationStateConflict.of(id, "purge", before.status().wire(), COMPLETED.wire());
            }
            // a workflow's run takes its state and promises with it, as retention does
            jdbc.query(PURGE, row -> {
                if (row.getBoolean(1)) {
                    events.publishEvent(new WorkflowRunsPurged(List.of(new WorkflowRunsPurged.Run(row.getString(2),
                            row.getString(3)))));
                }
            }, id);
        });
        return id;
    }

    private Current lock(String id) {
        return jdbc.query(LOCK, (row, n) -> new Current(InvocationStatus.fromWire(row.getString(1)).orElseThrow(),
                row.getString(2), row.getString(3), row.getString(4)), id)
                .stream().findFirst().orElseThrow(() -> InvocationNotFound.of(id));
    }

    /** What a bulk action did: the ids it matched, and per id what happened. */
    public record BulkResult(int matched, boolean dryRun, List<String> ids, List<Applied> succeeded,
            List<Refused> failed) {
    }

    public record Applied(String id, String result) {
    }

    public record Refused(String id, String reason) {
    }

    /** Applies an action to every invocation the query matches, up to its limit. */
    public BulkResult applyAll(InvocationQuery query, SteeringAction action, boolean dryRun) {
        List<String> ids = reader.ids(query);
        if (dryRun) {
            return new BulkResult(ids.size(), true, ids, List.of(), List.of());
        }
        List<Applied> succeeded = new ArrayList<>();
        List<Refused> failed = new ArrayList<>();
        for (String id : ids) {
            try {
                succeeded.add(new Applied(id, apply(id, action)));
            } catch (FerryException e) {
                failed.add(new Refused(id, e.detail()));
            }
        }
        return new BulkResult(ids.size(), false, ids, succeeded, failed);
    }
}
