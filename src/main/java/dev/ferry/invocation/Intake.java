package dev.ferry.invocation;

import static dev.ferry.invocation.InvocationStatus.PENDING;
import static dev.ferry.invocation.InvocationStatus.READY;
import static dev.ferry.invocation.InvocationStatus.SCHEDULED;

import java.time.Clock;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * New invocations into the table: a poll's records in one statement, a caller's submission under its
 * idempotency key, and delayed invocations once they are due.
 */
final class Intake {

    private static final Logger log = LoggerFactory.getLogger(Intake.class);

    private static final String TAKEN_WORKFLOW_KEYS =
            "select workflow_key from invocations where workflow_key = any(?::text[])";

    private static final String BY_WORKFLOW_KEY = "select id from invocations where workflow_key = ?";

    private static final String BY_IDEMPOTENCY_KEY = """
            select id from invocations
             where service = ? and handler = ? and coalesce(object_key, '') = ? and idempotency_key = ?""";

    /** Due invocations become ready, or pending behind their key; returns each one's key ('' for none). */
    private static final String RELEASE_SCHEDULED = """
            update invocations
               set status = case when exclusive_key is null then %s else %s end,
                   next_attempt_at = case when exclusive_key is null then next_attempt_at end, modified_at = ?
             where status = %s and next_attempt_at <= ?
            returning coalesce(exclusive_key, '')""".formatted(READY.sql(), PENDING.sql(), SCHEDULED.sql());

    private final JdbcTemplate jdbc;
    private final TransactionTemplate transactions;
    private final RecordHeaders headers;
    private final KeyPromotions promotions;
    private final ApplicationEventPublisher events;
    private final Clock clock;

    Intake(JdbcTemplate jdbc, TransactionTemplate transactions, RecordHeaders headers, KeyPromotions promotions,
            ApplicationEventPublisher events, Clock clock) {
        this.jdbc = jdbc;
        this.transactions = transactions;
        this.headers = headers;
        this.promotions = promotions;
        this.events = events;
        this.clock = clock;
    }

    /** See {@link InvocationStore#enqueue}. */
    List<ClaimedInvocation> enqueue(List<NewInvocation> invocations, String owner, int budget, Duration lease) {
        if (invocations.isEmpty()) {
            return List.of();
        }
        OffsetDateTime now = StoredTimes.timestamp(clock.instant());
        RecordBatchInsert.Direct direct = budget > 0 ? new RecordBatchInsert.Direct(owner, budget, lease)
                : RecordBatchInsert.Direct.NONE;
        Stored stored = store(invocations, now, direct);
        RecordBatchInsert.Result result = stored.result();
        Set<String> keys = new LinkedHashSet<>();
        List<ClaimedInvocation> running = new ArrayList<>(invocations.size());
        Set<String> started = new HashSet<>(result.running());
        Set<String> inserted = new HashSet<>(result.inserted());
        int runnable = stored.heads().readied();
        for (NewInvocation invocation : invocations) {
            if (invocation.status() == READY && inserted.contains(invocation.id())
                    && !started.contains(invocation.id())) {
                runnable++;
            }
            if (invocation.exclusiveKey() != null && !result.replaced().contains(invocation.id())
                    && !stored.passedOn().contains(invocation.exclusiveKey())) {
                keys.add(invocation.exclusiveKey());
            }
            if (started.contains(invocation.id())) {
                running.add(new ClaimedInvocation(invocation.id(), invocation.service(), invocation.handler(),
                        invocation.objectKey(), false, invocation.input(), invocation.headers() == null ? List.of()
                                : invocation.headers(), invocation.origin(), 1, 0));
            }
        }
        running.addAll(stored.heads().started());
        runnable += promotions.promote(keys);
        if (runnable > 0) {
            events.publishEvent(new InvocationsEnqueued(runnable));
        }
        return running;
    }

    /**
     * Stores a poll in one transaction or, when PostgreSQL refuses it as a whole, in parts: those start nothing
     * and leave their keys to the promotion after them.
     */
    private Stored store(List<NewInvocation> invocations, OffsetDateTime now, RecordBatchInsert.Direct direct) {
        try {
            return insertRecords(invocations, now, direct, true);
        } catch (RuntimeException e) {
            if (DatabaseFailure.isTransient(e)) {
                throw e;
            }
            log.debug("PostgreSQL refused a batch of {} record(s); storing them in parts", invocations.size(), e);
            return new Stored(InvalidRecordIsolation.store(invocations,
                    rows -> insertRecords(rows, now, RecordBatchInsert.Direct.NONE, false).result()), Set.of(),
                    KeyPromotions.Heads.NONE);
        }
    }

    /**
     * What one ingest transaction did: the rows it stored, the exclusive keys whose next invocation it passed on
     * itself under their locks, and the heads of those keys it started under the caller's lease.
     */
    private record Stored(RecordBatchInsert.Result result, Set<String> passedOn, KeyPromotions.Heads heads) {
    }

