package dev.ferry.invocation;

import static dev.ferry.invocation.InvocationStatus.HOLDING_KEY;
import static dev.ferry.invocation.InvocationStatus.PENDING;
import static dev.ferry.invocation.InvocationStatus.READY;
import static dev.ferry.invocation.InvocationStatus.RUNNING;

import java.time.Clock;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Per-key exclusivity: an exclusive invocation is inserted {@code pending}; promotion makes the oldest pending
 * invocation of a key {@code ready} only while no invocation of that key holds it (is
 * {@link InvocationStatus#HOLDING_KEY ready, running, backing off or paused}). Promotions run under one
 * transaction-scoped advisory lock, so two instances never promote two invocations of one key; claims then
 * need no key check at all.
 */
final class KeyPromotions {

    /** Advisory lock id that serialises promotions across instances ("ferry" in ASCII). */
    private static final long PROMOTION_LOCK = 0x6665727279L;

    private static final String LOCK = "select pg_advisory_xact_lock(?)";

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

    private static final String PROMOTE = """
            update invocations i
               set status = %s, next_attempt_at = ?, modified_at = ?
             where i.id in %s
            returning exclusive_key""".formatted(READY.sql(), KEY_HEADS);

    /** Like {@link #PROMOTE}, but the next invocation of each key starts running at once under a lease. */
    private static final String PROMOTE_AND_CLAIM = """
            update invocations i
               set status = %s, attempts = i.attempts + 1, lease_owner = ?, lease_until = ?,
                   first_running_at = coalesce(i.first_running_at, ?), modified_at = ?, next_attempt_at = ?
             where i.id in %s
            returning %s""".formatted(RUNNING.sql(), KEY_HEADS, InvocationRows.CLAIMED_COLUMNS);

    /** Every key that has pending invocations and no holder, for the safety net. */
    private static final String UNHELD_KEYS = """
            select distinct p.exclusive_key from invocations p
             where p.status = %s
               and not exists (select 1 from invocations a
                                where a.exclusive_key = p.exclusive_key
                                  and a.status in (%s))
             limit 10000""".formatted(PENDING.sql(), InvocationStatus.sql(HOLDING_KEY));

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

    /** Makes the oldest pending invocation of each key ready where nothing else holds the key; says how many. */
    int promote(Set<String> exclusiveKeys) {
        if (exclusiveKeys.isEmpty()) {
            return 0;
        }
        OffsetDateTime now = StoredTimes.timestamp(clock.instant());
        Integer promoted = transactions.execute(status -> {
            lock();
            return jdbc.query(PROMOTE, (row, n) -> row.getString(1), now, now,
                    exclusiveKeys.toArray(String[]::new)).size();
        });
        return promoted == null ? 0 : promoted;
    }

    /**
     * Starts the next invocation of each key at once under {@code owner}'s lease; must run inside the caller's
     * transaction, which it makes hold the promotion lock.
     */
    List<ClaimedInvocation> promoteAndClaim(String owner, Set<String> exclusiveKeys, Duration lease,
            OffsetDateTime now) {
        lock();
        return jdbc.query(PROMOTE_AND_CLAIM, InvocationRows.claimed(headers), owner, now.plus(lease), now, now, now,
                exclusiveKeys.toArray(String[]::new));
    }

    /** Promotes every key that has pending invocations and no holder. */
    int promoteAll() {
        return promote(new LinkedHashSet<>(jdbc.queryForList(UNHELD_KEYS, String.class)));
    }

    private void lock() {
        jdbc.queryForObject(LOCK, Object.class, PROMOTION_LOCK);
    }
}
