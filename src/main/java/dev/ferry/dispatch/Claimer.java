package dev.ferry.dispatch;

import java.time.Clock;
import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.IntFunction;
import java.util.function.Supplier;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.ferry.invocation.ClaimedInvocation;
import dev.ferry.invocation.DatabaseFailure;
import dev.ferry.invocation.InvocationStore;

/**
 * The thread that claims runnable invocations in batches into reserved call slots, and the timer that wakes
 * it for what no local event announces: due delayed sends and retries, suspended invocations whose timer is due,
 * expired leases, work enqueued by other instances. Renews this instance's leases on the same timer.
 */
class Claimer {

    private static final Logger log = LoggerFactory.getLogger(Claimer.class);

    private final Supplier<Collection<String>> inFlight;
    private final InvocationStore store;
    private final IntFunction<Reservation> reserve;
    private final Supplier<Set<String>> saturated;
    private final DispatchProperties properties;
    private final Clock clock;
    private final String owner;
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition wake = lock.newCondition();
    private final Thread thread = new Thread(this::claimLoop, "ferry-dispatcher");
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(runnable -> {
        Thread timerThread = new Thread(runnable, "ferry-dispatch-timer");
        timerThread.setDaemon(true);
        return timerThread;
    });
    private boolean nudged;
    private volatile boolean running;
    private volatile OutcomeRecorder.Failing failing;

    /**
     * @param reserve   takes up to that many call slots
     * @param saturated subscriptions that may not start another call now
     */
    Claimer(InvocationStore store, IntFunction<Reservation> reserve, Supplier<Set<String>> saturated,
            Supplier<Collection<String>> inFlight, DispatchProperties properties, Clock clock, String owner) {
        this.store = store;
        this.inFlight = inFlight;
        this.reserve = reserve;
        this.saturated = saturated;
        this.properties = properties;
        this.clock = clock;
        this.owner = owner;
    }

    void start() {
        long leaseMillis = properties.lease().toMillis();
        timer.scheduleWithFixedDelay(this::maintain, 0, Math.max(100, leaseMillis / 3), TimeUnit.MILLISECONDS);
        timer.scheduleWithFixedDelay(this::tick, properties.pollInterval().toMillis(),
                properties.pollInterval().toMillis(), TimeUnit.MILLISECONDS);
        running = true;
        thread.start();
    }

    /** Stops claiming and waits for the claiming thread until {@code deadline}; the timer runs until {@link #close}. */
    void stop(Deadline deadline) throws InterruptedException {
        running = false;
        nudge();
        thread.join(deadline.leftMillis());
    }

    void close() {
        timer.shutdownNow();
    }

    /** Since when claims fail, and the last error; null while they succeed. */
    OutcomeRecorder.Failing failing() {
        return failing;
    }

    boolean isClaiming() {
        return Thread.currentThread() == thread;
    }

    /** Wakes the claimer now. */
    void nudge() {
        lock.lock();
        try {
            nudged = true;
            wake.signalAll();
        } finally {
            lock.unlock();
        }
    }

    /** Wakes the claimer once {@code wait} has passed, for a retry due sooner than the poll interval. */
    void nudgeAfter(Duration wait) {
        if (!running) {
            return;
        }
        try {
            timer.schedule(this::nudge, wait.toMillis() + 1, TimeUnit.MILLISECONDS);
        } catch (RuntimeException stopping) {
            log.debug("Not waking the claimer for a retry: {}", stopping.toString());
        }
    }

    private void awaitNudge(Duration timeout) throws InterruptedException {
        lock.lock();
        try {
            long nanos = timeout.toNanos();
            while (!nudged && nanos > 0 && running) {
                nanos = wake.awaitNanos(nanos);
            }
            nudged = false;
        } finally {
            lock.unlock();
        }
    }

    private void claimLoop() {
        while (running) {
            try {
                boolean more;
                try (Reservation reservation = reserve.apply(properties.claimBatch())) {
                    more = reservation.size() > 0 && claimInto(reservation);
                }
                if (!more) {
                    awaitNudge(properties.pollInterval());
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            } catch (RuntimeException e) {
                failing = new OutcomeRecorder.Failing(failing != null ? failing.since() : clock.instant(),
                        DatabaseFailure.reason(e));
                log.warn("Could not claim invocations, trying again in {}: {}", properties.pollInterval(),
                        failing.error());
                try {
                    awaitNudge(properties.pollInterval());
                } catch (InterruptedException interrupted) {
                    Thread.currentThread().interrupt();
                    return;
                }
            }
        }
    }

    /** Claims as many invocations as the reservation holds and starts them; true when it got all it asked for. */
    private boolean claimInto(Reservation reservation) {
        List<ClaimedInvocation> claimed = store.claim(owner, reservation.size(), properties.lease(), saturated.get());
        reservation.start(claimed);
        failing = null;
        return claimed.size() == reservation.size();
    }

    /** Runs the look for due work once {@code wait} has passed, for a timer due sooner than the poll interval. */
    void tickAfter(Duration wait) {
        if (!running) {
            return;
        }
        try {
            timer.schedule(this::tick, wait.toMillis() + 1, TimeUnit.MILLISECONDS);
        } catch (RuntimeException stopping) {
            log.debug("Not waking the claimer for a timer: {}", stopping.toString());
        }
    }

    /**
     * Looks for work no local event announced: due delayed sends, due retries, suspended invocations whose
     * timer is due or whose completion arrived, other instances' records.
     */
    private void tick() {
        try {
            store.releaseScheduled();
        } catch (RuntimeException e) {
            log.warn("Could not release due scheduled invocations, will try again: {}", e.getMessage());
        }
        try {
            store.wakeSuspended();
        } catch (RuntimeException e) {
            log.warn("Could not wake suspended invocations, will try again: {}", e.getMessage());
        }
        nudge();
    }

    private void maintain() {
        try {
            Collection<String> held = inFlight.get();
            store.renewLeases(owner, held, properties.lease());
            int recovered = store.recoverExpiredLeases(owner, held);
            if (recovered > 0) {
                log.info("Took over {} invocation(s) whose instance stopped renewing its lease", recovered);
                nudge();
            }
            if (store.promoteAll() > 0) {
                nudge();
            }
        } catch (RuntimeException e) {
            log.warn("Dispatcher maintenance failed, will try again: {}", e.getMessage());
        }
    }
}
