package dev.ferry.dispatch;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Deque;
import java.util.IdentityHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.ferry.invocation.ClaimedInvocation;
import dev.ferry.invocation.DatabaseFailure;
import dev.ferry.invocation.InvocationStore;
import dev.ferry.invocation.Outcome;

/**
 * Writes outcomes to the invocation table in batches on one thread, so that a thousand finished calls
 * cost a handful of statements. A batch that cannot be written because the database cannot be reached is
 * kept and retried with backoff: its invocations stay leased meanwhile, so no other instance runs them. A
 * batch the database refuses for what is in it is split in halves until the refused outcomes are found;
 * the others are written at once, and each refused one is recorded as paused with the database's reason,
 * so that one outcome never holds the others back. The {@link DurableEffect}s of an attempt are written
 * in the transaction of its outcome.
 */
class OutcomeRecorder {

    private static final Logger log = LoggerFactory.getLogger(OutcomeRecorder.class);
    private static final int MAX_BATCH = 1000;
    private static final Duration MAX_BACKOFF = Duration.ofSeconds(5);

    /**
     * An outcome waiting to be written, with the exclusive key it releases (or null), its attempt's effects, and
     * whether its call's slot was kept for the key's successor ({@code holdsSlot}).
     */
    record Pending(Outcome outcome, String releasedKey, List<DurableEffect> effects, boolean holdsSlot) {

        Pending(Outcome outcome, String releasedKey, List<DurableEffect> effects) {
            this(outcome, releasedKey, effects, false);
        }
    }

    /**
     * Told after each batch is written: how many outcomes are durable (0 when the write failed), the successors to
     * call now, and how many call slots were reserved for them before the write (the slots they do not take must be
     * freed).
     */
    interface Written {
        void accept(int outcomes, List<ClaimedInvocation> successors, int reserved);
    }

    /** Takes up to {@code wanted} free call slots for the successors of a batch about to be written. */
    interface Slots {
        int reserve(int wanted);
    }

    /** Since when writes (or claims) fail, and the last error. */
    record Failing(Instant since, String error) {
    }

    /** Where outcomes go: {@link InvocationStore#recordOutcomes}. */
    interface Store {
        InvocationStore.Recorded record(String owner, List<Outcome> outcomes, Set<String> releasedKeys,
                Duration lease, int budget);
    }

    /** Runs work in one database transaction, which the store's own statements join. */
    interface Transactions {
        <T> T inTransaction(Supplier<T> work);
    }

    private final Store store;
    private final String owner;
    private final Written written;
    private final Slots slots;
    private final Supplier<Duration> lease;
    private final Clock clock;
    private final Duration stuckAfter;
    private final Transactions transactions;
    private final LinkedBlockingQueue<Pending> queue = new LinkedBlockingQueue<>();
    private final Set<String> unwritten = ConcurrentHashMap.newKeySet();
    /** The queued outcomes whose call slot this recorder still holds for their key's successor; its thread's own. */
    private final Set<Pending> holding = Collections.newSetFromMap(new IdentityHashMap<>());
    private final Thread thread;
    private final CountDownLatch stopSignal = new CountDownLatch(1);
    private volatile boolean stopping;
    private volatile Failing failing;
    private boolean warnedStuck;

    /**
     * @param slots      reserves call slots for the successors of a batch before it is written, so that the store
     *                   starts only as many as can be called at once and makes the others ready for any instance
     * @param afterWrite called with the number of outcomes written, after each batch is durable
     * @param stuckAfter how long writes may fail before that is reported as stuck
     * @param transactions where the outcomes of a batch are written together with their attempts' effects
     */
    OutcomeRecorder(Store store, String owner, Supplier<Duration> lease, Slots slots, Written afterWrite, Clock clock,
            Duration stuckAfter, Transactions transactions) {
        this.slots = slots;
        this.transactions = transactions;
        this.lease = lease;
        this.store = store;
        this.owner = owner;
        this.written = afterWrite;
        this.clock = clock;
        this.stuckAfter = stuckAfter;
        this.thread = new Thread(this::run, "ferry-outcomes");
        this.thread.setDaemon(true);
    }

