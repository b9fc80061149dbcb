package dev.ferry.cluster;

import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.regex.Pattern;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.context.annotation.Lazy;
import org.springframework.dao.DataIntegrityViolationException;
import org.springframework.dao.OptimisticLockingFailureException;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

import dev.ferry.security.SecretCipher;
import dev.ferry.security.SecretUnreadable;
import dev.ferry.web.EntityTags;
import dev.ferry.web.InvalidRequest;
import dev.ferry.web.Versioned;

/**
 * Creates, reads, changes and deletes Kafka clusters. Secret properties ({@link Secrets#isSecret}) are
 * encrypted with {@link SecretCipher} before they are stored, and decrypted only to build a client's settings
 * (by {@link SecretSealer}).
 */
@Service
public class KafkaClusterRegistry {

    private static final Logger log = LoggerFactory.getLogger(KafkaClusterRegistry.class);

    /** Like a host name, as it stands in the host part of kafka://CLUSTER/TOPIC: lower case, dot-separated labels. */
    private static final Pattern NAME =
            Pattern.compile("(?=.{1,63}$)[a-z0-9]([a-z0-9-]*[a-z0-9])?(\\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)*");

    private final KafkaClusterRepository repository;
    private final ClusterUsage usage;
    private final ClusterResultTopics resultTopics;
    private final ApplicationEventPublisher events;
    private final Clock clock;
    private final SecretSealer sealer;
    private final ClusterConnections connections;
    private final ClusterProbe probe;
    private final List<String> allowedClasses;

    KafkaClusterRegistry(KafkaClusterRepository repository, ClusterUsage usage,
            @Lazy ClusterResultTopics resultTopics, ApplicationEventPublisher events, Clock clock, SecretSealer sealer,
            ClusterConnections connections, ClusterProbe probe, ClusterProperties clusterProperties) {
        this.allowedClasses = List.copyOf(clusterProperties.allowedClasses());
        this.repository = repository;
        this.usage = usage;
        this.resultTopics = resultTopics;
        this.events = events;
        this.clock = clock;
        this.sealer = sealer;
        this.connections = connections;
        this.probe = probe;
    }

    /** The outcome of a create or change: the cluster and any warnings about ignored properties. */
    public record Saved(KafkaClusterView cluster, List<String> warnings, long version) {
    }

    /** The outcome of {@link #validate}: what would be stored, and whether Ferry could connect with it. */
    public record Validation(String name, Map<String, String> properties, ClusterConnection connection,
            List<String> warnings) {
    }

    @Transactional
    public Saved create(String name, Map<String, String> properties) {
        validName(name);
        SecretSealer.refuseMasked(nonNull(properties));
        List<String> warnings = ClientPropertyTranslator.validateClusterProperties(nonNull(properties), allowedClasses);
        if (repository.existsById(name)) {
            throw KafkaClusterExists.of(name);
        }
        KafkaCluster cluster;
        try {
            // flushed here, so that a create racing this one for the name is told it exists, not a server error
            cluster = repository.saveAndFlush(new KafkaCluster(name, sealer.seal(name, properties), clock.instant()));
        } catch (DataIntegrityViolationException | OptimisticLockingFailureException e) {
            throw KafkaClusterExists.of(name);
        }
        events.publishEvent(new KafkaClusterCreated(name));
        log.info("Kafka cluster {} created with {} properties", name, properties.size());
        return new Saved(view(cluster, false), warnings, cluster.version());
    }

    /**
     * Checks properties and connects once with them, without storing anything.
     *
     * @throws InvalidClusterProperties when the properties cannot be used at all
     */
    public Validation validate(String name, Map<String, String> properties) {
        validName(name);
        SecretSealer.refuseMasked(nonNull(properties));
        List<String> warnings = ClientPropertyTranslator.validateClusterProperties(nonNull(properties), allowedClasses);
        Map<String, Object> client = ClientPropertyTranslator.toJavaClient(properties);
        OAuthEndpoints.allow(client);
        ClusterConnection connection = probe.check(name, client, SecretSealer.redactable(properties));
        log.info("Kafka cluster {} validated: {}", name, connection.state());
        return new Validation(name, Secrets.mask(properties), connection, warnings);
    }

