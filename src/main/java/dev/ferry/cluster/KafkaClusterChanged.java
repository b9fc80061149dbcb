package dev.ferry.cluster;

/** A cluster's properties were replaced; its consumers must be restarted. */
public record KafkaClusterChanged(String name) {
}
