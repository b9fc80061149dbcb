package dev.ferry.invocation;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collection;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.jdbc.core.ConnectionCallback;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Repository;
import org.springframework.transaction.support.TransactionTemplate;
import tools.jackson.core.type.TypeReference;
import tools.jackson.databind.json.JsonMapper;

/**
 * The invocation table's hot path, in batched JDBC: enqueue a poll's records in one statement batch,
 * claim a batch of runnable invocations, record a batch of outcomes, and promote the next invocation of
 * each object key whose exclusive holder finished.
 *
 * <p>Per-key exclusivity: an exclusive invocation is inserted {@code pending}; promotion makes the
 * oldest pending invocation of a key {@code ready} only while no invocation of that key is ready,
 * running, backing off or paused. Promotions run under one transaction-scoped advisory lock, so two
 * instances never promote two invocations of one key; claims then need no key check at all.
 */
@Repository
public class InvocationStore {

    private static final Logger log = LoggerFactory.getLogger(InvocationStore.class);

    /** Advisory lock id that serialises promotions across instances ("ferry" in ASCII). */
    private static final long PROMOTION_LOCK = 0x6665727279L;

    private static final String CLAIM = """
            update invocations i
               set status = 'running', attempts = i.attempts + 1, lease_owner = ?, lease_until = ?,
                   first_running_at = coalesce(i.first_running_at, ?), modified_at = ?
              from (select id from invocations
                     where status in ('ready', 'backing-off') and next_attempt_at <= ?
                       and (subscription_id is null or not subscription_id = any(?::text[]))
                     order by next_attempt_at
                     limit ?
                     for update skip locked) c
             where i.id = c.id
            returning i.id, i.service, i.handler, i.object_key, i.exclusive_key, i.input, i.headers,
                      i.subscription_id, i.topic, i.kafka_partition, i.kafka_offset, i.kafka_timestamp,
                      i.kafka_timestamp_millis, i.kafka_key, i.attempts""";

    /** The oldest pending invocation of each key in the array whose key nothing holds. */
    private static final String KEY_HEADS = """
            (select (select p.id from invocations p
                      where p.exclusive_key = k.key and p.status = 'pending'
                      order by p.seq limit 1)
               from unnest(?::text[]) as k(key)
              where not exists (select 1 from invocations a
                                 where a.exclusive_key = k.key
                                   and a.status in ('ready', 'running', 'backing-off', 'paused')))""";

    private static final String PROMOTE = """
            update invocations i
               set status = 'ready', next_attempt_at = ?, modified_at = ?
             where i.id in %s
            returning exclusive_key""".formatted(KEY_HEADS);

    /** Like {@link #PROMOTE}, but the next invocation of each key starts running at once under a lease. */
    private static final String PROMOTE_AND_CLAIM = """
            update invocations i
               set status = 'running', attempts = i.attempts + 1, lease_owner = ?, lease_until = ?,
                   first_running_at = coalesce(i.first_running_at, ?), modified_at = ?, next_attempt_at = ?
             where i.id in %s
            returning i.id, i.service, i.handler, i.object_key, i.exclusive_key, i.input, i.headers,
                      i.subscription_id, i.topic, i.kafka_partition, i.kafka_offset, i.kafka_timestamp,
                      i.kafka_timestamp_millis, i.kafka_key, i.attempts""".formatted(KEY_HEADS);

    /** Successes are the bulk of outcomes: one statement for the whole batch, the rows zipped from arrays. */
    private static final String SUCCEED = """
            update invocations i
               set status = 'completed', completion = 'success', result = u.result, result_content_type = u.type,
                   completed_at = ?, modified_at = ?, lease_owner = null, lease_until = null, next_attempt_at = null
              from unnest(?::text[], ?::bytea[], ?::text[]) as u(id, result, type)
             where i.id = u.id and i.status = 'running' and i.lease_owner = ?""";

    private static final String FAIL = """
            update invocations set status = 'completed', completion = 'failure', failure_reason = ?,
                   last_failure = ?, completed_at = ?, modified_at = ?, lease_owner = null, lease_until = null,
                   next_attempt_at = null
             where id = ? and status = 'running' and lease_owner = ?""";

    private static final String RETRY = """
            update invocations set status = 'backing-off', next_attempt_at = ?, last_failure = ?, modified_at = ?,
                   lease_owner = null, lease_until = null
             where id = ? and status = 'running' and lease_owner = ?""";