    /** Replaces every property; secrets left out are removed. */
    @Transactional
    public Saved replaceProperties(String name, Map<String, String> properties, String ifMatch) {
        KafkaCluster cluster = repository.findById(name).orElseThrow(() -> KafkaClusterNotFound.of(name));
        EntityTags.check(ifMatch, cluster.version(), "Kafka cluster", name);
        SecretSealer.refuseMasked(nonNull(properties));
        List<String> warnings = ClientPropertyTranslator.validateClusterProperties(properties, allowedClasses);
        cluster.replaceProperties(sealer.seal(name, properties), clock.instant());
        events.publishEvent(new KafkaClusterChanged(name));
        log.info("Kafka cluster {} updated; its consumers will restart", name);
        repository.flush();
        return new Saved(view(cluster, true), warnings, cluster.version());
    }

    /**
     * Sets some properties and removes others, keeping the rest (secrets included, still encrypted as they were).
     */
    @Transactional
    public Saved mergeProperties(String name, Map<String, String> set, List<String> unset, String ifMatch) {
        KafkaCluster cluster = repository.findById(name).orElseThrow(() -> KafkaClusterNotFound.of(name));
        EntityTags.check(ifMatch, cluster.version(), "Kafka cluster", name);
        Map<String, String> changes = set == null ? Map.of() : set;
        List<String> removals = unset == null ? List.of() : unset;
        SecretSealer.refuseMasked(nonNull(changes));
        if (changes.isEmpty() && removals.isEmpty()) {
            throw InvalidRequest.of("properties", "Nothing to change: give 'properties' to set and/or 'unset' with"
                    + " the names of properties to remove.");
        }
        removals.stream().filter(changes::containsKey).findFirst().ifPresent(both -> {
            throw InvalidRequest.of("unset", "Property '%s' is both set and unset; do one.".formatted(both));
        });
        Map<String, String> merged;
        try {
            merged = new LinkedHashMap<>(sealer.open(cluster));
        } catch (SecretUnreadable e) {
            throw KafkaClusterSecretUnreadable.of(name, e.getMessage());
        }
        merged.putAll(changes);
        removals.forEach(merged::remove);
        List<String> warnings = ClientPropertyTranslator.validateClusterProperties(merged, allowedClasses);
        Map<String, String> stored = new TreeMap<>(cluster.properties());
        stored.putAll(sealer.seal(name, changes));
        removals.forEach(stored::remove);
        cluster.replaceProperties(stored, clock.instant());
        events.publishEvent(new KafkaClusterChanged(name));
        log.info("Kafka cluster {} updated ({} set, {} unset); its consumers will restart", name, changes.size(),
                removals.size());
        repository.flush();
        return new Saved(view(cluster, true), warnings, cluster.version());
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

    /** The cluster with the version of its row, for {@code ETag}. */
    @Transactional(readOnly = true)
    public Versioned<KafkaClusterView> getVersioned(String name) {
        KafkaCluster cluster = repository.findById(name).orElseThrow(() -> KafkaClusterNotFound.of(name));
        return new Versioned<>(view(cluster, true), cluster.version());
    }

    @Transactional(readOnly = true)
    public boolean exists(String name) {
        return repository.existsById(name);
    }

    /** The names of all clusters, sorted. */
    @Transactional(readOnly = true)
    public List<String> names() {
        return repository.findAllNames();
    }

    /**
     * The cluster's settings for the Java client, secrets included (decrypted).
     *
     * @throws SecretUnreadable when a secret cannot be decrypted with the configured keys
     * @throws InvalidClusterProperties when a file the properties name cannot be read
     */
    @Transactional(readOnly = true)
    public Optional<ClusterDetails> findDetails(String name) {
        return repository.findById(name).map(cluster -> {
            Map<String, Object> client = ClientPropertyTranslator.toJavaClient(sealer.open(cluster));
            OAuthEndpoints.allow(client);
            return new ClusterDetails(cluster.name(), client, cluster.updatedAt());
        });
    }

    /**
     * Checks the consumer a subscription would run on this cluster: its options (without Ferry's own and without
     * {@code group.id}) over the cluster's settings, with {@code groupId}, as the Java client would take them.
     *
     * @throws InvalidClusterProperties naming what to change
     */
    @Transactional(readOnly = true)
    public void checkConsumer(String name, Map<String, String> options, String groupId) {
        Map<String, Object> cluster;
        List<String> secrets = List.of();
        try {
            KafkaCluster found = repository.findById(name).orElseThrow(() -> KafkaClusterNotFound.of(name));
            Map<String, String> properties = sealer.open(found);
            secrets = SecretSealer.redactable(properties);
            cluster = ClientPropertyTranslator.toJavaClient(properties);
        } catch (SecretUnreadable | InvalidClusterProperties e) {
            // the cluster's own trouble shows in its connection state; check what the subscription adds
            cluster = Map.of();
        }
        ConsumerSettings.check(cluster, options, groupId, allowedClasses, secrets);
    }

    /** Connects to a stored cluster once; a secret or file that cannot be read is reported as the failure. */
    ClusterConnection checkConnection(String name) {
        Optional<KafkaCluster> found = repository.findById(name);
        if (found.isEmpty()) {
            return ClusterConnection.unknown();
        }
        Map<String, String> properties;
        Map<String, Object> client;
        try {
            properties = sealer.open(found.get());
            client = ClientPropertyTranslator.toJavaClient(properties);
        } catch (SecretUnreadable e) {
            return ClusterConnection.failed(clock.instant(), e.getMessage());
        } catch (InvalidClusterProperties e) {
            return ClusterConnection.failed(clock.instant(), e.detail());
        }
        OAuthEndpoints.allow(client);
        return probe.check(name, client, SecretSealer.redactable(properties));
    }

    @Transactional
    public void delete(String name, boolean force, String ifMatch) {
        KafkaCluster cluster = repository.findById(name).orElseThrow(() -> KafkaClusterNotFound.of(name));
        EntityTags.check(ifMatch, cluster.version(), "Kafka cluster", name);
        List<String> producingServices = resultTopics.servicesProducingTo(name);
        if (!producingServices.isEmpty()) {
            throw KafkaClusterInUse.ofResultTopics(name, producingServices);
        }
        List<ClusterUsage.ClusterUser> users = usage.usersOf(name);
        if (!users.isEmpty() && !force) {
            throw KafkaClusterInUse.of(name, users);
        }
        if (!users.isEmpty()) {
            usage.releaseAll(name);
        }
        repository.deleteById(name);
        events.publishEvent(new KafkaClusterDeleted(name));
        log.info("Kafka cluster {} deleted", name);
    }

    /**
     * Seals again every secret stored in clear (from before a key was configured) or under an older key, so
     * that an old key can be retired. Does not count as a change: consumers keep running.
     *
     * @return how many values were sealed again
     */
    @Transactional
    public int reencryptSecrets() {
        return sealer.reseal(repository.findAll());
    }

    private KafkaClusterView view(KafkaCluster cluster, boolean withSubscriptions) {
        return new KafkaClusterView(cluster.name(), Secrets.mask(cluster.properties()), cluster.createdAt(),
                withSubscriptions ? usage.usersOf(cluster.name()) : null, connections.of(cluster.name()));
    }

    private static void validName(String name) {
        if (name == null || !NAME.matcher(name).matches()) {
            throw InvalidRequest.of("name", ("Cluster name '%s' is not valid: write it like a host name, in lower-case"
                    + " letters, digits and '-', at most 63 characters, with single dots between parts that start and"
                    + " end with a letter or digit (e.g. prod-eu or kafka.prod).").formatted(name));
        }
    }

    private static Map<String, String> nonNull(Map<String, String> properties) {
        if (properties == null) {
            throw InvalidRequest.of("properties", "Field 'properties' is required: an object of Kafka client"
                    + " properties, at least {\"bootstrap.servers\": \"host:9092\"}.");
        }
        properties.forEach((key, value) -> {
            if (value == null) {
                throw InvalidRequest.of("properties",
                        "Property '%s' has no value; give it a string value.".formatted(key));
            }
        });
        return properties;
    }
}
