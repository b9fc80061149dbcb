package dev.ferry.consumer;

import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.context.event.EventListener;
import org.springframework.kafka.core.DefaultKafkaConsumerFactory;
import org.springframework.kafka.event.ConsumerStoppingEvent;
import org.springframework.kafka.event.ListenerContainerIdleEvent;
import org.springframework.kafka.listener.ConcurrentMessageListenerContainer;
import org.springframework.kafka.listener.ContainerProperties;
import org.springframework.kafka.listener.DefaultErrorHandler;
import org.springframework.scheduling.annotation.SchedulingConfigurer;
import org.springframework.scheduling.config.ScheduledTaskRegistrar;
import org.springframework.stereotype.Component;
import org.springframework.transaction.event.TransactionPhase;
import org.springframework.transaction.event.TransactionalEventListener;
import org.springframework.util.backoff.ExponentialBackOff;
import tools.jackson.databind.json.JsonMapper;

import dev.ferry.cluster.ClientPropertyTranslator;
import dev.ferry.cluster.ClusterDetails;
import dev.ferry.cluster.KafkaClusterChanged;
import dev.ferry.cluster.KafkaClusterDeleted;
import dev.ferry.cluster.KafkaClusterRegistry;
import dev.ferry.dispatch.Dispatcher;
import dev.ferry.dispatch.Spans;
import dev.ferry.invocation.InvocationStore;
import dev.ferry.security.SecretUnreadable;
import dev.ferry.service.ServiceRegistry;
import dev.ferry.shared.Ids;
import dev.ferry.subscription.SubscriptionChanged;
import dev.ferry.subscription.SubscriptionDetails;
import dev.ferry.subscription.SubscriptionRegistry;
import dev.ferry.subscription.SubscriptionState;
import dev.ferry.web.FerryException;

/**
 * Makes the running consumers match the stored subscriptions: starts what is missing, stops what was
 * deleted or paused, restarts what changed (its subscription or its cluster). Nudged after every
 * committed change and run on a timer, so changes made through another instance arrive too. Runs on
 * one thread; nudges that arrive while it runs fold into one more pass.
 */
@Component
class ConsumerReconciler implements SchedulingConfigurer, DisposableBean {

    private static final Logger log = LoggerFactory.getLogger(ConsumerReconciler.class);

    private final SubscriptionRegistry subscriptions;
    private final KafkaClusterRegistry clusters;
    private final ServiceRegistry services;
    private final InvocationStore store;
    private final ConsumerRegistry registry;
    private final ConsumerProperties properties;
    private final RecordConverter converter;
    private final ConsumerMetrics metrics;
    private final Dispatcher dispatcher;
    private final ConsumerStates states;
    private final Spans spans;
    private final ExecutorService executor = Executors.newSingleThreadExecutor(runnable -> {
        Thread thread = new Thread(runnable, "ferry-reconciler");
        thread.setDaemon(true);
        return thread;
    });
    private final AtomicBoolean queued = new AtomicBoolean();

    ConsumerReconciler(SubscriptionRegistry subscriptions, KafkaClusterRegistry clusters, ServiceRegistry services,
            InvocationStore store, ConsumerRegistry registry, ConsumerProperties properties, JsonMapper json,
            ConsumerMetrics metrics, Dispatcher dispatcher, ConsumerStates states, Clock clock, Spans spans) {
        this.spans = spans;
        this.metrics = metrics;
        this.states = states;
        this.dispatcher = dispatcher;
        this.subscriptions = subscriptions;
        this.clusters = clusters;
        this.services = services;
        this.store = store;
        this.registry = registry;
        this.properties = properties;
        this.converter = new RecordConverter(json, () -> Ids.next("inv_", clock.instant()), metrics::droppedHeaders);
    }

    @EventListener(ApplicationReadyEvent.class)
    void onReady() {
        nudge();
    }

    /**
     * Follows a subscription change at once, on the thread that made it: when a pause, resume or delete
     * answers, this instance's consumer has already stopped or started. Other instances follow on their timer.
     */
    @TransactionalEventListener(phase = TransactionPhase.AFTER_COMMIT, fallbackExecution = true)
    void on(SubscriptionChanged event) {
        reconcile();
    }

    @TransactionalEventListener(phase = TransactionPhase.AFTER_COMMIT, fallbackExecution = true)
    void on(KafkaClusterChanged event) {
        nudge();
    }

    @TransactionalEventListener(phase = TransactionPhase.AFTER_COMMIT, fallbackExecution = true)
    void on(KafkaClusterDeleted event) {
        nudge();
    }