    private static final String PAUSE = """
            update invocations set status = 'paused', last_failure = ?, modified_at = ?, lease_owner = null,
                   lease_until = null, next_attempt_at = null
             where id = ? and status = 'running' and lease_owner = ?""";

    private final JdbcTemplate jdbc;
    private final TransactionTemplate transactions;
    private final JsonMapper json;
    private final ApplicationEventPublisher events;
    private final Clock clock;

    public InvocationStore(JdbcTemplate jdbc, TransactionTemplate transactions, JsonMapper json,
            ApplicationEventPublisher events, Clock clock) {
        this.jdbc = jdbc;
        this.transactions = transactions;
        this.json = json;
        this.events = events;
        this.clock = clock;
    }

    /**
     * Stores invocations in one transaction, skipping any whose record was stored before, then promotes
     * the exclusive ones that may run; returns once the rows are durable. Up to {@code budget} runnable ones
     * are stored already running under {@code owner}'s lease: the caller must call exactly those it gets
     * back, which skips a claim per invocation. Invocations whose record was stored before are never among them.
     */
    public List<ClaimedInvocation> enqueue(List<NewInvocation> invocations, String owner, int budget, Duration lease) {
        if (invocations.isEmpty()) {
            return List.of();
        }
        OffsetDateTime now = timestamp(clock.instant());
        RecordBatchInsert.Direct direct = budget > 0 ? new RecordBatchInsert.Direct(owner, budget, lease)
                : RecordBatchInsert.Direct.NONE;
        RecordBatchInsert.Result result;
        try {
            result = insertRecords(invocations, now, direct);
        } catch (RuntimeException e) {
            if (DatabaseFailure.isTransient(e)) {
                throw e;
            }
            log.debug("PostgreSQL refused a batch of {} record(s); storing them in parts", invocations.size(), e);
            result = InvalidRecordIsolation.store(invocations,
                    rows -> insertRecords(rows, now, RecordBatchInsert.Direct.NONE));
        }
        Set<String> keys = new LinkedHashSet<>();
        List<ClaimedInvocation> running = new ArrayList<>(result.running().size());
        Set<String> started = new HashSet<>(result.running());
        for (NewInvocation invocation : invocations) {
            if (invocation.exclusiveKey() != null && !result.replaced().contains(invocation.id())) {
                keys.add(invocation.exclusiveKey());
            }
            if (started.contains(invocation.id())) {
                running.add(new ClaimedInvocation(invocation.id(), invocation.service(), invocation.handler(),
                        invocation.objectKey(), false, invocation.input(), invocation.headers() == null ? List.of()
                                : invocation.headers(), invocation.origin(), 1));
            }
        }
        promote(keys);
        if (result.inserted().size() > running.size()) {
            events.publishEvent(new InvocationsEnqueued(result.inserted().size() - running.size()));
        }
        return running;
    }

    /** Inserts records in one transaction, skipping those stored before. */
    private RecordBatchInsert.Result insertRecords(List<NewInvocation> rows, OffsetDateTime now,
            RecordBatchInsert.Direct direct) {
        return transactions.execute(status -> RecordBatchInsert.insert(jdbc, RecordBatchInsert.SAME_RECORD,
                markWorkflowDuplicates(rows), now, direct, this::encodeHeaders));
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
        Set<String> taken = new HashSet<>(jdbc.queryForList(
                "select workflow_key from invocations where workflow_key = any(?::text[])", String.class,
                (Object) keys.toArray(String[]::new)));
        List<NewInvocation> rows = new ArrayList<>(invocations.size());
        for (NewInvocation invocation : invocations) {
            String key = invocation.workflowKey();
            rows.add(key != null && !taken.add(key) ? invocation.asDuplicate() : invocation);
        }
        return rows;
    }

    /** What {@link #submit} did: stored a new invocation, or found the one stored under the same idempotency key. */
    public record Submitted(String id, boolean existing) {
    }

