package dev.ferry.invocation;

import static dev.ferry.invocation.InvocationStatus.BACKING_OFF;
import static dev.ferry.invocation.InvocationStatus.COMPLETED;
import static dev.ferry.invocation.InvocationStatus.PAUSED;
import static dev.ferry.invocation.InvocationStatus.READY;
import static dev.ferry.invocation.InvocationStatus.RUNNING;
import static dev.ferry.invocation.InvocationStatus.SUSPENDED;

import java.time.Clock;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.springframework.context.ApplicationEventPublisher;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Records the outcomes of finished attempts in one transaction, each kind in one statement or batch; an outcome
 * whose invocation is no longer leased by its writer is ignored.
 */
final class OutcomeWriter {

    /**
     * Successes are the bulk of outcomes: one statement for the whole batch, the rows zipped from arrays. The
     * output of an invocation with a result topic goes to the result outbox in the same statement, for the
     * rows it really completed only, keyed by the record's key or, for an invocation started through the RPC
     * ingress, by its object key. A success with a {@link Outcome.JournalFence} completes its row only while the
     * journal has the expected length under the expected claim, and grows the journal in the same row version. It
     * returns the completed rows that have a caller waiting for them, so a batch without one (nearly every batch of
     * records) skips the callers' statement, and those completed under a fence.
     */
    private static final String SUCCEED = """
            with done as (
                update invocations i
                   set status = %s, completion = 'success', result = u.result, result_content_type = u.type,
                       completed_at = ?, modified_at = ?, lease_owner = null, lease_until = null,
                       next_attempt_at = null,
                       journal_length = i.journal_length + coalesce(u.added, 0),
                       retries_since_last_entry = case when u.added > 0 then 0 else i.retries_since_last_entry end,
                       last_entry_at = case when u.added > 0 then ?::timestamptz else i.last_entry_at end
                  from unnest(?::text[], ?::bytea[], ?::text[], ?::int[], ?::int[], ?::int[])
                       as u(id, result, type, expected, added, attempt)
                 where i.id = u.id and i.status = %s and i.lease_owner = ?
                   and (u.expected is null or (%s))
             returning i.id, i.seq, i.result_cluster, i.result_topic,
                       case when i.subscription_id is null then convert_to(i.object_key, 'UTF8') else i.kafka_key end
                           as kafka_key, u.result, u.type,
                       i.subscription_id, i.topic, i.kafka_partition, i.kafka_offset, i.completed_at, i.caller_id,
                       u.expected is not null as fenced),
            outbox as (
                insert into result_outbox (invocation_id, cluster, topic, kafka_key, value, content_type,
                                           subscription_id, source_topic, source_partition, source_offset,
                                           created_at)
                select id, result_cluster, result_topic, kafka_key, result, type, subscription_id, topic,
                       kafka_partition, kafka_offset, completed_at
                  from done
                 where result_topic is not null
                 order by seq
                    on conflict (invocation_id) do nothing)
            select id, caller_id is not null from done
             where caller_id is not null or fenced""".formatted(COMPLETED.sql(), RUNNING.sqlAtRunTime(),
            Outcome.JournalFence.HOLDS);

    private static final String FAIL = """
            update invocations set status = %s, completion = 'failure', failure_reason = ?,
                   last_failure = ?, completed_at = ?, modified_at = ?, lease_owner = null, lease_until = null,
                   next_attempt_at = null
             where id = ? and status = %s and lease_owner = ?""".formatted(COMPLETED.sql(), RUNNING.sql());

    private static final String RETRY = """
            update invocations set status = %s, next_attempt_at = ?, last_failure = ?, modified_at = ?,
                   lease_owner = null, lease_until = null
             where id = ? and status = %s and lease_owner = ?""".formatted(BACKING_OFF.sql(), RUNNING.sql());

    private static final String PAUSE = """
            update invocations set status = %s, last_failure = ?, modified_at = ?, lease_owner = null,
                   lease_until = null, next_attempt_at = null
             where id = ? and status = %s and lease_owner = ?""".formatted(PAUSED.sql(), RUNNING.sql());

    /**
     * A suspension: ready at once when a completion became due meanwhile (the waker catches one that arrives
     * after this statement's snapshot). The attempts count again from the next wake-up: a sleep is no failure.
     */
    private static final String SUSPEND = """
            update invocations set status = case when d.due then %s else %s end,
                   next_attempt_at = case when d.due then ? else ?::timestamptz end, attempts = 0, modified_at = ?,
                   lease_owner = null, lease_until = null
              from (select exists (select 1 from invocation_completions c
                                    where c.invocation_id = ? and c.due_at <= ?) as due) d
             where id = ? and status = %s and lease_owner = ?""".formatted(READY.sql(), SUSPENDED.sql(),
            RUNNING.sql());

    private final JdbcTemplate jdbc;
    private final TransactionTemplate transactions;
    private final KeyPromotions promotions;
    private final CallerCompletions callers;
    private final ApplicationEventPublisher events;
    private final Clock clock;

    OutcomeWriter(JdbcTemplate jdbc, TransactionTemplate transactions, KeyPromotions promotions,
            ApplicationEventPublisher events, Clock clock) {
        this.jdbc = jdbc;
        this.transactions = transactions;
        this.promotions = promotions;
        this.callers = new CallerCompletions(jdbc);
        this.events = events;
        this.clock = clock;
    }

