package dev.ferry.dispatch;

import java.lang.management.ManagementFactory;
import java.time.Clock;
import java.time.Duration;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;
import org.springframework.context.event.EventListener;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionTemplate;

import dev.ferry.dispatch.OutcomePolicy.Decision;
import dev.ferry.invocation.ClaimedInvocation;
import dev.ferry.invocation.ExclusiveKeyReleased;
import dev.ferry.invocation.InvocationAborted;
import dev.ferry.invocation.InvocationStore;
import dev.ferry.invocation.InvocationsEnqueued;
import dev.ferry.invocation.Outcome;
import dev.ferry.service.ServiceRegistry;
import dev.ferry.subscription.SubscriptionChanged;
import dev.ferry.subscription.SubscriptionRegistry;

/**
 * Runs invocations on this instance within a bound of calls in flight. Each call holds a slot, taken by a
 * {@link Reservation} from {@link #reserve}: the ingest listener reserves slots for the records it stores
 * already running, one thread claims runnable invocations in batches while slots are free, and the
 * successors of finished invocations reserve theirs. {@link Attempts} calls the handlers; {@link OutcomeRecorder}
 * writes the outcomes in batches and frees the slots. Work announced on this instance (new records, finished
 * calls) wakes the claimer at once; a timer covers due retries, expired leases and work enqueued elsewhere.
 */
@Component
public class Dispatcher implements SmartLifecycle {

    /** Starts before the consumers and stops after them, so that no ingested record waits on a stopped dispatcher. */
    public static final int PHASE = Integer.MAX_VALUE - 2000;

    private static final Logger log = LoggerFactory.getLogger(Dispatcher.class);

    private final InvocationStore store;
    private final TransactionTemplate transactions;
    private final SubscriptionLimits limits;
    private final DispatchProperties properties;
    private final Clock clock;
    private final String owner;
    private final Semaphore permits;
    private final Attempts attempts;

    private volatile boolean running;
    private OutcomeRecorder recorder;
    private Claimer claimer;

    Dispatcher(InvocationStore store, TransactionTemplate transactions, ServiceRegistry services,
            SubscriptionRegistry subscriptions, HandlerProtocols protocols, DispatchProperties properties,
            DispatchMetrics metrics, Clock clock, Spans spans) {
        this.store = store;
        this.transactions = transactions;
        this.limits = new SubscriptionLimits(id -> subscriptions.findDetails(id)
                .map(subscription -> subscription.options().maxInFlight()));
        this.properties = properties;
        this.clock = clock;
        this.owner = ManagementFactory.getRuntimeMXBean().getName() + "/"
                + UUID.randomUUID().toString().substring(0, 8);
        this.permits = new Semaphore(properties.maxInFlight());
        metrics.slots(() -> properties.maxInFlight() - permits.availablePermits(), properties.maxInFlight());
        this.attempts = new Attempts(services, protocols, new OutcomePolicy(new Random()), metrics, properties, clock,
                this::finish, spans);
    }

    /** What this instance holds now: calls running and outcomes not yet written; their leases are renewed. */
    private Collection<String> inFlight() {
        Set<String> held = new HashSet<>(attempts.running());
        held.addAll(recorder.unwritten());
        return held;
    }

    @Override
    public void start() {
        recorder = new OutcomeRecorder(store::recordOutcomes, owner, () -> running ? properties.lease() : null,
                this::takeSlots, (written, successors, reserved) -> startSuccessors(written, successors, reserved),
                clock, properties.stuckAfter(),
                this::inTransaction);
        recorder.start();
        claimer = new Claimer(store, this::reserve, limits::saturated, this::inFlight, properties, clock, owner);
        running = true;
        claimer.start();
        log.info("Dispatcher {} started: up to {} calls in flight", owner, properties.maxInFlight());
    }