    /**
     * Inserts records in one transaction, skipping those stored before. With {@code passOnKeys}, the transaction
     * first locks the keys of the records that wait behind a key ({@value KeyPromotions#KEYS_PER_TRANSACTION} at
     * most, in the order they first appear), and before it commits starts the head of each of those keys that
     * nothing holds within what is left of the budget, or makes it ready beyond that, as a promotion after the
     * commit would: per-key order holds as there, at one commit fewer for every key and two fewer for a head.
     */
    private Stored insertRecords(List<NewInvocation> rows, OffsetDateTime now, RecordBatchInsert.Direct direct,
            boolean passOnKeys) {
        List<NewInvocation> stored = new ArrayList<>();
        List<String> keys = passOnKeys ? waitingKeys(rows) : List.of();
        Stored result = transactions.execute(status -> {
            promotions.lock(keys);
            stored.clear();
            stored.addAll(markWorkflowDuplicates(rows));
            RecordBatchInsert.Result inserted = RecordBatchInsert.insert(jdbc, RecordBatchInsert.Conflict.SAME_RECORD,
                    stored, now, direct, headers);
            if (keys.isEmpty()) {
                return new Stored(inserted, Set.of(), KeyPromotions.Heads.NONE);
            }
            KeyPromotions.Heads heads = promotions.startHeads(direct.owner(), keys,
                    direct.budget() - inserted.running().size(), direct.lease(), now);
            return new Stored(inserted, Set.copyOf(keys), heads);
        });
        countCompleted(stored, result.result().inserted());
        return result;
    }

    /** The first keys the records waiting behind a key (stored {@code pending}) have, in the order they appear. */
    private static List<String> waitingKeys(List<NewInvocation> rows) {
        Set<String> keys = new LinkedHashSet<>();
        for (NewInvocation row : rows) {
            if (row.exclusiveKey() != null && row.status() == PENDING) {
                keys.add(row.exclusiveKey());
                if (keys.size() == KeyPromotions.KEYS_PER_TRANSACTION) {
                    break;
                }
            }
        }
        return List.copyOf(keys);
    }

    /** Announces the rows that were stored already completed, once their transaction committed. */
    private void countCompleted(List<NewInvocation> stored, List<String> inserted) {
        Set<String> ids = new HashSet<>(inserted);
        Map<RecordsCompletedOnArrival.Target, Long> counts = new LinkedHashMap<>();
        for (NewInvocation row : stored) {
            if (row.status() == InvocationStatus.COMPLETED && row.failureReason() != null && ids.contains(row.id())) {
                counts.merge(new RecordsCompletedOnArrival.Target(row.service(), row.handler(), row.failureReason()),
                        1L, Long::sum);
            }
        }
        if (!counts.isEmpty()) {
            events.publishEvent(new RecordsCompletedOnArrival(counts));
        }
    }

    /**
     * Turns every workflow run whose key already ran (stored before, or earlier in this batch) into a
     * duplicate. Two transactions racing on a new key meet at the unique index: the loser fails, and its
     * retry sees the winner's row.
     */
    private List<NewInvocation> markWorkflowDuplicates(List<NewInvocation> invocations) {
        Set<String> keys = new LinkedHashSet<>();
        for (NewInvocation invocation : invocations) {
            if (invocation.workflowKey() != null) {
                keys.add(invocation.workflowKey());
            }
        }
        if (keys.isEmpty()) {
            return invocations;
        }
        Set<String> taken = new HashSet<>(jdbc.queryForList(TAKEN_WORKFLOW_KEYS, String.class,
                (Object) keys.toArray(String[]::new)));
        List<NewInvocation> rows = new ArrayList<>(invocations.size());
        for (NewInvocation invocation : invocations) {
            String key = invocation.workflowKey();
            rows.add(key != null && !taken.add(key) ? invocation.asDuplicate() : invocation);
        }
        return rows;
    }

    /** See {@link InvocationStore#submit}. */
    InvocationStore.Submitted submit(NewInvocation invocation) {
        OffsetDateTime now = StoredTimes.timestamp(clock.instant());
        InvocationStore.Submitted submitted = transactions.execute(status -> {
            if (invocation.idempotencyKey() != null) {
                Optional<String> existing = findByIdempotencyKey(invocation);
                if (existing.isPresent()) {
                    return new InvocationStore.Submitted(existing.get(), true);
                }
            }
            if (invocation.workflowKey() != null
                    && !jdbc.queryForList(BY_WORKFLOW_KEY, String.class, invocation.workflowKey()).isEmpty()) {
                throw WorkflowAlreadyRan.of(invocation.service(), invocation.objectKey());
            }
            boolean inserted = !RecordBatchInsert.insert(jdbc, RecordBatchInsert.Conflict.ANY, List.of(invocation),
                    now, RecordBatchInsert.Direct.NONE, headers).inserted().isEmpty();
            if (inserted) {
                return new InvocationStore.Submitted(invocation.id(), false);
            }
            return findByIdempotencyKey(invocation).map(id -> new InvocationStore.Submitted(id, true))
                    .orElseThrow(() -> WorkflowAlreadyRan.of(invocation.service(), invocation.objectKey()));
        });
        if (!submitted.existing()) {
            if (invocation.exclusiveKey() != null && invocation.status() == PENDING) {
                promotions.promote(Set.of(invocation.exclusiveKey()));
            }
            events.publishEvent(new InvocationsEnqueued(1));
        }
        return submitted;
    }

    private Optional<String> findByIdempotencyKey(NewInvocation invocation) {
        return jdbc.queryForList(BY_IDEMPOTENCY_KEY, String.class, invocation.service(), invocation.handler(),
                invocation.objectKey() == null ? "" : invocation.objectKey(), invocation.idempotencyKey())
                .stream().findFirst();
    }

    /** See {@link InvocationStore#releaseScheduled}. */
    int releaseScheduled() {
        OffsetDateTime now = StoredTimes.timestamp(clock.instant());
        List<String> keys = jdbc.query(RELEASE_SCHEDULED, (row, n) -> row.getString(1), now, now);
        Set<String> exclusive = new LinkedHashSet<>(keys);
        exclusive.remove("");
        promotions.promote(exclusive);
        if (!keys.isEmpty()) {
            events.publishEvent(new InvocationsEnqueued(keys.size()));
        }
        return keys.size();
    }
}
