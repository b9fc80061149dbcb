package dev.ferry.invocation;

import static dev.ferry.invocation.InvocationStatus.HOLDING_KEY;
import static dev.ferry.invocation.InvocationStatus.PENDING;
import static dev.ferry.invocation.InvocationStatus.READY;
import static dev.ferry.invocation.InvocationStatus.RUNNING;

import java.time.Clock;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Per-key exclusivity: an exclusive invocation is inserted {@code pending}; promotion makes the oldest pending
 * invocation of a key {@code ready} only while no invocation of that key holds it (is
 * {@link InvocationStatus#HOLDING_KEY ready, running, backing off or paused}). A promotion first takes the
 * transaction-scoped advisory lock of each of its keys, so two transactions on any instances never promote two
 * invocations of one key, while promotions of different keys run side by side; claims then need no key check.
 * An ingest transaction locks its keys first and passes them on itself ({@link #startHeads}); an outcome's
 * transaction starts the successor of each key it releases ({@link #promoteAndClaim}).
 */
final class KeyPromotions {

    /**
     * The advisory lock class of the key locks: the first half of PostgreSQL's two-number lock form, whose second
     * half is the key's {@code hashtext}. The two-number form keeps them apart from single-number locks (the
     * result outbox's, other applications'); a hash clash only makes two keys take turns.
     */
    static final int KEY_LOCK_CLASS = 0x66657279;

    /**
     * The lock that serialised every promotion before promotions took per-key locks ("ferry" in ASCII). It is
     * taken shared, which costs a promotion nothing against another one, so that an instance of an older version
     * still running beside this one during a rolling upgrade, which takes it exclusively, keeps excluding it.
     */
    static final long LEGACY_PROMOTION_LOCK = 0x6665727279L;

    /**
     * Locks the keys of the array in the order of their hashes, so two transactions locking overlapping sets of
     * keys always take the common ones in the same order and cannot deadlock; the legacy lock (in the scalar
     * subquery, evaluated before the first key lock) comes first. It must be a statement of its own, before the
     * promotion: a statement sees only what was committed when it started, so the promotion must start after
     * the locks are held to see what the previous holder of a key's lock committed.
     */
    private static final String LOCK_KEYS = """
            select count(pg_advisory_xact_lock(%d, k.hash))
              from (select distinct hashtext(key) as hash from unnest(?::text[]) as key order by 1) k
             where (select pg_advisory_xact_lock_shared(%d)::text) is not null"""
            .formatted(KEY_LOCK_CLASS, LEGACY_PROMOTION_LOCK);

    /** The oldest pending invocation of each key in the array whose key nothing holds. */
    private static final String KEY_HEADS = """
            (select (select p.id from invocations p
                      where p.exclusive_key = k.key and p.status = %s
                      order by p.seq limit 1)
               from unnest(?::text[]) as k(key)
              where not exists (select 1 from invocations a
                                 where a.exclusive_key = k.key
                                   and a.status in (%s)))"""
            .formatted(PENDING.sql(), InvocationStatus.sql(HOLDING_KEY));

    /**
     * The status check beside the heads' ids matters when a head changes between the statement's snapshot and
     * its update (an operator killed it meanwhile): PostgreSQL then checks the row as it is now against the
     * conditions on the updated table, but not against the subquery, which it evaluated on the snapshot.
     */
    private static final String PROMOTE = """
            update invocations i
               set status = %s, next_attempt_at = ?, modified_at = ?
             where i.id in %s and i.status = %s
            returning exclusive_key""".formatted(READY.sql(), KEY_HEADS, PENDING.sql());

    /**
     * Like {@link #PROMOTE}, but the next invocation of at most as many keys as the last parameter says, taken in
     * the order of the array, starts running at once under a lease: the heads an ingest transaction starts, and the
     * successors an outcome's transaction starts, within the caller's call slots.
     */
    private static final String START_HEADS = """
            update invocations i
               set status = %s, attempts = i.attempts + 1, lease_owner = ?, lease_until = ?,
                   first_running_at = coalesce(i.first_running_at, ?), modified_at = ?, next_attempt_at = ?
             where i.id in (select h.id
                              from (select (select p.id from invocations p
                                             where p.exclusive_key = k.key and p.status = %s
                                             order by p.seq limit 1) as id, k.n
                                      from unnest(?::text[]) with ordinality as k(key, n)
                                     where not exists (select 1 from invocations a
                                                        where a.exclusive_key = k.key
                                                          and a.status in (%s))) h
                             where h.id is not null
                             order by h.n
                             limit ?)
               and i.status = %s
            returning %s""".formatted(RUNNING.sql(), PENDING.sql(), InvocationStatus.sql(HOLDING_KEY), PENDING.sql(),
            InvocationRows.CLAIMED_COLUMNS);

    /** Every key that has pending invocations and no holder, for the safety net. */
    private static final String UNHELD_KEYS = """
            select distinct p.exclusive_key from invocations p
             where p.status = %s
               and not exists (select 1 from invocations a
                                where a.exclusive_key = p.exclusive_key
                                  and a.status in (%s))
             limit 10000""".formatted(PENDING.sql(), InvocationStatus.sql(HOLDING_KEY));

    /**
     * How many keys one promotion transaction locks at most: each lock takes an entry of PostgreSQL's shared lock
     * table ({@code max_locks_per_transaction} times the connections) until the transaction ends.
     */
    static final int KEYS_PER_TRANSACTION = 500;

    private final JdbcTemplate jdbc;
    private final TransactionTemplate transactions;
    private final RecordHeaders headers;
    private final Clock clock;

    KeyPromotions(JdbcTemplate jdbc, TransactionTemplate transactions, RecordHeaders headers, Clock clock) {
        this.jdbc = jdbc;
        this.transactions = transactions;
        this.headers = headers;
        this.clock = clock;
    }

    /**
     * Makes the oldest pending invocation of each key ready where nothing else holds the key; says how many. Keys
     * are promoted {@value #KEYS_PER_TRANSACTION} to a transaction, each holding one lock per key.
     */
    int promote(Set<String> exclusiveKeys) {
        int promoted = 0;
        List<String> keys = List.copyOf(exclusiveKeys);
        for (int from = 0; from < keys.size(); from += KEYS_PER_TRANSACTION) {
            int to = Math.min(keys.size(), from + KEYS_PER_TRANSACTION);
            promoted += promoteInOneTransaction(keys.subList(from, to));
        }
        return promoted;
    }

    private int promoteInOneTransaction(List<String> exclusiveKeys) {
        OffsetDateTime now = StoredTimes.timestamp(clock.instant());
        String[] keys = exclusiveKeys.toArray(String[]::new);
        Integer promoted = transactions.execute(status -> {
            lock(keys);
            return jdbc.query(PROMOTE, (row, n) -> row.getString(1), now, now, keys).size();
        });
        return promoted == null ? 0 : promoted;
    }

    /**
     * Starts the next invocation of at most {@code budget} of the released keys at once under {@code owner}'s lease,
     * and makes the next invocation of each other key ready; must run inside the caller's transaction, which it
     * makes hold the lock of each key until it ends. The budget is the call slots the caller holds: an invocation
     * started here that it could not call would go back to the table, two writes for nothing.
     */
    List<ClaimedInvocation> promoteAndClaim(String owner, Set<String> exclusiveKeys, int budget, Duration lease,
            OffsetDateTime now) {
        List<String> keys = List.copyOf(exclusiveKeys);
        lock(keys);
        return startHeads(owner, keys, budget, lease, now).started();
    }

    /** What {@link #startHeads} did: the heads it started, and how many heads beyond the budget it made ready. */
    record Heads(List<ClaimedInvocation> started, int readied) {

        static final Heads NONE = new Heads(List.of(), 0);
    }

    /**
     * Passes on the keys of an ingest transaction that locked them with {@link #lock} before its first read:
     * starts the head of up to {@code budget} of the keys that nothing holds, in the order given, under
     * {@code owner}'s lease, and makes the heads of the others ready. Keys held already keep waiting for their
     * holder, whose outcome promotes the next one; the caller need not promote any of the keys after it commits.
     */
    Heads startHeads(String owner, List<String> lockedKeys, int budget, Duration lease, OffsetDateTime now) {
        String[] keys = lockedKeys.toArray(String[]::new);
        List<ClaimedInvocation> started = budget <= 0 ? List.of()
                : jdbc.query(START_HEADS, InvocationRows.claimed(headers), owner, now.plus(lease), now, now, now, keys,
                        budget);
        if (started.size() < budget || budget >= keys.length) {
            // the budget cut no key off: every key nothing held has its head started, and none is left to promote
            return new Heads(started, 0);
        }
        return new Heads(started, jdbc.query(PROMOTE, (row, n) -> row.getString(1), now, now, keys).size());
    }

    /** Promotes every key that has pending invocations and no holder. */
    int promoteAll() {
        return promote(new LinkedHashSet<>(jdbc.queryForList(UNHELD_KEYS, String.class)));
    }

    /**
     * Makes the caller's transaction hold the lock of each key until it ends, waiting for any other transaction
     * that holds one of them; whatever the caller reads in its next statements includes what those committed.
     * Lock all of a transaction's keys in one call: keys locked by a later call may come before held ones in
     * hash order, and two transactions doing so can deadlock (PostgreSQL then fails one of them).
     */
    void lock(Collection<String> exclusiveKeys) {
        if (!exclusiveKeys.isEmpty()) {
            lock(exclusiveKeys.toArray(String[]::new));
        }
    }

    private void lock(String[] keys) {
        jdbc.queryForObject(LOCK_KEYS, Long.class, (Object) keys);
    }
}