    void start() {
        thread.start();
    }

    void add(Outcome outcome, String releasedKey, List<DurableEffect> effects) {
        add(outcome, releasedKey, effects, false);
    }

    /**
     * Queues an outcome. With {@code holdsSlot}, the finished call's slot goes with it: the write starts the released
     * key's successor in it, as a call taking the slot meanwhile would leave the successor to be made ready and
     * claimed (two row versions where one does), and frees it when there is none or the write fails.
     */
    void add(Outcome outcome, String releasedKey, List<DurableEffect> effects, boolean holdsSlot) {
        unwritten.add(outcome.id());
        queue.add(new Pending(outcome, releasedKey, effects, holdsSlot && releasedKey != null));
    }

    /** The invocations whose outcome is queued or being written: this instance still holds them. */
    Set<String> unwritten() {
        return unwritten;
    }

    /** Outcomes waiting to be written. */
    int backlog() {
        return queue.size();
    }

    /** Since when writing outcomes fails, and the last error; null while writes succeed. */
    Failing failing() {
        return failing;
    }

    /** Writes what is queued, then stops; waits at most {@code timeout}. */
    void stop(Duration timeout) throws InterruptedException {
        stopping = true;
        stopSignal.countDown();
        thread.join(timeout.toMillis());
    }

    private void run() {
        List<Pending> batch = new ArrayList<>();
        Duration backoff = Duration.ofMillis(100);
        while (!(stopping && queue.isEmpty() && batch.isEmpty())) {
            try {
                if (batch.isEmpty()) {
                    Pending first = queue.poll(50, TimeUnit.MILLISECONDS);
                    if (first == null) {
                        continue;
                    }
                    batch.add(first);
                    queue.drainTo(batch, MAX_BATCH - 1);
                    for (Pending pending : batch) {
                        if (pending.holdsSlot()) {
                            holding.add(pending);
                        }
                    }
                }
                writeIsolating(batch);
                succeeded();
                backoff = Duration.ofMillis(100);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            } catch (RuntimeException e) {
                failed(batch.size(), backoff, e);
                try {
                    stopSignal.await(backoff.toMillis(), TimeUnit.MILLISECONDS);
                } catch (InterruptedException interrupted) {
                    Thread.currentThread().interrupt();
                    return;
                }
                backoff = backoff.multipliedBy(2).compareTo(MAX_BACKOFF) > 0 ? MAX_BACKOFF : backoff.multipliedBy(2);
            }
        }
    }

    /**
     * Writes {@code batch}, removing from it what is durable. A part the database refuses for its content is
     * halved until the refused outcomes are found, and those are recorded as paused. Throws when the database
     * cannot be reached, or when it refuses even the paused outcome; the unwritten rest stays in {@code batch}.
     */
    void writeIsolating(List<Pending> batch) {
        Deque<List<Pending>> parts = new ArrayDeque<>();
        parts.push(List.copyOf(batch));
        while (!parts.isEmpty()) {
            List<Pending> part = parts.pop();
            try {
                write(part);
            } catch (RuntimeException e) {
                if (DatabaseFailure.isTransient(e)) {
                    throw e;
                }
                if (part.size() > 1) {
                    parts.push(part.subList(part.size() / 2, part.size()));
                    parts.push(part.subList(0, part.size() / 2));
                    continue;
                }
                writeRefused(part.getFirst(), e);
            }
            removeWritten(batch, part);
        }
    }

    /** Removes a written part from the batch by identity: comparing outcomes by value would cost as much as writing. */
    private static void removeWritten(List<Pending> batch, List<Pending> part) {
        if (part.size() == batch.size()) {
            batch.clear();
            return;
        }
        Set<Pending> written = Collections.newSetFromMap(new IdentityHashMap<>());
        written.addAll(part);
        batch.removeIf(written::contains);
    }

