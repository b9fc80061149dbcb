package dev.ferry.cluster;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;

import jakarta.persistence.CollectionTable;
import jakarta.persistence.Column;
import jakarta.persistence.ElementCollection;
import jakarta.persistence.Entity;
import jakarta.persistence.FetchType;
import jakarta.persistence.Id;
import jakarta.persistence.JoinColumn;
import jakarta.persistence.MapKeyColumn;
import jakarta.persistence.Table;
import jakarta.persistence.Version;

/**
 * A registered Kafka cluster: its name and the client properties as the user wrote them, secret values
 * encrypted ({@code enc:v1:...}).
 */
@Entity
@Table(name = "kafka_clusters")
class KafkaCluster {

    @Id
    private String name;

    @ElementCollection(fetch = FetchType.EAGER)
    @CollectionTable(name = "kafka_cluster_properties", joinColumns = @JoinColumn(name = "cluster_name"))
    @MapKeyColumn(name = "name")
    @Column(name = "value", nullable = false)
    private Map<String, String> properties = new LinkedHashMap<>();

    private Instant createdAt;

    private Instant updatedAt;

    @Version
    private long version;

    protected KafkaCluster() {
    }

    KafkaCluster(String name, Map<String, String> properties, Instant now) {
        this.name = name;
        this.properties = new LinkedHashMap<>(properties);
        this.createdAt = now;
        this.updatedAt = now;
    }

    String name() {
        return name;
    }

    /** The stored properties, sorted by name. */
    Map<String, String> properties() {
        return new TreeMap<>(properties);
    }

    void replaceProperties(Map<String, String> replacement, Instant now) {
        properties.clear();
        properties.putAll(replacement);
        updatedAt = now;
    }

    /** Replaces stored values without counting as a change (re-encryption): consumers keep running. */
    void resealProperties(Map<String, String> resealed) {
        properties.clear();
        properties.putAll(resealed);
    }

    /** The version of the stored row, which Hibernate counts up with every change. */
    long version() {
        return version;
    }

    Instant createdAt() {
        return createdAt;
    }

    Instant updatedAt() {
        return updatedAt;
    }
}
