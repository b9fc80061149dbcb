package dev.ferry.cluster;

/** A cluster was deleted. */
public record KafkaClusterDeleted(String name) {
}