    /** Records an outcome the database refused as paused, with the reason: an operator resumes or kills it. */
    private void writeRefused(Pending refused, RuntimeException error) {
        String reason = DatabaseFailure.reason(error);
        log.warn("The database refused the outcome of invocation {} ({}); recording it as paused: {}",
                refused.outcome().id(), refused.outcome().getClass().getSimpleName(), reason);
        Outcome paused = new Outcome.Paused(refused.outcome().id(),
                "Ferry could not record this attempt's outcome, the database refused it: " + reason
                        + "; resume the invocation to run it again, or kill it");
        // when even this is refused, the database is in trouble rather than the row: retry it with the rest
        write(List.of(new Pending(paused, null, List.of())));
    }

    private void write(List<Pending> part) {
        Duration successorLease = lease.get();
        int held = takeHeldSlots(part);
        int reserved = held + (successorLease == null ? 0 : slots.reserve(releasedKeys(part) - held));
        List<ClaimedInvocation> successors = List.of();
        boolean durable = false;
        try {
            successors = part.stream().allMatch(pending -> pending.effects().isEmpty())
                    ? record(part, successorLease, reserved).successors()
                    : transactions.inTransaction(() -> recordWithEffects(part, successorLease, reserved));
            durable = true;
            part.forEach(pending -> unwritten.remove(pending.outcome().id()));
        } finally {
            try {
                written.accept(durable ? part.size() : 0, successors, reserved);
            } catch (RuntimeException e) {
                if (durable) {
                    // the outcomes are durable: writing them again would not help
                    log.warn("Could not start the {} successor(s) of recorded outcomes; they run once their lease"
                            + " expires", successors.size(), e);
                } else {
                    // the write failed and is retried; only the slots reserved for its successors were to be freed
                    log.warn("Could not free the {} call slot(s) reserved for a write that failed", reserved, e);
                }
            }
        }
    }

    /**
     * The slots the outcomes of {@code part} hold for their successors, handed to this write: it frees those its
     * successors do not take, whether it succeeds or not, so a part written again reserves slots anew.
     */
    private int takeHeldSlots(List<Pending> part) {
        if (holding.isEmpty()) {
            return 0;
        }
        int held = 0;
        for (Pending pending : part) {
            held += holding.remove(pending) ? 1 : 0;
        }
        return held;
    }

    private static int releasedKeys(List<Pending> part) {
        int keys = 0;
        for (Pending pending : part) {
            keys += pending.releasedKey() == null ? 0 : 1;
        }
        return keys;
    }

    /**
     * Writes the effects of a part and records its outcomes, in the caller's transaction. A success whose effect
     * leaves its fence to the outcome is recorded under that fence first, and its effect written only if the
     * outcome completed the invocation; the other effects are written before the outcomes.
     */
    private List<ClaimedInvocation> recordWithEffects(List<Pending> part, Duration successorLease, int budget) {
        List<Pending> applied = applyEffects(part);
        InvocationStore.Recorded recorded = record(applied, successorLease, budget);
        Map<DurableEffect.Batch, List<DurableEffect>> fenced = new IdentityHashMap<>();
        for (Pending pending : applied) {
            if (pending.outcome() instanceof Outcome.Succeeded success && success.fence() != null) {
                if (recorded.superseded().contains(success.id())) {
                    log.debug("The outcome of invocation {} was superseded: {}", success.id(),
                            success.fence().superseded());
                } else {
                    DurableEffect effect = pending.effects().getFirst();
                    fenced.computeIfAbsent(effect.batch(), key -> new ArrayList<>()).add(effect);
                }
            }
        }
        fenced.forEach(DurableEffect.Batch::writeFenced);
        return recorded.successors();
    }

