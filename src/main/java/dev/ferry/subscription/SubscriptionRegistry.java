package dev.ferry.subscription;

import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.context.annotation.Lazy;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

import dev.ferry.cluster.ClientPropertyTranslator;
import dev.ferry.cluster.ClusterUsage;
import dev.ferry.cluster.KafkaClusterRegistry;
import dev.ferry.cluster.Secrets;
import dev.ferry.service.ServiceRegistry;
import dev.ferry.service.ServiceUsage;
import dev.ferry.shared.Ids;
import dev.ferry.web.InvalidRequest;

/**
 * The desired state of subscriptions. Every change publishes {@link SubscriptionChanged}, which the
 * consumer feature reacts to once the transaction has committed.
 */
@Service
public class SubscriptionRegistry implements ClusterUsage, ServiceUsage {

    private static final Logger log = LoggerFactory.getLogger(SubscriptionRegistry.class);

    private final SubscriptionRepository repository;
    private final KafkaClusterRegistry clusters;
    private final ServiceRegistry services;
    private final ApplicationEventPublisher events;
    private final Clock clock;

    /** The registries are injected lazily: they ask this one what uses their clusters and services. */
    SubscriptionRegistry(SubscriptionRepository repository, @Lazy KafkaClusterRegistry clusters,
            @Lazy ServiceRegistry services, ApplicationEventPublisher events, Clock clock) {
        this.repository = repository;
        this.clusters = clusters;
        this.services = services;
        this.events = events;
        this.clock = clock;
    }

    @Transactional
    public SubscriptionView create(String sourceUri, String sinkUri, Map<String, String> requestedOptions) {
        KafkaSource source = KafkaSource.parse(sourceUri);
        ServiceSink sink = ServiceSink.parse(sinkUri);
        if (!clusters.exists(source.cluster())) {
            throw InvalidRequest.of("source", "Kafka cluster '%s' does not exist. Create it with POST /kafka-clusters,"
                    .formatted(source.cluster()) + " or pick one from GET /kafka-clusters.");
        }
        if (services.findTarget(sink.service(), sink.handler()).isEmpty()) {
            throw InvalidRequest.of("sink", services.exists(sink.service())
                    ? "Service '%s' has no handler '%s'. See its handlers with GET /services/%s."
                            .formatted(sink.service(), sink.handler(), sink.service())
                    : "Service '%s' is not registered. Register it with POST /services first."
                            .formatted(sink.service()));
        }
        Map<String, String> options = new LinkedHashMap<>(requestedOptions == null ? Map.of() : requestedOptions);
        options.forEach((key, value) -> {
            if (value == null) {
                throw InvalidRequest.of("options", "Option '%s' has no value; give it a string value.".formatted(key));
            }
        });
        ClientPropertyTranslator.validateConsumerOptions(options, SubscriptionOptions.FERRY_OPTIONS);
        validateDeadLetterTopic(options.get(SubscriptionOptions.DEAD_LETTER_TOPIC), source);
        validateResultTopic(options.get(SubscriptionOptions.RESULT_TOPIC), source);
        String id = Ids.nextRestateStyle("sub_", clock.instant());
        SubscriptionOptions parsed = SubscriptionOptions.parse(id, options);
        options.putIfAbsent(SubscriptionOptions.GROUP_ID, parsed.groupId());
        refuseSharedGroup(parsed.groupId());
        clusters.checkConsumer(source.cluster(), parsed.consumerProperties(), parsed.groupId());
        Subscription subscription = repository.save(new Subscription(id, source, sink, options, clock.instant()));
        events.publishEvent(new SubscriptionChanged(id));
        log.info("Subscription {} created: {} -> {}", id, source, sink);
        return view(subscription);
    }

    @Transactional(readOnly = true)
    public List<SubscriptionView> list(String source, String sink) {
        return repository.findAllByOrderByCreatedAtAsc().stream()
                .filter(subscription -> source == null || subscription.source().toString().equals(source))
                .filter(subscription -> sink == null || subscription.sink().toString().equals(sink))
                .map(SubscriptionRegistry::view)
                .toList();
    }

    @Transactional(readOnly = true)
    public SubscriptionView get(String id) {
        return view(find(id));
    }

    @Transactional
    public void delete(String id) {
        repository.delete(find(id));
        events.publishEvent(new SubscriptionChanged(id));
        log.info("Subscription {} deleted; invocations already enqueued still run", id);
    }

    @Transactional
    public SubscriptionView pause(String id) {
        return changeState(id, SubscriptionState.PAUSED);
    }

    @Transactional
    public SubscriptionView resume(String id) {
        return changeState(id, SubscriptionState.RUNNING);
    }

    /** Every subscription, for the consumer reconciler. */
    @Transactional(readOnly = true)
    public List<SubscriptionDetails> desiredState() {
        return repository.findAllByOrderByCreatedAtAsc().stream().map(SubscriptionRegistry::details).toList();
    }

    @Transactional(readOnly = true)
    public Optional<SubscriptionDetails> findDetails(String id) {
        return repository.findById(id).map(SubscriptionRegistry::details);
    }

