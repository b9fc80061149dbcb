package dev.ferry.invocation;

/** A Kafka record header kept on an invocation, forwarded to the handler as {@code kafka.header.<name>}. */
public record RecordHeader(String name, byte[] value) {
}