    private InvocationStore.Recorded record(List<Pending> part, Duration successorLease, int budget) {
        List<Outcome> outcomes = new ArrayList<>(part.size());
        Set<String> released = new LinkedHashSet<>();
        for (Pending pending : part) {
            outcomes.add(pending.outcome());
            if (pending.releasedKey() != null) {
                released.add(pending.releasedKey());
            }
        }
        return store.record(owner, outcomes, released, successorLease, budget);
    }

    /**
     * Writes the effects of each pending outcome, those of one {@link DurableEffect.Batch} together; an attempt
     * whose effect finds it {@link OutcomeSuperseded} is recorded as a retry at once instead, releasing nothing. A
     * success whose effect leaves its fence to the outcome is returned fenced by it, its effect unwritten.
     */
    private List<Pending> applyEffects(List<Pending> part) {
        Map<DurableEffect.Batch, List<DurableEffect>> batches = new IdentityHashMap<>();
        Map<DurableEffect, String> superseded = new IdentityHashMap<>();
        List<Outcome.JournalFence> fences = new ArrayList<>(part.size());
        for (Pending pending : part) {
            DurableEffect.Batch batch = batchOf(pending);
            Outcome.JournalFence fence = fenceOf(pending);
            fences.add(fence);
            if (batch != null && fence == null) {
                batches.computeIfAbsent(batch, key -> new ArrayList<>()).add(pending.effects().getFirst());
            }
        }
        batches.forEach((batch, effects) -> superseded.putAll(batch.writeAll(effects)));
        List<Pending> applied = new ArrayList<>(part.size());
        for (int i = 0; i < part.size(); i++) {
            Pending pending = part.get(i);
            Outcome.JournalFence fence = fences.get(i);
            if (fence != null) {
                applied.add(new Pending(((Outcome.Succeeded) pending.outcome()).fencedBy(fence),
                        pending.releasedKey(), pending.effects()));
                continue;
            }
            String why = batchOf(pending) == null ? writeEach(pending) : superseded.get(pending.effects().getFirst());
            if (why == null) {
                applied.add(pending);
            } else {
                log.debug("The outcome of invocation {} was superseded: {}", pending.outcome().id(), why);
                applied.add(new Pending(OutcomePolicy.retryLater(pending.outcome().id(), Duration.ZERO, why,
                        clock.instant()).outcome(), null, List.of()));
            }
        }
        return applied;
    }

    /** The fence a successful attempt's one batched effect leaves to its outcome, or null. */
    private static Outcome.JournalFence fenceOf(Pending pending) {
        return pending.outcome() instanceof Outcome.Succeeded && batchOf(pending) != null
                ? pending.effects().getFirst().successFence() : null;
    }

    /** The batch an attempt's one effect is written with, or null when it has none or several effects. */
    private static DurableEffect.Batch batchOf(Pending pending) {
        return pending.effects().size() == 1 ? pending.effects().getFirst().batch() : null;
    }

    /** Writes the effects of one attempt in order; says why the attempt was superseded, or null if it was not. */
    private static String writeEach(Pending pending) {
        try {
            pending.effects().forEach(DurableEffect::write);
            return null;
        } catch (OutcomeSuperseded superseded) {
            return superseded.getMessage();
        }
    }

    private void succeeded() {
        if (failing != null) {
            log.info("Recording invocation outcomes again after {} of failures",
                    Duration.between(failing.since(), clock.instant()));
        }
        failing = null;
        warnedStuck = false;
    }

    private void failed(int outcomes, Duration backoff, RuntimeException e) {
        Instant now = clock.instant();
        Instant since = failing != null ? failing.since() : now;
        failing = new Failing(since, DatabaseFailure.reason(e));
        log.warn("Could not record {} invocation outcome(s), retrying in {}ms: {}", outcomes, backoff.toMillis(),
                failing.error());
        if (!warnedStuck && Duration.between(since, now).compareTo(stuckAfter) >= 0) {
            warnedStuck = true;
            log.warn("Recording invocation outcomes has failed for {}; claims pause while {} outcome(s) wait",
                    Duration.between(since, now), outcomes + queue.size());
        }
    }
}
