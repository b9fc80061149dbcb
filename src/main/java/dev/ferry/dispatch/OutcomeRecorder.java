package dev.ferry.dispatch;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

import dev.ferry.invocation.ClaimedInvocation;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.ferry.invocation.InvocationStore;
import dev.ferry.invocation.Outcome;

/**
 * Writes outcomes to the invocation table in batches on one thread, so that a thousand finished calls
 * cost a handful of statements. A batch that cannot be written (database down) is kept and retried:
 * its invocations stay leased meanwhile, so no other instance runs them.
 */
class OutcomeRecorder {

    private static final Logger log = LoggerFactory.getLogger(OutcomeRecorder.class);
    private static final int MAX_BATCH = 1000;

    /** An outcome waiting to be written, with the exclusive key it releases (or null). */
    record Pending(Outcome outcome, String releasedKey) {
    }

    private final InvocationStore store;
    private final String owner;
    private final Written written;
    private final Supplier<Duration> lease;

    /** Told after each batch is durable: how many outcomes were written, and the successors to call now. */
    interface Written {
        void accept(int outcomes, List<ClaimedInvocation> successors);
    }
    private final LinkedBlockingQueue<Pending> queue = new LinkedBlockingQueue<>();
    private final Thread thread;
    private final CountDownLatch stopSignal = new CountDownLatch(1);
    private volatile boolean stopping;

    /**
     * @param afterWrite called with the number of outcomes written, after each batch is durable
     */
    OutcomeRecorder(InvocationStore store, String owner, Supplier<Duration> lease, Written afterWrite) {
        this.lease = lease;
        this.store = store;
        this.owner = owner;
        this.written = afterWrite;
        this.thread = new Thread(this::run, "ferry-outcomes");
        this.thread.setDaemon(true);
    }

    void start() {
        thread.start();
    }

    void add(Outcome outcome, String releasedKey) {
        queue.add(new Pending(outcome, releasedKey));
    }

    /** Outcomes waiting to be written. */
    int backlog() {
        return queue.size();
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
                }
                List<ClaimedInvocation> successors = write(batch);
                written.accept(batch.size(), successors);
                batch.clear();
                backoff = Duration.ofMillis(100);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            } catch (RuntimeException e) {
                log.warn("Could not record {} invocation outcome(s), retrying in {}ms: {}", batch.size(),
                        backoff.toMillis(), e.getMessage());
                try {
                    stopSignal.await(backoff.toMillis(), TimeUnit.MILLISECONDS);
                } catch (InterruptedException interrupted) {
                    Thread.currentThread().interrupt();
                    return;
                }
                backoff = backoff.multipliedBy(2).compareTo(Duration.ofSeconds(5)) > 0 ? Duration.ofSeconds(5)
                        : backoff.multipliedBy(2);
            }
        }
    }

    private List<ClaimedInvocation> write(List<Pending> batch) {
        List<Outcome> outcomes = new ArrayList<>(batch.size());
        Set<String> released = new LinkedHashSet<>();
        for (Pending pending : batch) {
            outcomes.add(pending.outcome());
            if (pending.releasedKey() != null) {
                released.add(pending.releasedKey());
            }
        }
        return store.record(owner, outcomes, released, lease.get());
    }
}
