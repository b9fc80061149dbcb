package dev.ferry.dispatch;

import java.lang.management.ManagementFactory;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.UUID;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;
import org.springframework.context.SmartLifecycle;
import org.springframework.context.event.EventListener;
import org.springframework.stereotype.Component;

import dev.ferry.invocation.ClaimedInvocation;
import dev.ferry.invocation.DatabaseFailure;
import dev.ferry.invocation.InvocationAborted;
import dev.ferry.invocation.InvocationStore;
import dev.ferry.invocation.InvocationsEnqueued;
import dev.ferry.invocation.Outcome;
import dev.ferry.security.RequestSigner;
import dev.ferry.service.HandlerTarget;
import dev.ferry.dispatch.OutcomePolicy.Decision;
import dev.ferry.service.ServiceRegistry;
import dev.ferry.subscription.SubscriptionChanged;
import dev.ferry.subscription.SubscriptionRegistry;

/**
 * Claims runnable invocations and calls their handlers. One thread claims in batches while permits for
 * in-flight calls are free; calls run asynchronously; {@link OutcomeRecorder} writes their outcomes in
 * batches and frees the permits. Work announced on this instance (new records, finished calls) wakes
 * the claimer at once; a timer covers due retries, expired leases and work enqueued elsewhere.
 */
@Component
public class Dispatcher implements SmartLifecycle {

    /** Starts before the consumers and stops after them, so that no ingested record waits on a stopped dispatcher. */
    public static final int PHASE = Integer.MAX_VALUE - 2000;

    private static final Logger log = LoggerFactory.getLogger(Dispatcher.class);

    private final InvocationStore store;
    private final ServiceRegistry services;
    private final SubscriptionLimits limits;
    private final DispatchMetrics metrics;
    private final Map<String, CompletableFuture<CallResult>> calls = new ConcurrentHashMap<>();
    private final DispatchProperties properties;
    private final Clock clock;
    private final String owner;
    private final Semaphore permits;
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition wake = lock.newCondition();
    private boolean nudged;
    private volatile OutcomeRecorder.Failing claimFailing;

    private volatile boolean running;
    private HandlerClient client;
    private OutcomeRecorder recorder;
    private ScheduledExecutorService timer;
    private Thread claimer;

    private final RequestSigner signer;

    Dispatcher(InvocationStore store, ServiceRegistry services, SubscriptionRegistry subscriptions,
            DispatchProperties properties, DispatchMetrics metrics, Clock clock, RequestSigner signer) {
        this.signer = signer;
        this.metrics = metrics;
        this.store = store;
        this.services = services;
        this.limits = new SubscriptionLimits(id -> subscriptions.findDetails(id)
                .map(subscription -> subscription.options().get("max-in-flight")).map(Integer::valueOf));
        this.properties = properties;
        this.clock = clock;
        this.owner = ManagementFactory.getRuntimeMXBean().getName() + "/" + UUID.randomUUID().toString().substring(0, 8);
        this.permits = new Semaphore(properties.maxInFlight());
    }

    @Override
    public void start() {
        client = new HandlerClient(properties.connectTimeout(), properties.resultLimit().toBytes(), clock, signer);
        recorder = new OutcomeRecorder(store::record, owner, () -> running ? properties.lease() : null,
                (written, successors) -> {
                    int reserved = reserve(successors.size());
                    dispatch(successors.subList(0, reserved), reserved);
                    store.unclaim(owner, successors.subList(reserved, successors.size()).stream()
                            .map(ClaimedInvocation::id).toList());
                    nudge();
                }, clock, properties.stuckAfter());
        recorder.start();
        timer = Executors.newSingleThreadScheduledExecutor(runnable -> {
            Thread thread = new Thread(runnable, "ferry-dispatch-timer");
            thread.setDaemon(true);
            return thread;
        });
        long leaseMillis = properties.lease().toMillis();
        timer.scheduleWithFixedDelay(this::maintain, 0, Math.max(100, leaseMillis / 3), TimeUnit.MILLISECONDS);
        timer.scheduleWithFixedDelay(this::tick, properties.pollInterval().toMillis(),
                properties.pollInterval().toMillis(), TimeUnit.MILLISECONDS);
        running = true;
        claimer = new Thread(this::claimLoop, "ferry-dispatcher");
        claimer.start();
        log.info("Dispatcher {} started: up to {} calls in flight", owner, properties.maxInFlight());
    }

