package dev.ferry.invocation;

import java.time.Clock;
import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.Set;

import org.springframework.context.ApplicationEventPublisher;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Repository;
import org.springframework.transaction.support.TransactionTemplate;
import tools.jackson.databind.json.JsonMapper;

/**
 * The invocation table's hot path, in batched JDBC, one job per class behind it: {@link Intake} enqueues a
 * poll's records in one statement and stores callers' submissions, {@link Claims} claims batches of runnable
 * invocations, {@link OutcomeWriter} records batches of outcomes, {@link KeyPromotions} promotes the next
 * invocation of each object key whose exclusive holder finished, {@link Leases} keeps the leases of running
 * invocations, and {@link Wakeups} makes suspended invocations with a due completion ready again.
 */
@Repository
public class InvocationStore {

    private final Intake intake;
    private final Claims claims;
    private final OutcomeWriter outcomes;
    private final KeyPromotions promotions;
    private final Leases leases;
    private final Wakeups wakeups;

    public InvocationStore(JdbcTemplate jdbc, TransactionTemplate transactions, JsonMapper json,
            ApplicationEventPublisher events, Clock clock) {
        RecordHeaders headers = new RecordHeaders(json);
        this.promotions = new KeyPromotions(jdbc, transactions, headers, clock);
        this.intake = new Intake(jdbc, transactions, headers, promotions, events, clock);
        this.claims = new Claims(jdbc, headers, clock);
        this.outcomes = new OutcomeWriter(jdbc, transactions, promotions, events, clock);
        this.leases = new Leases(jdbc, clock);
        this.wakeups = new Wakeups(jdbc, events, clock);
    }

    /**
     * Stores invocations in one transaction, skipping any whose record was stored before, and promotes the
     * exclusive ones that may run in the same transaction; returns once the rows are durable. Up to
     * {@code budget} runnable ones, then the next invocation of each idle key, are stored or started running
     * under {@code owner}'s lease: the caller must call exactly those it gets back, which skips a claim per
     * invocation. Invocations whose record was stored before are never among the runnable ones; the next
     * invocation of a key may be one stored before, left waiting by an earlier poll.
     */
    public List<ClaimedInvocation> enqueue(List<NewInvocation> invocations, String owner, int budget, Duration lease) {
        return intake.enqueue(invocations, owner, budget, lease);
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
        return intake.submit(invocation);
    }

    /** Moves delayed invocations that are due into the queue: ready, or pending behind their key. */
    public int releaseScheduled() {
        return intake.releaseScheduled();
    }

    /**
     * Makes ready every suspended invocation that has a due completion (a timer whose time has come, a result
     * that arrived); safe to run on every instance at once.
     *
     * @return how many invocations woke up
     */
    public int wakeSuspended() {
        return wakeups.wake();
    }

    /**
     * Claims up to {@code max} runnable invocations for {@code owner}, leasing them until
     * {@code now + lease}; an instance that dies loses its leases and others take the work over.
     */
    public List<ClaimedInvocation> claim(String owner, int max, Duration lease, Set<String> skippedSubscriptions) {
        return claims.claim(owner, max, lease, skippedSubscriptions);
    }

    /** Hands claimed invocations back unstarted, as if they had never been claimed. */
    public void unclaim(String owner, List<String> ids) {
        claims.unclaim(owner, ids);
    }

    /**
     * Records the outcomes of finished attempts in one transaction. An outcome whose invocation is no
     * longer leased by {@code owner} (cancelled meanwhile, or taken over after a lost lease) is ignored.
     * With a {@code lease}, the next invocation of up to {@code budget} released keys (the call slots the caller
     * holds for them) is started at once under {@code owner}'s lease, in the same transaction, and returned for the
     * caller to call; the next invocations of the other keys become ready, for whichever instance claims them
     * first. Without a lease (stopping), the keys are only promoted.
     */
    public List<ClaimedInvocation> record(String owner, List<Outcome> outcomes, Set<String> releasedKeys,
            Duration lease, int budget) {
        return recordOutcomes(owner, outcomes, releasedKeys, lease, budget).successors();
    }

    /**
     * {@link #record}, saying also which successes under a {@link Outcome.JournalFence} found their journal grown
     * or their claim gone: those completed nothing (the ones still leased here are retried at once), so what their
     * attempts produced must not be written.
     */
    public Recorded recordOutcomes(String owner, List<Outcome> outcomes, Set<String> releasedKeys, Duration lease,
            int budget) {
        return this.outcomes.record(owner, outcomes, releasedKeys, lease, budget);
    }

    /**
     * What recording a batch of outcomes did.
     *
     * @param successors the next invocations of released keys, started under the recording owner's lease
     * @param superseded the fenced successes that completed nothing
     */
    public record Recorded(List<ClaimedInvocation> successors, Set<String> superseded) {
    }

    /**
     * Makes the oldest pending invocation of each key ready where nothing else holds the key.
     *
     * @return how many invocations became ready
     */
    public int promote(Set<String> exclusiveKeys) {
        return promotions.promote(exclusiveKeys);
    }

    /** Promotes every key that has pending invocations and no holder; a safety net run on a timer. */
    public int promoteAll() {
        return promotions.promoteAll();
    }

    /**
     * Extends the leases of the invocations {@code owner} has in flight: calls running and outcomes not yet
     * written. A row leased to this instance that it no longer knows of (its start was lost, say, when a commit
     * succeeded but its answer did not arrive) is not renewed, so it runs out and is taken over. The new end is
     * computed once the statement has its connection: computed before, a renewal that waited out a database
     * outage in the pool would write a lease that has already run out.
     */
    public int renewLeases(String owner, Collection<String> inFlight, Duration lease) {
        return leases.renew(owner, inFlight, lease);
    }

    /**
     * Makes invocations whose lease ran out (their instance died, or it lost track of them) ready again. Those
     * {@code self} has in flight are left alone whatever their lease says: this instance still owes their
     * outcomes, which may be waiting to be written; taking them over would run them a second time, beside the first.
     */
    public int recoverExpiredLeases(String self, Collection<String> inFlight) {
        return leases.recoverExpired(self, inFlight);
    }

    /** Hands back what {@code owner} still runs at shutdown, so the next instance starts it at once. */
    public int release(String owner) {
        return leases.release(owner);
    }
}
