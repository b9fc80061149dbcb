package dev.ferry.invocation;

import java.util.List;

/** An invocation this instance has claimed and must now call, with everything the call needs. */
public record ClaimedInvocation(String id, String service, String handler, String objectKey, boolean exclusive,
        byte[] input, List<RecordHeader> headers, KafkaOrigin origin, int attempt) {
}
