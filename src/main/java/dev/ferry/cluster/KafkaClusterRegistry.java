package dev.ferry.cluster;

import java.time.Clock;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Pattern;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

import dev.ferry.web.Conflict;
import dev.ferry.web.InvalidRequest;

/** Creates, reads, changes and deletes Kafka clusters. */
@Service
public class KafkaClusterRegistry {

    private static final Logger log = LoggerFactory.getLogger(KafkaClusterRegistry.class);

    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9]([A-Za-z0-9.-]{0,61}[A-Za-z0-9])?");

    private final KafkaClusterRepository repository;
    private final ClusterUsage usage;
    private final ApplicationEventPublisher events;
    private final Clock clock;

    KafkaClusterRegistry(KafkaClusterRepository repository, ClusterUsage usage, ApplicationEventPublisher events,
            Clock clock) {
        this.repository = repository;
        this.usage = usage;
        this.events = events;
        this.clock = clock;
    }

    /** The outcome of a create or replace: the cluster and any warnings about ignored properties. */
    public record Saved(KafkaClusterView cluster, List<String> warnings) {
    }

    @Transactional
    public Saved create(String name, Map<String, String> properties) {
        List<String> warnings = checkNew(name, properties);
        KafkaCluster cluster = repository.save(new KafkaCluster(name, properties, clock.instant()));
        log.info("Kafka cluster {} created with {} properties", name, properties.size());
        return new Saved(view(cluster, false), warnings);
    }

    /**
     * Checks a cluster as {@link #create} would, without saving it: the answer to a dry run.
     *
     * @return the cluster as it would be created (no creation time) and any warnings
     */
    @Transactional(readOnly = true)
    public Saved validate(String name, Map<String, String> properties) {
        List<String> warnings = checkNew(name, properties);
        return new Saved(new KafkaClusterView(name, Secrets.mask(new TreeMap<>(properties)), null, null), warnings);
    }

    private List<String> checkNew(String name, Map<String, String> properties) {
        if (name == null || !NAME.matcher(name).matches()) {
            throw InvalidRequest.of("name", "Cluster name '%s' is not valid: use letters, digits, '-' and '.',"
                    .formatted(name) + " starting and ending with a letter or digit, at most 63 characters.");
        }
        List<String> warnings = ClientPropertyTranslator.validateClusterProperties(nonNull(properties));
        if (repository.existsById(name)) {
            throw new Conflict("kafka-cluster-exists", "Kafka cluster already exists",
                    "A Kafka cluster named '%s' already exists. Choose another name, or change it with PATCH /kafka-clusters/%s."
                            .formatted(name, name),
                    Map.of("cluster", name));
        }
        return warnings;
    }

    @Transactional
    public Saved replaceProperties(String name, Map<String, String> properties) {
        KafkaCluster cluster = repository.findById(name).orElseThrow(() -> KafkaClusterNotFound.of(name));
        return update(cluster, properties);
    }

    /**
     * Changes some properties and keeps the rest: {@code set} adds or replaces values, {@code unset} removes
     * names (names that are not set are ignored). Unlike {@link #replaceProperties}, a caller never has to
     * resend secrets it cannot read back, which every response masks.
     */
    @Transactional
    public Saved mergeProperties(String name, Map<String, String> set, Collection<String> unset) {
        KafkaCluster cluster = repository.findById(name).orElseThrow(() -> KafkaClusterNotFound.of(name));
        Map<String, String> changes = nonNull(set);
        Set<String> removed = new LinkedHashSet<>(unset == null ? List.of() : unset);
        changes.keySet().stream().filter(removed::contains).findFirst().ifPresent(both -> {
            throw InvalidRequest.of("unset", "Property '%s' is both set and unset; do one or the other.".formatted(both));
        });
        Map<String, String> merged = new LinkedHashMap<>(cluster.properties());
        merged.keySet().removeAll(removed);
        merged.putAll(changes);
        return update(cluster, merged);
    }

    private Saved update(KafkaCluster cluster, Map<String, String> properties) {
        List<String> warnings = ClientPropertyTranslator.validateClusterProperties(nonNull(properties));
        properties.forEach((key, value) -> {
            if (Secrets.MASK.equals(value)) {
                throw InvalidRequest.of("properties", ("Property '%s' has the masked value '***'. Send the real value,"
                        + " or leave the property out of a partial update (PATCH with ?merge=true).").formatted(key));
            }
        });
        cluster.replaceProperties(properties, clock.instant());
        events.publishEvent(new KafkaClusterChanged(cluster.name()));
        log.info("Kafka cluster {} updated; its consumers will restart", cluster.name());
        return new Saved(view(cluster, true), warnings);
    }

    @Transactional(readOnly = true)
    public List<KafkaClusterView> list() {
        return repository.findAllByOrderByNameAsc().stream().map(cluster -> view(cluster, false)).toList();
    }

    @Transactional(readOnly = true)
    public KafkaClusterView get(String name) {
        return repository.findById(name).map(cluster -> view(cluster, true))
                .orElseThrow(() -> KafkaClusterNotFound.of(name));
    }

    @Transactional(readOnly = true)
    public boolean exists(String name) {
        return repository.existsById(name);
    }

    /** The cluster's settings for the Java client, secrets included. */
    @Transactional(readOnly = true)
    public Optional<ClusterDetails> findDetails(String name) {
        return repository.findById(name).map(cluster -> new ClusterDetails(cluster.name(),
                ClientPropertyTranslator.toJavaClient(cluster.properties()), cluster.updatedAt()));
    }

    @Transactional
    public void delete(String name, boolean force) {
        if (!repository.existsById(name)) {
            throw KafkaClusterNotFound.of(name);
        }
        List<ClusterUsage.ClusterUser> users = usage.usersOf(name);
        if (!users.isEmpty() && !force) {
            throw new Conflict("kafka-cluster-in-use", "Kafka cluster in use",
                    "Kafka cluster '%s' is used by %d subscription(s) (%s). Delete them first, or add ?force=true to delete them with the cluster."
                            .formatted(name, users.size(), users.getFirst().id()),
                    Map.of("cluster", name, "subscriptions", users.stream().map(ClusterUsage.ClusterUser::id).toList()));
        }
        if (!users.isEmpty()) {
            usage.releaseAll(name);
        }
        repository.deleteById(name);
        events.publishEvent(new KafkaClusterDeleted(name));
        log.info("Kafka cluster {} deleted", name);
    }

    private KafkaClusterView view(KafkaCluster cluster, boolean withSubscriptions) {
        return new KafkaClusterView(cluster.name(), Secrets.mask(cluster.properties()), cluster.createdAt(),
                withSubscriptions ? usage.usersOf(cluster.name()) : null);
    }

    private static Map<String, String> nonNull(Map<String, String> properties) {
        if (properties == null) {
            throw InvalidRequest.of("properties", "Field 'properties' is required: an object of Kafka client"
                    + " properties, at least {\"bootstrap.servers\": \"host:9092\"}.");
        }
        properties.forEach((key, value) -> {
            if (value == null) {
                throw InvalidRequest.of("properties", "Property '%s' has no value; give it a string value.".formatted(key));
            }
        });
        return properties;
    }
}
