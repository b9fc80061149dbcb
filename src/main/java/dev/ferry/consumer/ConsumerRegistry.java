package dev.ferry.consumer;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.ReentrantLock;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;
import org.springframework.kafka.listener.ConcurrentMessageListenerContainer;
import org.springframework.stereotype.Component;

import dev.ferry.dispatch.Dispatcher;

/**
 * The running listener containers, one per subscription, named {@code subscription-<id>}. Like
 * spring-kafka's endpoint registry it is a {@link SmartLifecycle}: a map under one lock, duplicates
 * refused, and a two-phase stop (signal every container, then wait against one shared deadline), with
 * {@link #stop(Runnable)} calling back once, when the last container has stopped.
 */
@Component
class ConsumerRegistry implements SmartLifecycle {

    private static final Logger log = LoggerFactory.getLogger(ConsumerRegistry.class);

    /** A running container and the configuration fingerprint it was started with. */
    record Running(ConcurrentMessageListenerContainer<byte[], byte[]> container, String fingerprint) {
    }

    private final ConsumerProperties properties;
    private final ReentrantLock lock = new ReentrantLock();
    private final Map<String, Running> containers = new LinkedHashMap<>();
    private volatile boolean running;

    ConsumerRegistry(ConsumerProperties properties) {
        this.properties = properties;
    }

    /** Starts a container for a subscription; refused if one runs already. */
    void register(String subscriptionId, ConcurrentMessageListenerContainer<byte[], byte[]> container,
            String fingerprint) {
        lock.lock();
        try {
            if (!running) {
                return;
            }
            if (containers.containsKey(subscriptionId)) {
                throw new IllegalStateException("A consumer for subscription " + subscriptionId + " already runs");
            }
            container.start();
            containers.put(subscriptionId, new Running(container, fingerprint));
            log.info("Consumer subscription-{} started", subscriptionId);
        } finally {
            lock.unlock();
        }
    }

    /** Stops and removes the container of a subscription, waiting for it to finish its batch. */
    void unregister(String subscriptionId) {
        Running removed;
        lock.lock();
        try {
            removed = containers.remove(subscriptionId);
        } finally {
            lock.unlock();
        }
        if (removed != null) {
            stopAll(List.of(removed));
            log.info("Consumer subscription-{} stopped", subscriptionId);
        }
    }

    /** Fingerprints of what runs now, by subscription id. */
    Map<String, String> running() {
        lock.lock();
        try {
            Map<String, String> fingerprints = new LinkedHashMap<>();
            containers.forEach((id, entry) -> fingerprints.put(id, entry.fingerprint()));
            return fingerprints;
        } finally {
            lock.unlock();
        }
    }

    boolean isConsuming(String subscriptionId) {
        lock.lock();
        try {
            Running entry = containers.get(subscriptionId);
            return entry != null && entry.container().isRunning();
        } finally {
            lock.unlock();
        }
    }

    @Override
    public void start() {
        running = true;
    }

    @Override
    public void stop() {
        CountDownLatch stopped = new CountDownLatch(1);
        stop(stopped::countDown);
        try {
            stopped.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /**
     * Signals every container to stop and returns; {@code callback} runs once all have stopped, or once
     * {@code ferry.consumer.stop-timeout} has passed, whichever comes first.
     */
    @Override
    public void stop(Runnable callback) {
        List<Running> all;
        lock.lock();
        try {
            running = false;
            all = new ArrayList<>(containers.values());
            containers.clear();
        } finally {
            lock.unlock();
        }
        signalAll(all).whenComplete((done, late) -> {
            log.info("Stopped {} consumer(s)", all.size());
            callback.run();
        });
    }

    private void stopAll(List<Running> entries) {
        try {
            signalAll(entries).get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (ExecutionException e) {
            log.warn("Could not stop consumer(s): {}", e.getCause().toString());
        }
    }

    /** Tells each container to stop; completes when all have, or (normally too) once the stop timeout passed. */
    private CompletableFuture<Void> signalAll(List<Running> entries) {
        CompletableFuture<Void> all = new CompletableFuture<>();
        AtomicInteger left = new AtomicInteger(entries.size());
        if (entries.isEmpty()) {
            all.complete(null);
        }
        for (Running entry : entries) {
            entry.container().stop(() -> {
                if (left.decrementAndGet() == 0) {
                    all.complete(null);
                }
            });
        }
        return all.completeOnTimeout(null, properties.stopTimeout().toMillis(), TimeUnit.MILLISECONDS)
                .whenComplete((done, error) -> {
                    if (left.get() > 0) {
                        log.warn("{} consumer(s) did not stop within {}", left.get(), properties.stopTimeout());
                    }
                });
    }

    @Override
    public boolean isRunning() {
        return running;
    }

    /** Stops before the dispatcher, so records already polled are stored before calls end. */
    @Override
    public int getPhase() {
        return Dispatcher.PHASE + 1000;
    }
}