    /**
     * Stores one invocation made by a caller (RPC, restart). An invocation with the same target and
     * idempotency key that is still kept is returned instead of storing a second one; a workflow run
     * whose key already ran is refused.
     */
    public Submitted submit(NewInvocation invocation) {
        OffsetDateTime now = timestamp(clock.instant());
        Submitted submitted = transactions.execute(status -> {
            if (invocation.idempotencyKey() != null) {
                Optional<String> existing = findByIdempotencyKey(invocation);
                if (existing.isPresent()) {
                    return new Submitted(existing.get(), true);
                }
            }
            if (invocation.workflowKey() != null && !jdbc.queryForList(
                    "select id from invocations where workflow_key = ?", String.class, invocation.workflowKey()).isEmpty()) {
                throw WorkflowAlreadyRan.of(invocation.service(), invocation.objectKey());
            }
            boolean inserted = !RecordBatchInsert.insert(jdbc, RecordBatchInsert.ANY, List.of(invocation), now,
                    RecordBatchInsert.Direct.NONE, this::encodeHeaders).inserted().isEmpty();
            if (inserted) {
                return new Submitted(invocation.id(), false);
            }
            return findByIdempotencyKey(invocation).map(id -> new Submitted(id, true))
                    .orElseThrow(() -> WorkflowAlreadyRan.of(invocation.service(), invocation.objectKey()));
        });
        if (!submitted.existing()) {
            if (invocation.exclusiveKey() != null && invocation.status() == InvocationStatus.PENDING) {
                promote(Set.of(invocation.exclusiveKey()));
            }
            events.publishEvent(new InvocationsEnqueued(1));
        }
        return submitted;
    }

    private Optional<String> findByIdempotencyKey(NewInvocation invocation) {
        return jdbc.queryForList("""
                select id from invocations
                 where service = ? and handler = ? and coalesce(object_key, '') = ? and idempotency_key = ?""",
                String.class, invocation.service(), invocation.handler(),
                invocation.objectKey() == null ? "" : invocation.objectKey(), invocation.idempotencyKey())
                .stream().findFirst();
    }

    /** Moves delayed invocations that are due into the queue: ready, or pending behind their key. */
    public int releaseScheduled() {
        OffsetDateTime now = timestamp(clock.instant());
        List<String> keys = jdbc.query("""
                update invocations
                   set status = case when exclusive_key is null then 'ready' else 'pending' end,
                       next_attempt_at = case when exclusive_key is null then next_attempt_at end, modified_at = ?
                 where status = 'scheduled' and next_attempt_at <= ?
                returning coalesce(exclusive_key, '')""", (row, n) -> row.getString(1), now, now);
        Set<String> exclusive = new LinkedHashSet<>(keys);
        exclusive.remove("");
        promote(exclusive);
        if (!keys.isEmpty()) {
            events.publishEvent(new InvocationsEnqueued(keys.size()));
        }
        return keys.size();
    }

    /**
     * Claims up to {@code max} runnable invocations for {@code owner}, leasing them until
     * {@code now + lease}; an instance that dies loses its leases and others take the work over.
     */
    public List<ClaimedInvocation> claim(String owner, int max, Duration lease, Set<String> skippedSubscriptions) {
        OffsetDateTime now = timestamp(clock.instant());
        return jdbc.query(CLAIM, this::claimed, owner, now.plus(lease), now, now, now,
                skippedSubscriptions.toArray(String[]::new), max);
    }

    /** Hands claimed invocations back unstarted, as if they had never been claimed. */
    public void unclaim(String owner, List<String> ids) {
        if (ids.isEmpty()) {
            return;
        }
        jdbc.update("""
                update invocations set status = 'ready', attempts = attempts - 1, lease_owner = null, lease_until = null
                 where id = any(?::text[]) and status = 'running' and lease_owner = ?""", ids.toArray(String[]::new),
                owner);
    }

    private ClaimedInvocation claimed(ResultSet row, int rowNum) throws SQLException {
        return new ClaimedInvocation(row.getString("id"), row.getString("service"), row.getString("handler"),
                row.getString("object_key"), row.getString("exclusive_key") != null, row.getBytes("input"),
                decodeHeaders(row.getString("headers")), origin(row), row.getInt("attempts"));
    }