    /** A pass every {@code ferry.consumer.reconcile-interval}, so changes made through other instances arrive. */
    @Override
    public void configureTasks(ScheduledTaskRegistrar registrar) {
        registrar.addFixedDelayTask(this::nudge, properties.reconcileInterval());
    }

    /** Asks for a reconcile pass; folds into one already queued. */
    void nudge() {
        if (queued.compareAndSet(false, true)) {
            try {
                executor.execute(() -> {
                    queued.set(false);
                    reconcile();
                });
            } catch (RejectedExecutionException stopped) {
                queued.set(false);
                log.debug("Not reconciling consumers: the application is stopping");
            }
        }
    }

    /** Lets a pass under way finish and runs no other; the consumers themselves stop with their registry. */
    @Override
    public void destroy() {
        executor.shutdown();
    }

    synchronized void reconcile() {
        if (!registry.isRunning()) {
            return;
        }
        Map<String, Desired> desired = new LinkedHashMap<>();
        // a cluster whose settings cannot be built now (unreadable secret or PEM file): its consumers stay as they are
        Set<String> unresolved = new HashSet<>();
        // why a wanted consumer does not run, by subscription id
        Map<String, String> problems = new HashMap<>();
        List<SubscriptionDetails> all;
        try {
            all = subscriptions.desiredState();
            for (SubscriptionDetails subscription : all) {
                if (subscription.state() != SubscriptionState.RUNNING) {
                    continue;
                }
                Optional<ClusterDetails> cluster;
                try {
                    cluster = clusters.findDetails(subscription.source().cluster());
                } catch (SecretUnreadable | FerryException e) {
                    log.error("Consumer subscription-{} cannot use Kafka cluster {}: {}", subscription.id(),
                            subscription.source().cluster(), e.getMessage());
                    unresolved.add(subscription.id());
                    problems.put(subscription.id(), "cannot use Kafka cluster %s: %s"
                            .formatted(subscription.source().cluster(), e.getMessage()));
                    continue;
                }
                cluster.ifPresent(details -> desired.put(subscription.id(), new Desired(subscription, details)));
                if (cluster.isEmpty()) {
                    problems.put(subscription.id(), "Kafka cluster %s does not exist"
                            .formatted(subscription.source().cluster()));
                }
            }
        } catch (RuntimeException e) {
            log.warn("Could not read subscriptions; consumers stay as they are until the next pass: {}",
                    e.getMessage());
            return;
        }
        Map<String, String> running = registry.running();
        running.forEach((id, fingerprint) -> {
            Desired wanted = desired.get(id);
            if (unresolved.contains(id)) {
                return;
            }
            if (wanted == null || !wanted.fingerprint().equals(fingerprint)) {
                registry.unregister(id);
            }
        });
        Map<String, String> stillRunning = registry.running();
        desired.forEach((id, wanted) -> {
            if (!stillRunning.containsKey(id)) {
                try {
                    states.set(id, ConsumerStates.State.STARTING, null);
                    registry.register(id, container(wanted), wanted.fingerprint());
                } catch (RuntimeException e) {
                    log.error("Consumer subscription-{} could not start: {}", id, e.getMessage());
                    problems.put(id, "could not start: " + e.getMessage());
                }
            }
        });
        recordStates(all, problems);
    }

    /**
     * Sets the state of each subscription's consumer that the reconciler knows best: paused, or failed (and why)
     * when it is wanted but does not run; a running consumer's own events and its listener say the rest.
     * Forgets deleted subscriptions.
     */
    private void recordStates(List<SubscriptionDetails> all, Map<String, String> problems) {
        Set<String> existing = new HashSet<>();
        for (SubscriptionDetails subscription : all) {
            String id = subscription.id();
            existing.add(id);
            if (subscription.state() == SubscriptionState.PAUSED) {
                states.set(id, ConsumerStates.State.PAUSED, null);
            } else if (registry.isConsuming(id)) {
                if (states.state(id).isEmpty()) {
                    states.set(id, ConsumerStates.State.STARTING, null);
                }
            } else if (problems.containsKey(id)) {
                states.set(id, ConsumerStates.State.FAILED, problems.get(id));
            } else if (states.state(id).orElse(null) != ConsumerStates.State.FAILED) {
                states.set(id, ConsumerStates.State.FAILED, "the Kafka consumer is not running");
            }
        }
        for (String id : states.all().keySet()) {
            if (!existing.contains(id)) {
                states.remove(id);
            }
        }
    }

    record Desired(SubscriptionDetails subscription, ClusterDetails cluster) {