    @Override
    public void stop() {
        running = false;
        nudge();
        try {
            claimer.join(properties.shutdownTimeout().toMillis());
            boolean drained = permits.tryAcquire(properties.maxInFlight(), properties.shutdownTimeout().toMillis(),
                    TimeUnit.MILLISECONDS);
            if (drained) {
                permits.release(properties.maxInFlight());
            } else {
                log.warn("Stopping with {} handler call(s) still running; they will run again",
                        properties.maxInFlight() - permits.availablePermits());
            }
            recorder.stop(properties.shutdownTimeout());
            int released = store.release(owner);
            log.info("Dispatcher {} stopped; {} unfinished invocation(s) handed back", owner, released);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (RuntimeException e) {
            log.warn("Dispatcher {} could not hand back its invocations; they run again once their lease expires: {}",
                    owner, e.getMessage());
        } finally {
            timer.shutdownNow();
            client.close();
        }
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
     * Takes up to {@code wanted} free call permits for invocations that an ingest will store already
     * running; what {@link #dispatch} does not use goes back.
     */
    public int reserve(int wanted) {
        if (!running || wanted <= 0 || recorder.backlog() >= properties.maxInFlight()) {
            return 0;
        }
        int granted = Math.min(wanted, permits.availablePermits());
        while (granted > 0 && !permits.tryAcquire(granted)) {
            granted = Math.min(granted - 1, permits.availablePermits());
        }
        return Math.max(granted, 0);
    }

    /** Calls invocations stored running under this instance's lease, using permits from {@link #reserve}. */
    public void dispatch(List<ClaimedInvocation> invocations, int reserved) {
        int used = 0;
        List<String> excess = new ArrayList<>();
        for (ClaimedInvocation invocation : invocations) {
            if (!limits.tryAcquire(invocation)) {
                excess.add(invocation.id());
                continue;
            }
            used++;
            run(invocation);
        }
        permits.release(reserved - used);
        if (!excess.isEmpty()) {
            store.unclaim(owner, excess);
            nudge();
        }
    }

    /** How long invocations claimed or stored running by this instance stay leased without renewal. */
    public Duration lease() {
        return properties.lease();
    }

    /** What the {@code dispatcher} health component shows. */
    record Health(OutcomeRecorder.Failing claims, OutcomeRecorder.Failing outcomes, int outcomeBacklog, int inFlight,
            Duration stuckAfter) {
    }

    Health health() {
        OutcomeRecorder current = recorder;
        return new Health(claimFailing, current == null ? null : current.failing(),
                current == null ? 0 : current.backlog(), properties.maxInFlight() - permits.availablePermits(),
                properties.stuckAfter());
    }

    /** The identity under which this instance leases invocations. */
    public String owner() {
        return owner;
    }

    @EventListener
    void on(InvocationsEnqueued event) {
        nudge();
    }

    /** Aborts the call of a cancelled or killed invocation if it runs here; its outcome is then ignored. */
    @EventListener
    void on(InvocationAborted event) {
        CompletableFuture<CallResult> call = calls.get(event.id());
        if (call != null) {
            call.cancel(true);
        }
    }

    @EventListener
    void on(SubscriptionChanged event) {
        limits.forget(event.id());
    }

    void nudge() {
        lock.lock();
        try {
            nudged = true;
            wake.signalAll();
        } finally {
            lock.unlock();
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
                int free = recorder.backlog() >= properties.maxInFlight() ? 0 : permits.availablePermits();
                if (free == 0) {
                    awaitNudge(properties.pollInterval());
                    continue;
                }
                int wanted = Math.min(free, properties.claimBatch());
                List<ClaimedInvocation> claimed = store.claim(owner, wanted, properties.lease(), limits.saturated());
                List<String> excess = new ArrayList<>();
                for (ClaimedInvocation invocation : claimed) {
                    if (!limits.tryAcquire(invocation)) {
                        excess.add(invocation.id());
                        continue;
                    }
                    permits.acquireUninterruptibly();
                    run(invocation);
                }
                store.unclaim(owner, excess);
                claimFailing = null;
                if (claimed.size() < wanted) {
                    awaitNudge(properties.pollInterval());
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            } catch (RuntimeException e) {
                claimFailing = new OutcomeRecorder.Failing(claimFailing != null ? claimFailing.since() : clock.instant(),
                        DatabaseFailure.reason(e));
                log.warn("Could not claim invocations, trying again in {}: {}", properties.pollInterval(),
                        claimFailing.error());
                try {
                    awaitNudge(properties.pollInterval());
                } catch (InterruptedException interrupted) {
                    Thread.currentThread().interrupt();
                    return;
                }
            }
        }
    }

    private void run(ClaimedInvocation invocation) {
        HandlerTarget target;
        try {
            target = services.findTarget(invocation.service(), invocation.handler()).orElse(null);
        } catch (RuntimeException e) {
            finish(invocation, OutcomePolicy.retryLater(invocation.id(), properties.pollInterval(),
                    "Ferry could not look up the target: " + e.getMessage(), clock.instant()));
            return;
        }
        if (target == null) {
            finish(invocation, new Decision(new Outcome.Paused(invocation.id(), "Handler %s/%s is not registered; "
                    .formatted(invocation.service(), invocation.handler()) + "register it and resume the invocation"),
                    null, null, null));
            return;
        }
        Instant started = clock.instant();
        CompletableFuture<CallResult> call;
        RetryPolicy policy;
        try {
            Duration timeout = target.timeout() != null ? target.timeout() : properties.callTimeout();
            policy = RetryPolicy.resolve(target.retry(), properties.retry());
            call = client.call(target, invocation, timeout);
        } catch (RuntimeException e) {
            log.warn("Could not call the handler of invocation {}, retrying it in {}", invocation.id(),
                    properties.pollInterval(), e);
            finish(invocation, OutcomePolicy.retryLater(invocation.id(), properties.pollInterval(),
                    "Ferry could not call the handler: " + e.getClass().getSimpleName(), clock.instant()));
            return;
        }
        calls.put(invocation.id(), call);
        call.whenComplete((result, error) -> complete(invocation, policy, result, error, started));
    }

    /**
     * Ends a call: decides its outcome and hands it on, freeing the call's slot. Whatever goes wrong while
     * deciding, the slot is freed exactly once and the invocation gets an outcome (a retry after the poll
     * interval), so that no failure here leaves an invocation running under a lease renewed for ever.
     */
    private void complete(ClaimedInvocation invocation, RetryPolicy policy, CallResult result, Throwable error,
            Instant started) {
        Decision decision;
        try (MDC.MDCCloseable ignored = MDC.putCloseable("invocationId", invocation.id())) {
            try {
                calls.remove(invocation.id());
                CallResult outcome = error == null ? result : new CallResult.Retryable("call aborted: " + error, null);
                decision = decide(invocation, policy, outcome, started);
            } catch (Throwable e) {
                log.warn("Could not decide the outcome of invocation {}, retrying it in {}", invocation.id(),
                        properties.pollInterval(), e);
                decision = OutcomePolicy.retryLater(invocation.id(), properties.pollInterval(),
                        "Ferry could not decide the outcome: " + e.getClass().getSimpleName(), clock.instant());
            }
            finish(invocation, decision);
        }
    }

    private Decision decide(ClaimedInvocation invocation, RetryPolicy policy, CallResult result, Instant started) {
        Instant now = clock.instant();
        Decision decision = OutcomePolicy.decide(invocation, policy, result, now);
        metrics.call(invocation, switch (result) {
            case CallResult.Success ignored -> "success";
            case CallResult.Terminal ignored -> "failure";
            case CallResult.Retryable ignored -> "retry";
        }, Duration.between(started, now));
        if (decision.completion() != null) {
            metrics.completed(invocation, decision.completion(), now);
        }
        switch (decision.outcome()) {
            case Outcome.Succeeded ignored -> log.debug("Invocation {} succeeded in {}ms", invocation.id(),
                    Duration.between(started, now).toMillis());
            case Outcome.Failed failed -> log.debug("Invocation {} failed: {}", invocation.id(), failed.failure());
            case Outcome.Paused paused -> log.debug("Invocation {} paused: {}", invocation.id(), paused.failure());
            case Outcome.Retrying retrying -> log.debug("Invocation {} attempt {} failed ({}); retrying in {}",
                    invocation.id(), invocation.attempt(), retrying.failure(), decision.retryIn());
        }
        return decision;
    }

    /** Looks for work no local event announced: due delayed sends, due retries, other instances' records. */
    private void tick() {
        try {
            store.releaseScheduled();
        } catch (RuntimeException e) {
            log.warn("Could not release due scheduled invocations, will try again: {}", e.getMessage());
        }
        nudge();
    }

    /**
     * Hands an attempt's outcome to the recorder and frees the call's permit at once, so that new calls can
     * start while outcomes are written; claims pause while more outcomes than calls in flight wait.
     */
    private void finish(ClaimedInvocation invocation, Decision decision) {
        try {
            recorder.add(decision.outcome(), decision.releasedKey());
        } finally {
            try {
                limits.release(invocation);
            } finally {
                permits.release();
            }
        }
        Duration wait = decision.retryIn();
        if (wait != null && wait.compareTo(properties.pollInterval()) < 0 && running) {
            try {
                timer.schedule(this::nudge, wait.toMillis() + 1, TimeUnit.MILLISECONDS);
            } catch (RuntimeException stopping) {
                log.debug("Not waking the claimer for a retry: {}", stopping.toString());
            }
        }
    }

    private void maintain() {
        try {
            store.renewLeases(owner, properties.lease());
            int recovered = store.recoverExpiredLeases(owner);
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
