package dev.ferry.cluster;

import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;
import org.springframework.stereotype.Component;
import org.springframework.transaction.event.TransactionPhase;
import org.springframework.transaction.event.TransactionalEventListener;

/**
 * Connects to every cluster periodically ({@code ferry.cluster.connection-check-interval}) and right after it
 * is created or changed, and records what it saw in {@link ClusterConnections}. Each check runs on its own
 * virtual thread with a short-lived Admin client, at most one per cluster at a time and a few at once overall,
 * so a slow or unreachable cluster delays no other. A state change is logged once, not every check.
 */
@Component
class ConnectionMonitor implements SmartLifecycle {

    private static final Logger log = LoggerFactory.getLogger(ConnectionMonitor.class);
    private static final int MAX_CONCURRENT_CHECKS = 8;

    private final KafkaClusterRegistry registry;
    private final ClusterConnections connections;
    private final ClusterProperties properties;
    private final Set<String> inFlight = ConcurrentHashMap.newKeySet();
    private final Semaphore permits = new Semaphore(MAX_CONCURRENT_CHECKS);
    private volatile boolean running;
    private ScheduledExecutorService timer;
    private ExecutorService checks;

    ConnectionMonitor(KafkaClusterRegistry registry, ClusterConnections connections, ClusterProperties properties) {
        this.registry = registry;
        this.connections = connections;
        this.properties = properties;
    }

    @Override
    public void start() {
        checks = Executors.newThreadPerTaskExecutor(Thread.ofVirtual().name("ferry-cluster-check-", 0).factory());
        timer = Executors.newSingleThreadScheduledExecutor(Thread.ofPlatform().daemon().name("ferry-cluster-monitor")
                .factory());
        running = true;
        long interval = properties.connectionCheckInterval().toMillis();
        timer.scheduleWithFixedDelay(this::checkAll, 0, interval, TimeUnit.MILLISECONDS);
    }

    @Override
    public void stop() {
        running = false;
        timer.shutdownNow();
        checks.shutdownNow();
        try {
            if (!checks.awaitTermination(5, TimeUnit.SECONDS)) {
                log.warn("Kafka cluster checks still running at shutdown");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public boolean isRunning() {
        return running;
    }

    @TransactionalEventListener(phase = TransactionPhase.AFTER_COMMIT, fallbackExecution = true)
    void on(KafkaClusterCreated event) {
        checkSoon(event.name());
    }

    @TransactionalEventListener(phase = TransactionPhase.AFTER_COMMIT, fallbackExecution = true)
    void on(KafkaClusterChanged event) {
        checkSoon(event.name());
    }

    @TransactionalEventListener(phase = TransactionPhase.AFTER_COMMIT, fallbackExecution = true)
    void on(KafkaClusterDeleted event) {
        connections.forget(event.name());
    }

    void checkAll() {
        List<String> names;
        try {
            names = registry.names();
        } catch (RuntimeException e) {
            log.warn("Could not list Kafka clusters to check them: {}", e.getMessage());
            return;
        }
        connections.retainOnly(names);
        names.forEach(this::checkSoon);
    }

    void checkSoon(String cluster) {
        if (!running || !inFlight.add(cluster)) {
            return;
        }
        try {
            checks.execute(() -> {
                try {
                    permits.acquire();
                    try {
                        check(cluster);
                    } finally {
                        permits.release();
                    }
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                } finally {
                    inFlight.remove(cluster);
                }
            });
        } catch (RejectedExecutionException stopping) {
            inFlight.remove(cluster);
        }
    }

    private void check(String cluster) {
        ClusterConnection now;
        try {
            now = registry.checkConnection(cluster);
        } catch (RuntimeException e) {
            log.warn("Checking Kafka cluster {} failed: {}", cluster, e.getClass().getSimpleName());
            return;
        }
        if (now.state() == ClusterConnection.State.UNKNOWN || !registry.exists(cluster)) {
            return;
        }
        ClusterConnection before = connections.of(cluster);
        connections.record(cluster, now);
        if (before.state() != now.state() || (now.error() != null && !now.error().equals(before.error()))) {
            if (now.state() == ClusterConnection.State.CONNECTED) {
                log.info("Kafka cluster {} is connected", cluster);
            } else {
                log.warn("Kafka cluster {} cannot be reached: {}", cluster, now.error());
            }
        }
    }
}