    /**
     * Stops within {@code shutdown-timeout} in all, counted from the start of the stop: the claimer, the calls
     * in flight and the outcome writes share that one deadline, each wait getting what is left of it. What has
     * not finished by then is handed back to run again.
     */
    @Override
    public void stop() {
        Deadline deadline = Deadline.after(properties.shutdownTimeout());
        running = false;
        try {
            claimer.stop(deadline);
            boolean drained = permits.tryAcquire(properties.maxInFlight(), deadline.leftNanos(), TimeUnit.NANOSECONDS);
            if (drained) {
                permits.release(properties.maxInFlight());
            } else {
                log.warn("Stopping with {} handler call(s) still running; they will run again",
                        properties.maxInFlight() - permits.availablePermits());
            }
            recorder.stop(deadline.left());
            int released = store.release(owner);
            log.info("Dispatcher {} stopped; {} unfinished invocation(s) handed back", owner, released);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (RuntimeException e) {
            log.warn("Dispatcher {} could not hand back its invocations; they run again once their lease expires: {}",
                    owner, e.getMessage());
        } finally {
            claimer.close();
        }
    }

    /** Stops on a thread of its own, so the lifecycle's {@code timeout-per-shutdown-phase} bounds the wait. */
    @Override
    public void stop(Runnable callback) {
        Thread stopping = new Thread(() -> {
            try {
                stop();
            } finally {
                callback.run();
            }
        }, "ferry-dispatcher-stop");
        stopping.start();
    }

    @Override
    public boolean isRunning() {
        return running;
    }

    @Override
    public int getPhase() {
        return PHASE;
    }

    /**
     * Takes up to {@code wanted} free call slots, none while stopping or while more outcomes wait to be written
     * than calls may be in flight. Close the reservation when done: it frees what it did not start.
     */
    public Reservation reserve(int wanted) {
        return new Reservation(this, takeSlots(wanted));
    }

    /** Takes up to {@code wanted} free call slots, as {@link #reserve} does; the caller frees what it does not use. */
    private int takeSlots(int wanted) {
        if (!running || wanted <= 0 || recorder.backlog() >= properties.maxInFlight()) {
            return 0;
        }
        int granted = Math.min(wanted, permits.availablePermits());
        while (granted > 0 && !permits.tryAcquire(granted)) {
            granted = Math.min(granted - 1, permits.availablePermits());
        }
        return Math.max(granted, 0);
    }

    /** Starts an invocation in a reserved slot, unless its subscription has its {@code max-in-flight} running. */
    boolean tryStart(ClaimedInvocation invocation) {
        if (!limits.tryAcquire(invocation)) {
            return false;
        }
        attempts.start(invocation);
        return true;
    }

    /** Hands reserved invocations back unstarted; a claimer woken for them claims again without them. */
    void handBack(List<String> ids) {
        store.unclaim(owner, ids);
        if (!claimer.isClaiming()) {
            claimer.nudge();
        }
    }

    void free(int slots) {
        permits.release(slots);
    }

    /** How long invocations claimed or stored running by this instance stay leased without renewal. */
    Duration lease() {
        return properties.lease();
    }

    /** The identity under which this instance leases invocations. */
    String owner() {
        return owner;
    }

    /** What the {@code dispatcher} health component shows. */
    record Health(OutcomeRecorder.Failing claims, OutcomeRecorder.Failing outcomes, int outcomeBacklog, int inFlight,
            Duration stuckAfter) {
    }

    Health health() {
        OutcomeRecorder current = recorder;
        Claimer claims = claimer;
        return new Health(claims == null ? null : claims.failing(), current == null ? null : current.failing(),
                current == null ? 0 : current.backlog(), properties.maxInFlight() - permits.availablePermits(),
                properties.stuckAfter());
    }

    @EventListener
    void on(InvocationsEnqueued event) {
        nudge();
    }

    @EventListener
    void on(ExclusiveKeyReleased event) {
        nudge();
    }

    private void nudge() {
        Claimer claims = claimer;
        if (claims != null) {
            claims.nudge();
        }
    }

    @EventListener
    void on(InvocationAborted event) {
        attempts.abort(event.id());
    }

    @EventListener
    void on(SubscriptionChanged event) {
        limits.forget(event.id());
    }

    /**
     * Starts the successors the store handed over with recorded outcomes in the slots reserved for them before the
     * write (the store started no more than those), and frees the slots they did not take.
     */
    private void startSuccessors(int written, List<ClaimedInvocation> successors, int reserved) {
        try (Reservation reservation = new Reservation(this, reserved)) {
            reservation.start(successors);
        }
        if (written > 0) {
            claimer.nudge();
        }
    }

    /**
     * Hands an attempt's outcome to the recorder. The call's slot is freed at once, so that new calls can start
     * while outcomes are written, unless the outcome releases an exclusive key: then the slot goes with the outcome,
     * for the key's successor, which its write starts running at once. Claims pause while more outcomes than calls
     * in flight wait.
     */
    private void finish(ClaimedInvocation invocation, Decision decision, List<DurableEffect> effects) {
        boolean holdSlot = running && decision.releasedKey() != null;
        boolean handedOn = false;
        try {
            recorder.add(decision.outcome(), decision.releasedKey(), effects, holdSlot);
            handedOn = holdSlot;
        } finally {
            try {
                limits.release(invocation);
            } finally {
                if (!handedOn) {
                    permits.release();
                }
            }
        }
        Duration wait = decision.retryIn();
        if (wait != null && wait.compareTo(properties.pollInterval()) < 0 && running) {
            if (decision.outcome() instanceof Outcome.Suspended) {
                claimer.tickAfter(wait);
            } else {
                claimer.nudgeAfter(wait);
            }
        }
    }

    /** Runs {@code work} in one transaction: how outcomes and their durable effects are stored together. */
    private <T> T inTransaction(Supplier<T> work) {
        return transactions.execute(status -> work.get());
    }
}