    /**
     * Records the outcomes of finished attempts in one transaction. An outcome whose invocation is no
     * longer leased by {@code owner} (cancelled meanwhile, or taken over after a lost lease) is ignored.
     * With a {@code lease}, the next invocation of each released key is started at once under
     * {@code owner}'s lease, in the same transaction, and returned for the caller to call: the finished
     * invocation's slot passes straight to its successor. Without one (stopping), the keys are only promoted.
     */
    public List<ClaimedInvocation> record(String owner, List<Outcome> outcomes, Set<String> releasedKeys,
            Duration lease) {
        if (outcomes.isEmpty()) {
            return List.of();
        }
        OffsetDateTime now = timestamp(clock.instant());
        List<Object[]> succeeded = new ArrayList<>();
        List<Object[]> failed = new ArrayList<>();
        List<Object[]> retrying = new ArrayList<>();
        List<Object[]> paused = new ArrayList<>();
        for (Outcome outcome : outcomes) {
            switch (outcome) {
                case Outcome.Succeeded s -> succeeded.add(new Object[] {s.id(), s.result(),
                        OutcomeValues.text(s.contentType(), OutcomeValues.MAX_CONTENT_TYPE_CHARS)});
                case Outcome.Failed f -> failed.add(new Object[] {f.reason().wire(), OutcomeValues.failure(f.failure()),
                        now, now, f.id(), owner});
                case Outcome.Retrying r -> retrying.add(new Object[] {timestamp(OutcomeValues.instant(r.nextAttemptAt())),
                        OutcomeValues.failure(r.failure()), now, r.id(), owner});
                case Outcome.Paused p -> paused.add(new Object[] {OutcomeValues.failure(p.failure()), now, p.id(), owner});
            }
        }
        List<ClaimedInvocation> successors = transactions.execute(status -> {
            if (!succeeded.isEmpty()) {
                String[] ids = new String[succeeded.size()];
                byte[][] results = new byte[succeeded.size()][];
                String[] types = new String[succeeded.size()];
                for (int i = 0; i < ids.length; i++) {
                    ids[i] = (String) succeeded.get(i)[0];
                    results[i] = (byte[]) succeeded.get(i)[1];
                    types[i] = (String) succeeded.get(i)[2];
                }
                jdbc.update(SUCCEED, now, now, ids, results, types, owner);
            }
            batch(FAIL, failed);
            batch(RETRY, retrying);
            batch(PAUSE, paused);
            if (lease == null || releasedKeys.isEmpty()) {
                return List.<ClaimedInvocation>of();
            }
            jdbc.queryForObject("select pg_advisory_xact_lock(?)", Object.class, PROMOTION_LOCK);
            return jdbc.query(PROMOTE_AND_CLAIM, this::claimed, owner, now.plus(lease), now, now, now,
                    releasedKeys.toArray(String[]::new));
        });
        if (lease == null) {
            promote(releasedKeys);
        }
        List<String> completed = new ArrayList<>(succeeded.size() + failed.size());
        for (Outcome outcome : outcomes) {
            if (outcome instanceof Outcome.Succeeded || outcome instanceof Outcome.Failed) {
                completed.add(outcome.id());
            }
        }
        if (!completed.isEmpty()) {
            events.publishEvent(new InvocationsCompleted(completed));
        }
        return successors == null ? List.of() : successors;
    }

    private void batch(String sql, List<Object[]> arguments) {
        if (!arguments.isEmpty()) {
            jdbc.batchUpdate(sql, arguments);
        }
    }

    /**
     * Makes the oldest pending invocation of each key ready where nothing else holds the key.
     *
     * @return how many invocations became ready
     */
    public int promote(Set<String> exclusiveKeys) {
        if (exclusiveKeys.isEmpty()) {
            return 0;
        }
        OffsetDateTime now = timestamp(clock.instant());
        Integer promoted = transactions.execute(status -> {
            jdbc.queryForObject("select pg_advisory_xact_lock(?)", Object.class, PROMOTION_LOCK);
            return jdbc.query(PROMOTE, (row, n) -> row.getString(1), now, now,
                    exclusiveKeys.toArray(String[]::new)).size();
        });
        return promoted == null ? 0 : promoted;
    }

    /** Promotes every key that has pending invocations and no holder; a safety net run on a timer. */
    public int promoteAll() {
        List<String> keys = jdbc.queryForList("""
                select distinct p.exclusive_key from invocations p
                 where p.status = 'pending'
                   and not exists (select 1 from invocations a
                                    where a.exclusive_key = p.exclusive_key
                                      and a.status in ('ready', 'running', 'backing-off', 'paused'))
                 limit 10000""", String.class);
        return promote(new LinkedHashSet<>(keys));
    }

    /**
     * Extends the leases of everything {@code owner} is running. The new end is computed once the statement has
     * its connection: computed before, a renewal that waited out a database outage in the pool would write a
     * lease that has already run out.
     */
    public int renewLeases(String owner, Duration lease) {
        Integer renewed = jdbc.execute((ConnectionCallback<Integer>) connection -> {
            try (PreparedStatement statement = connection.prepareStatement(
                    "update invocations set lease_until = ? where status = 'running' and lease_owner = ?")) {
                statement.setObject(1, timestamp(clock.instant()).plus(lease));
                statement.setString(2, owner);
                return statement.executeUpdate();
            }
        });
        return renewed == null ? 0 : renewed;
    }

