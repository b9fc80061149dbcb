package dev.ferry.subscription;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;

import jakarta.persistence.CollectionTable;
import jakarta.persistence.Column;
import jakarta.persistence.ElementCollection;
import jakarta.persistence.Entity;
import jakarta.persistence.EnumType;
import jakarta.persistence.Enumerated;
import jakarta.persistence.FetchType;
import jakarta.persistence.Id;
import jakarta.persistence.JoinColumn;
import jakarta.persistence.MapKeyColumn;
import jakarta.persistence.Table;
import jakarta.persistence.Version;

/** A handler subscribed to a topic. */
@Entity
@Table(name = "subscriptions")
class Subscription {

    @Id
    private String id;

    private String clusterName;

    private String topic;

    private String serviceName;

    private String handlerName;

    @ElementCollection(fetch = FetchType.EAGER)
    @CollectionTable(name = "subscription_options", joinColumns = @JoinColumn(name = "subscription_id"))
    @MapKeyColumn(name = "name")
    @Column(name = "value", nullable = false)
    private Map<String, String> options = new LinkedHashMap<>();

    @Enumerated(EnumType.STRING)
    private SubscriptionState state;

    private Instant createdAt;

    private Instant updatedAt;

    @Version
    private long version;

    protected Subscription() {
    }

    Subscription(String id, KafkaSource source, ServiceSink sink, Map<String, String> options, Instant now) {
        this.id = id;
        this.clusterName = source.cluster();
        this.topic = source.topic();
        this.serviceName = sink.service();
        this.handlerName = sink.handler();
        this.options = new LinkedHashMap<>(options);
        this.state = SubscriptionState.RUNNING;
        this.createdAt = now;
        this.updatedAt = now;
    }

    String id() {
        return id;
    }

    KafkaSource source() {
        return new KafkaSource(clusterName, topic);
    }

    ServiceSink sink() {
        return new ServiceSink(serviceName, handlerName);
    }

    Map<String, String> options() {
        return new TreeMap<>(options);
    }

    SubscriptionState state() {
        return state;
    }

    void changeState(SubscriptionState state, Instant now) {
        this.state = state;
        this.updatedAt = now;
    }

    Instant createdAt() {
        return createdAt;
    }

    Instant updatedAt() {
        return updatedAt;
    }
}