    /** The statement arguments of a batch of outcomes, by kind. */
    private record Arguments(List<String> succeededIds, List<byte[]> results, List<String> contentTypes,
            List<Integer> expectedLengths, List<Integer> addedEntries, List<Integer> attempts,
            Map<String, String> fenced, List<Object[]> failed, List<Object[]> retrying, List<Object[]> paused,
            List<Object[]> suspended) {

        Arguments() {
            this(new ArrayList<>(), new ArrayList<>(), new ArrayList<>(), new ArrayList<>(), new ArrayList<>(),
                    new ArrayList<>(), new HashMap<>(), new ArrayList<>(), new ArrayList<>(), new ArrayList<>(),
                    new ArrayList<>());
        }
    }

    /** See {@link InvocationStore#recordOutcomes}. */
    InvocationStore.Recorded record(String owner, List<Outcome> outcomes, Set<String> releasedKeys, Duration lease,
            int budget) {
        if (outcomes.isEmpty()) {
            return new InvocationStore.Recorded(List.of(), Set.of());
        }
        OffsetDateTime now = StoredTimes.timestamp(clock.instant());
        Arguments arguments = arguments(owner, outcomes, now);
        List<String> completed = new ArrayList<>(arguments.succeededIds().size() + arguments.failed().size());
        // a failure's caller is looked up whatever it is (failures are few); a success's only if SUCCEED says so
        List<String> failedIds = new ArrayList<>(arguments.failed().size());
        for (Outcome outcome : outcomes) {
            if (outcome instanceof Outcome.Succeeded || outcome instanceof Outcome.Failed) {
                completed.add(outcome.id());
            }
            if (outcome instanceof Outcome.Failed) {
                failedIds.add(outcome.id());
            }
        }
        int[] woken = {0};
        Set<String> superseded = new HashSet<>(arguments.fenced().keySet());
        List<ClaimedInvocation> successors = transactions.execute(status -> {
            List<String> withCallers = new ArrayList<>(failedIds);
            if (!arguments.succeededIds().isEmpty()) {
                jdbc.query(SUCCEED, row -> {
                    superseded.remove(row.getString(1));
                    if (row.getBoolean(2)) {
                        withCallers.add(row.getString(1));
                    }
                }, now, now, now, arguments.succeededIds().toArray(String[]::new),
                        arguments.results().toArray(byte[][]::new), arguments.contentTypes().toArray(String[]::new),
                        arguments.expectedLengths().toArray(Integer[]::new),
                        arguments.addedEntries().toArray(Integer[]::new), arguments.attempts().toArray(Integer[]::new),
                        owner);
            }
            batch(FAIL, arguments.failed());
            // a fenced success whose journal grew meanwhile runs again at once, from the stored journal
            List<Object[]> retrying = new ArrayList<>(arguments.retrying());
            for (String id : superseded) {
                retrying.add(new Object[] {now, OutcomeValues.failure(arguments.fenced().get(id)), now, id, owner});
            }
            completed.removeAll(superseded);
            batch(RETRY, retrying);
            batch(PAUSE, arguments.paused());
            batch(SUSPEND, arguments.suspended());
            woken[0] = callers.completed(completed, withCallers, now);
            if (lease == null || releasedKeys.isEmpty()) {
                return List.<ClaimedInvocation>of();
            }
            return promotions.promoteAndClaim(owner, releasedKeys, budget, lease, now);
        });
        if (lease == null) {
            promotions.promote(releasedKeys);
        }
        if (!completed.isEmpty()) {
            events.publishEvent(new InvocationsCompleted(completed));
        }
        // a suspension whose completion was due already, and callers woken by their callees, are ready now
        if (!arguments.suspended().isEmpty() || woken[0] > 0) {
            events.publishEvent(new InvocationsEnqueued(arguments.suspended().size() + woken[0]));
        }
        return new InvocationStore.Recorded(successors == null ? List.of() : successors, superseded);
    }

    private static Arguments arguments(String owner, List<Outcome> outcomes, OffsetDateTime now) {
        Arguments arguments = new Arguments();
        for (Outcome outcome : outcomes) {
            switch (outcome) {
                case Outcome.Succeeded s -> {
                    arguments.succeededIds().add(s.id());
                    arguments.results().add(s.result());
                    arguments.contentTypes().add(OutcomeValues.text(s.contentType(),
                            OutcomeValues.MAX_CONTENT_TYPE_CHARS));
                    Outcome.JournalFence fence = s.fence();
                    arguments.expectedLengths().add(fence == null ? null : fence.expectedLength());
                    arguments.addedEntries().add(fence == null ? null : fence.added());
                    arguments.attempts().add(fence == null ? null : fence.attempt());
                    if (fence != null) {
                        arguments.fenced().put(s.id(), fence.superseded());
                    }
                }
                case Outcome.Failed f -> arguments.failed().add(new Object[] {f.reason().wire(),
                        OutcomeValues.failure(f.failure()), now, now, f.id(), owner});
                case Outcome.Retrying r -> arguments.retrying().add(new Object[] {
                        StoredTimes.timestamp(OutcomeValues.instant(r.nextAttemptAt())),
                        OutcomeValues.failure(r.failure()), now, r.id(), owner});
                case Outcome.Paused p -> arguments.paused().add(new Object[] {OutcomeValues.failure(p.failure()), now,
                        p.id(), owner});
                case Outcome.Suspended s -> arguments.suspended().add(new Object[] {now,
                        s.wakeAt() == null ? null : StoredTimes.timestamp(OutcomeValues.instant(s.wakeAt())), now,
                        s.id(), now, s.id(), owner});
            }
        }
        return arguments;
    }

    private void batch(String sql, List<Object[]> arguments) {
        if (!arguments.isEmpty()) {
            jdbc.batchUpdate(sql, arguments);
        }
    }
}