    /**
     * Makes invocations whose lease ran out (their instance died) ready again. Those of {@code self} are left
     * alone: this instance is alive and still owes their outcomes, which may be waiting to be written; taking
     * them over would run them a second time, beside the first.
     */
    public int recoverExpiredLeases(String self) {
        OffsetDateTime now = timestamp(clock.instant());
        return jdbc.update("""
                update invocations set status = 'ready', next_attempt_at = ?, lease_owner = null, lease_until = null,
                       modified_at = ?
                 where status = 'running' and lease_until < ? and lease_owner is distinct from ?""", now, now, now, self);
    }

    /** Hands back what {@code owner} still runs at shutdown, so the next instance starts it at once. */
    public int release(String owner) {
        OffsetDateTime now = timestamp(clock.instant());
        return jdbc.update("""
                update invocations set status = 'ready', next_attempt_at = ?, lease_owner = null, lease_until = null,
                       modified_at = ?
                 where status = 'running' and lease_owner = ?""", now, now, owner);
    }

    /**
     * Hands up to {@code max} failed invocations that still owe a dead letter to {@code publisher}, inside
     * one transaction that holds their rows, and marks those it reports published. Rows another instance
     * holds are skipped, so each record is published by one instance.
     *
     * @return how many were published
     */
    public int publishDeadLetters(int max, Function<List<FailedRecord>, Collection<String>> publisher) {
        Integer published = transactions.execute(status -> {
            List<FailedRecord> failed = jdbc.query("""
                    select id, dead_letter_cluster, dead_letter_topic, subscription_id, topic, kafka_partition,
                           kafka_offset, kafka_timestamp, kafka_timestamp_millis, kafka_key, input, headers,
                           failure_reason, last_failure
                      from invocations
                     where dead_letter_topic is not null and completion = 'failure' and dead_lettered_at is null
                     order by completed_at
                     limit ?
                       for update skip locked""", (row, n) -> new FailedRecord(row.getString("id"),
                    row.getString("dead_letter_cluster"), row.getString("dead_letter_topic"), origin(row),
                    row.getBytes("input"), decodeHeaders(row.getString("headers")), row.getString("failure_reason"),
                    row.getString("last_failure")), max);
            if (failed.isEmpty()) {
                return 0;
            }
            Collection<String> done = publisher.apply(failed);
            if (!done.isEmpty()) {
                jdbc.update("update invocations set dead_lettered_at = ? where id = any(?::text[])",
                        timestamp(clock.instant()), done.toArray(String[]::new));
            }
            return done.size();
        });
        return published == null ? 0 : published;
    }

    private static KafkaOrigin origin(ResultSet row) throws SQLException {
        String subscription = row.getString("subscription_id");
        if (subscription == null) {
            return null;
        }
        return new KafkaOrigin(subscription, row.getString("topic"), row.getInt("kafka_partition"),
                row.getLong("kafka_offset"), recordTime(row), row.getBytes("kafka_key"));
    }

    /** The record's timestamp: {@code kafka_timestamp}, or the raw milliseconds kept when it lies outside that. */
    static Instant recordTime(ResultSet row) throws SQLException {
        OffsetDateTime stored = row.getObject("kafka_timestamp", OffsetDateTime.class);
        if (stored != null) {
            return stored.toInstant();
        }
        long millis = row.getLong("kafka_timestamp_millis");
        return row.wasNull() ? null : Instant.ofEpochMilli(millis);
    }

    private String encodeHeaders(List<RecordHeader> headers) {
        if (headers == null || headers.isEmpty()) {
            return null;
        }
        List<List<String>> pairs = new ArrayList<>(headers.size());
        for (RecordHeader header : headers) {
            pairs.add(java.util.Arrays.asList(header.name(),
                    header.value() == null ? null : Base64.getEncoder().encodeToString(header.value())));
        }
        return json.writeValueAsString(pairs);
    }

    private List<RecordHeader> decodeHeaders(String encoded) {
        if (encoded == null) {
            return List.of();
        }
        List<List<String>> pairs = json.readValue(encoded, new TypeReference<List<List<String>>>() {
        });
        List<RecordHeader> headers = new ArrayList<>(pairs.size());
        for (List<String> pair : pairs) {
            String value = pair.get(1);
            headers.add(new RecordHeader(pair.get(0), value == null ? null : Base64.getDecoder().decode(value)));
        }
        return headers;
    }

    static OffsetDateTime timestamp(Instant instant) {
        return instant.atOffset(ZoneOffset.UTC);
    }
}
