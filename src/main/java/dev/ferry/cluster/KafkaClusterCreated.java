package dev.ferry.cluster;

/** A cluster was registered. */
public record KafkaClusterCreated(String name) {
}
