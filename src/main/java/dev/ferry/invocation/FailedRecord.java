package dev.ferry.invocation;

import java.util.List;

/** The record of a failed invocation, to be published to its dead-letter topic. */
public record FailedRecord(String invocationId, String cluster, String topic, KafkaOrigin origin, byte[] value,
        List<RecordHeader> headers, String failureReason, String failure) {
}
