package dev.ferry.dispatch;

import java.lang.management.ManagementFactory;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
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
import dev.ferry.invocation.FailureReason;
import dev.ferry.invocation.InvocationStore;
import dev.ferry.invocation.InvocationsEnqueued;
import dev.ferry.invocation.Outcome;
import dev.ferry.security.RequestSigner;
import dev.ferry.service.HandlerTarget;
import dev.ferry.service.RetrySettings.OnMaxAttempts;
import dev.ferry.service.ServiceRegistry;

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
    private final DispatchProperties properties;
    private final Clock clock;
    private final String owner;
    private final Semaphore permits;
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition wake = lock.newCondition();
    private boolean nudged;

    private volatile boolean running;
    private HandlerClient client;
    private OutcomeRecorder recorder;
    private ScheduledExecutorService timer;
    private Thread claimer;

    private final RequestSigner signer;

    Dispatcher(InvocationStore store, ServiceRegistry services, DispatchProperties properties, Clock clock,
            RequestSigner signer) {
        this.signer = signer;
        this.store = store;
        this.services = services;
        this.properties = properties;
        this.clock = clock;
        this.owner = ManagementFactory.getRuntimeMXBean().getName() + "/" + UUID.randomUUID().toString().substring(0, 8);
        this.permits = new Semaphore(properties.maxInFlight());
    }

    @Override
    public void start() {
        client = new HandlerClient(properties.connectTimeout(), properties.resultLimit().toBytes(), clock, signer);
        recorder = new OutcomeRecorder(store, owner, written -> {
            permits.release(written);
            nudge();
        });
        recorder.start();
        timer = Executors.newSingleThreadScheduledExecutor(runnable -> {
            Thread thread = new Thread(runnable, "ferry-dispatch-timer");
            thread.setDaemon(true);
            return thread;
        });
        long leaseMillis = properties.lease().toMillis();
        timer.scheduleWithFixedDelay(this::maintain, 0, Math.max(100, leaseMillis / 3), TimeUnit.MILLISECONDS);
        timer.scheduleWithFixedDelay(this::nudge, properties.pollInterval().toMillis(),
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

    /** The identity under which this instance leases invocations. */
    public String owner() {
        return owner;
    }

    @EventListener
    void on(InvocationsEnqueued event) {
        nudge();
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
                int free = permits.availablePermits();
                if (free == 0) {
                    awaitNudge(properties.pollInterval());
                    continue;
                }
                int wanted = Math.min(free, properties.claimBatch());
                List<ClaimedInvocation> claimed = store.claim(owner, wanted, properties.lease());
                for (ClaimedInvocation invocation : claimed) {
                    permits.acquireUninterruptibly();
                    run(invocation);
                }
                if (claimed.size() < wanted) {
                    awaitNudge(properties.pollInterval());
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            } catch (RuntimeException e) {
                log.warn("Could not claim invocations, trying again in {}: {}", properties.pollInterval(),
                        e.getMessage());
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
            recorder.add(new Outcome.Retrying(invocation.id(), clock.instant().plus(properties.pollInterval()),
                    "Ferry could not look up the target: " + e.getMessage()), null);
            return;
        }
        if (target == null) {
            recorder.add(new Outcome.Paused(invocation.id(), "Handler %s/%s is not registered; register it and resume"
                    .formatted(invocation.service(), invocation.handler())), null);
            return;
        }
        Duration timeout = target.timeout() != null ? target.timeout() : properties.callTimeout();
        RetryPolicy policy = RetryPolicy.resolve(target.retry(), properties.retry());
        Instant started = clock.instant();
        client.call(target, invocation, timeout).whenComplete((result, error) -> {
            CallResult outcome = error == null ? result : new CallResult.Retryable("call failed: " + error, null);
            decide(invocation, policy, outcome, started);
        });
    }

    private void decide(ClaimedInvocation invocation, RetryPolicy policy, CallResult result, Instant started) {
        String key = invocation.exclusive() ? invocation.service() + '/' + invocation.objectKey() : null;
        try (MDC.MDCCloseable ignored = MDC.putCloseable("invocationId", invocation.id())) {
            switch (result) {
                case CallResult.Success success -> {
                    log.debug("Invocation {} succeeded in {}ms", invocation.id(),
                            Duration.between(started, clock.instant()).toMillis());
                    recorder.add(new Outcome.Succeeded(invocation.id(), success.body()), key);
                }
                case CallResult.Terminal terminal -> {
                    log.debug("Invocation {} failed: {}", invocation.id(), terminal.failure());
                    recorder.add(new Outcome.Failed(invocation.id(), FailureReason.HANDLER_ERROR, terminal.failure()),
                            key);
                }
                case CallResult.Retryable retryable -> retry(invocation, policy, retryable, key);
            }
        }
    }

    private void retry(ClaimedInvocation invocation, RetryPolicy policy, CallResult.Retryable failure, String key) {
        if (!policy.allowsAnotherAfter(invocation.attempt())) {
            String why = "gave up after %d attempts; last: %s".formatted(invocation.attempt(), failure.failure());
            if (policy.onMaxAttempts() == OnMaxAttempts.KILL) {
                recorder.add(new Outcome.Failed(invocation.id(), FailureReason.KILLED, why), key);
            } else {
                recorder.add(new Outcome.Paused(invocation.id(), why), null);
            }
            return;
        }
        Duration wait = failure.retryAfter() != null ? failure.retryAfter() : policy.backoffAfter(invocation.attempt());
        log.debug("Invocation {} attempt {} failed ({}); retrying in {}ms", invocation.id(), invocation.attempt(),
                failure.failure(), wait.toMillis());
        recorder.add(new Outcome.Retrying(invocation.id(), clock.instant().plus(wait), failure.failure()), null);
        if (wait.compareTo(properties.pollInterval()) < 0) {
            timer.schedule(this::nudge, wait.toMillis() + 1, TimeUnit.MILLISECONDS);
        }
    }

    private void maintain() {
        try {
            store.renewLeases(owner, properties.lease());
            int recovered = store.recoverExpiredLeases();
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
