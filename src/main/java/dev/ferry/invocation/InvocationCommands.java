package dev.ferry.invocation;

import java.time.Clock;
import java.time.OffsetDateTime;
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

/**
 * What operators do to invocations: cancel, kill, pause, resume, restart and purge. Each action checks
 * the current status under a row lock and refuses with {@link InvocationStateConflict} when the status
 * does not allow it. Ending an exclusive invocation lets the next one of its key run.
 */
@Service
public class InvocationCommands {

    private static final Logger log = LoggerFactory.getLogger(InvocationCommands.class);

    /** Row state read under lock before an action. */
    private record Current(String status, String exclusiveKey) {
    }

    private final JdbcTemplate jdbc;
    private final TransactionTemplate transactions;
    private final InvocationStore store;
    private final InvocationReader reader;
    private final ServiceRegistry services;
    private final ApplicationEventPublisher events;
    private final Clock clock;

    InvocationCommands(JdbcTemplate jdbc, TransactionTemplate transactions, InvocationStore store,
            InvocationReader reader, ServiceRegistry services, ApplicationEventPublisher events, Clock clock) {
        this.jdbc = jdbc;
        this.transactions = transactions;
        this.store = store;
        this.reader = reader;
        this.services = services;
        this.events = events;
        this.clock = clock;
    }

    /**
     * Applies an action to one invocation.
     *
     * @return the id of the invocation the action produced: the same one, or a new one for restart
     */
    public String apply(String id, InvocationAction action) {
        return switch (action) {
            case CANCEL -> end(id, FailureReason.CANCELLED, "cancel");
            case KILL -> end(id, FailureReason.KILLED, "kill");
            case PAUSE -> pause(id);
            case RESUME -> resume(id);
            case RESTART -> restart(id);
            case PURGE -> purge(id);
        };
    }

    private String end(String id, FailureReason reason, String action) {
        OffsetDateTime now = InvocationStore.timestamp(clock.instant());
        Current current = transactions.execute(status -> {
            Current before = lock(id);
            if (before.status().equals("completed")) {
                throw InvocationStateConflict.of(id, action, before.status(), "not yet completed");
            }
            jdbc.update("""
                    update invocations set status = 'completed', completion = 'failure', failure_reason = ?,
                           last_failure = coalesce(last_failure, ?), completed_at = ?, modified_at = ?,
                           lease_owner = null, lease_until = null, next_attempt_at = null
                     where id = ?""", reason.wire(), action + "ed by an operator", now, now, id);
            return before;
        });
        if (current.exclusiveKey() != null) {
            store.promote(Set.of(current.exclusiveKey()));
        }
        events.publishEvent(new InvocationAborted(id));
        events.publishEvent(new InvocationsCompleted(List.of(id)));
        if (current.exclusiveKey() != null) {
            events.publishEvent(new ExclusiveKeyReleased(current.exclusiveKey()));
        }
        log.info("Invocation {} {} while {}", id, reason.wire(), current.status());
        return id;
    }

    private String pause(String id) {
        transition(id, "pause", Set.of("ready", "backing-off"), "ready or backing-off", "paused", null);
        return id;
    }

    private String resume(String id) {
        transition(id, "resume", Set.of("paused", "backing-off"), "paused or backing-off", "ready",
                InvocationStore.timestamp(clock.instant()));
        events.publishEvent(new InvocationsEnqueued(1));
        return id;
    }

    private void transition(String id, String action, Set<String> from, String allowed, String to,
            OffsetDateTime nextAttempt) {
        OffsetDateTime now = InvocationStore.timestamp(clock.instant());
        transactions.executeWithoutResult(status -> {
            Current before = lock(id);
            if (!from.contains(before.status())) {
                throw InvocationStateConflict.of(id, action, before.status(), allowed);
            }
            jdbc.update("update invocations set status = ?, next_attempt_at = ?, modified_at = ? where id = ?", to,
                    nextAttempt, now, id);
        });
        log.info("Invocation {} {}d", id, action);
    }

    private String restart(String id) {
        Map<String, Object> row = transactions.execute(status -> {
            Current before = lock(id);
            if (!before.status().equals("completed")) {
                throw InvocationStateConflict.of(id, "restart", before.status(), "completed");
            }
            return jdbc.queryForMap("select service, handler, object_key, input from invocations where id = ?", id);
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
            if (!before.status().equals("completed")) {
                throw InvocationStateConflict.of(id, "purge", before.status(), "completed");
            }
            jdbc.update("delete from invocations where id = ?", id);
        });
        return id;
    }

    private Current lock(String id) {
        return jdbc.query("select status, exclusive_key from invocations where id = ? for update",
                (row, n) -> new Current(row.getString(1), row.getString(2)), id)
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
    public BulkResult applyAll(InvocationQuery query, InvocationAction action, boolean dryRun) {
        List<String> ids = reader.ids(query);
        if (dryRun) {
            return new BulkResult(ids.size(), true, ids, List.of(), List.of());
        }
        List<Applied> succeeded = new java.util.ArrayList<>();
        List<Refused> failed = new java.util.ArrayList<>();
        for (String id : ids) {
            try {
                succeeded.add(new Applied(id, apply(id, action)));
            } catch (dev.ferry.web.FerryException e) {
                failed.add(new Refused(id, e.detail()));
            }
        }
        return new BulkResult(ids.size(), false, ids, succeeded, failed);
    }
}