    @Override
    @Transactional(readOnly = true)
    public List<ClusterUser> usersOf(String clusterName) {
        return repository.findByClusterNameOrderByCreatedAtAsc(clusterName).stream()
                .map(subscription -> new ClusterUser(subscription.id(), subscription.source().toString(),
                        subscription.sink().toString(), Secrets.mask(subscription.options())))
                .toList();
    }

    @Override
    @Transactional
    public void releaseAll(String clusterName) {
        for (Subscription subscription : repository.findByClusterNameOrderByCreatedAtAsc(clusterName)) {
            delete(subscription.id());
        }
        repository.flush();
    }

    @Override
    @Transactional(readOnly = true)
    public List<String> subscriptionsOf(String serviceName) {
        return repository.findByServiceNameOrderByCreatedAtAsc(serviceName).stream().map(Subscription::id).toList();
    }

    @Override
    @Transactional(readOnly = true)
    public Map<String, List<String>> subscriptionsByHandler(String serviceName) {
        Map<String, List<String>> byHandler = new TreeMap<>();
        for (Subscription subscription : repository.findByServiceNameOrderByCreatedAtAsc(serviceName)) {
            byHandler.computeIfAbsent(subscription.sink().handler(), handler -> new ArrayList<>())
                    .add(subscription.id());
        }
        return byHandler;
    }

    @Override
    @Transactional
    public void deleteSubscriptionsOf(String serviceName) {
        for (Subscription subscription : repository.findByServiceNameOrderByCreatedAtAsc(serviceName)) {
            delete(subscription.id());
        }
        repository.flush();
    }

    private SubscriptionView changeState(String id, SubscriptionState state) {
        Subscription subscription = find(id);
        if (subscription.state() != state) {
            subscription.changeState(state, clock.instant());
            events.publishEvent(new SubscriptionChanged(id));
            log.info("Subscription {} {}", id, state == SubscriptionState.PAUSED ? "paused" : "resumed");
        }
        return view(subscription);
    }

    private Subscription find(String id) {
        return repository.findById(id).orElseThrow(() -> SubscriptionNotFound.of(id));
    }

    /**
     * Two subscriptions in one consumer group would split the topic's partitions between them, each silently
     * getting part of the records; checked across all clusters, since two names may point at the same brokers.
     */
    private void refuseSharedGroup(String groupId) {
        repository.findAllByOrderByCreatedAtAsc().stream()
                .filter(other -> SubscriptionRegistry.details(other).groupId().equals(groupId))
                .findFirst()
                .ifPresent(other -> {
                    throw ConsumerGroupInUse.of(groupId, other.id());
                });
    }

    private static void validateDeadLetterTopic(String deadLetterTopic, KafkaSource source) {
        if (deadLetterTopic != null && deadLetterTopic.startsWith("__")) {
            throw InvalidRequest.of("options", ("Option 'dead-letter.topic' names '%s', a topic internal to Kafka"
                    + " (names starting with '__'). Choose a topic of your own.").formatted(deadLetterTopic));
        }
        if (deadLetterTopic != null) {
            KafkaSource deadLetters = KafkaSource.parse("kafka://" + source.cluster() + "/" + deadLetterTopic);
            if (deadLetters.topic().equals(source.topic())) {
                throw InvalidRequest.of("options", "Option 'dead-letter.topic' names the subscribed topic '%s' itself;"
                        .formatted(source.topic()) + " failed records would come back. Choose another topic.");
            }
        }
    }

    private void validateResultTopic(String resultTopic, KafkaSource source) {
        if (resultTopic == null) {
            return;
        }
        KafkaSource results;
        try {
            results = new SubscriptionOptions(null, null, resultTopic, null, Map.of()).resultSource(source.cluster());
        } catch (InvalidRequest e) {
            throw InvalidRequest.of("options", ("Option 'result.topic' is '%s': write a topic of the subscription's"
                    + " cluster (e.g. results) or kafka://CLUSTER/TOPIC, with a valid, non-internal topic name.")
                    .formatted(resultTopic));
        }
        if (!clusters.exists(results.cluster())) {
            throw InvalidRequest.of("options", "Option 'result.topic' names cluster '%s', which is not registered;"
                    .formatted(results.cluster()) + " register it or pick one from GET /kafka-clusters.");
        }
        if (results.equals(source)) {
            throw InvalidRequest.of("options", "Option 'result.topic' names the subscribed topic '%s' itself;"
                    .formatted(source.topic()) + " every result would come back as a record. Choose another topic.");
        }
    }

    private static SubscriptionView view(Subscription subscription) {
        SubscriptionView view = SubscriptionView.of(subscription);
        return new SubscriptionView(view.id(), view.source(), view.sink(), Secrets.mask(view.options()), view.state(),
                view.createdAt(), null);
    }

    private static SubscriptionDetails details(Subscription subscription) {
        return new SubscriptionDetails(subscription.id(), subscription.source(), subscription.sink(),
                SubscriptionOptions.parse(subscription.id(), subscription.options()), subscription.state(),
                subscription.updatedAt());
    }
}