        /**
         * What the consumer was built from. Times are cut to what PostgreSQL keeps (microseconds): a subscription
         * just saved carries the clock's nanoseconds, the same one read back does not, and a consumer restarted for
         * that difference alone would, with {@code auto.offset.reset=latest}, skip what was produced meanwhile.
         */
        String fingerprint() {
            return micros(subscription.updatedAt()) + "|" + micros(cluster.updatedAt()) + "|"
                    + subscription.options().hashCode();
        }

        private static Instant micros(Instant at) {
            return at == null ? null : at.truncatedTo(ChronoUnit.MICROS);
        }
    }

    private ExponentialBackOff backOff() {
        ConsumerProperties.ErrorBackoff retry = properties.errorBackoff();
        ExponentialBackOff backOff = new ExponentialBackOff(retry.initialInterval().toMillis(), retry.multiplier());
        backOff.setMaxInterval(retry.maxInterval().toMillis());
        return backOff;
    }

    /**
     * The threads that write one subscription's batches, one per consumer thread at most; idle ones end, so a
     * stopped subscription leaves none behind.
     */
    private ScheduledExecutorService ingestExecutor(String subscriptionId) {
        AtomicInteger threads = new AtomicInteger();
        ScheduledThreadPoolExecutor executor = new ScheduledThreadPoolExecutor(properties.concurrency(), runnable -> {
            Thread thread = new Thread(runnable, "subscription-" + subscriptionId + "-ingest-"
                    + threads.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        });
        executor.setKeepAliveTime(30, TimeUnit.SECONDS);
        executor.allowCoreThreadTimeOut(true);
        executor.setRemoveOnCancelPolicy(true);
        return executor;
    }

    private ConcurrentMessageListenerContainer<byte[], byte[]> container(Desired desired) {
        SubscriptionDetails subscription = desired.subscription();
        Map<String, Object> config = new HashMap<>(desired.cluster().clientProperties());
        config.putIfAbsent(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, properties.maxPollRecords());
        config.putAll(ClientPropertyTranslator.toJavaClient(subscription.options().consumerProperties()));
        config.put(ConsumerConfig.GROUP_ID_CONFIG, subscription.groupId());
        config.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        config.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
        config.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);

        ContainerProperties containerProperties = new ContainerProperties(subscription.source().topic());
        containerProperties.setGroupId(subscription.groupId());
        // the listener acknowledges a batch once it is stored, off the consumer thread; the container commits in order
        containerProperties.setAckMode(ContainerProperties.AckMode.MANUAL);
        containerProperties.setPollTimeout(properties.pollTimeout().toMillis());
        // an authentication failure (wrong password, identity provider down) is retried, not a reason to stop for good
        containerProperties.setAuthExceptionRetryInterval(properties.authRetryInterval());
        if (!config.containsKey(ConsumerConfig.CLIENT_ID_CONFIG)) {
            containerProperties.setClientId("ferry-" + subscription.id());
        }
        LagProbe lag = new LagProbe(subscription.id(), subscription.groupId(), metrics, properties.lagInterval());
        ExponentialBackOff backOff = backOff();
        IngestListener listener = new IngestListener(subscription, services, store, converter, metrics, dispatcher,
                states, lag, spans, new IngestListener.Ingest(ingestExecutor(subscription.id()), backOff,
                        properties.pollTimeout()));
        containerProperties.setMessageListener(listener);
        containerProperties.setIdleEventInterval(properties.lagInterval().toMillis());
        containerProperties.setConsumerRebalanceListener(new PartitionTracker(subscription.id(), states, listener));

        var consumerFactory = new DefaultKafkaConsumerFactory<byte[], byte[]>(config);
        if (properties.clientMetrics()) {
            metrics.bindClients(subscription.id(), consumerFactory);
        }
        var container = new ConcurrentMessageListenerContainer<>(consumerFactory, containerProperties);
        container.setBeanName("subscription-" + subscription.id());
        container.setConcurrency(properties.concurrency());
        container.setCommonErrorHandler(new DefaultErrorHandler(backOff));
        // the container's events (started, stopped, not polling, idle) are this subscription's alone
        container.setApplicationEventPublisher(event -> {
            if (event instanceof ConsumerStoppingEvent stopping && stopping.getConsumer() != null) {
                // on the consumer thread, before the container commits what was acknowledged
                listener.partitionsGone(stopping.getConsumer(), stopping.getConsumer().assignment());
            }
            states.on(subscription.id(), event);
            if (event instanceof ListenerContainerIdleEvent idle && idle.getConsumer() != null) {
                lag.record(idle.getConsumer());
            }
        });
        return container;
    }
}
