package dev.ferry.invocation;

import java.util.List;
import java.util.Map;

/**
 * An invocation this instance has claimed and must now call, with everything the call needs.
 *
 * @param trace the trace context fields (W3C {@code traceparent}, {@code tracestate}) the handler call carries,
 *              set by the dispatcher for the span of the call; empty: the record's own headers carry it
 */
public record ClaimedInvocation(String id, String service, String handler, String objectKey, boolean exclusive,
        byte[] input, List<RecordHeader> headers, KafkaOrigin origin, int attempt, Map<String, String> trace) {

    public ClaimedInvocation {
        trace = trace == null ? Map.of() : Map.copyOf(trace);
    }

    public ClaimedInvocation(String id, String service, String handler, String objectKey, boolean exclusive,
            byte[] input, List<RecordHeader> headers, KafkaOrigin origin, int attempt) {
        this(id, service, handler, objectKey, exclusive, input, headers, origin, attempt, Map.of());
    }

    /** This invocation, its call carrying {@code fields} as its trace context. */
    public ClaimedInvocation withTrace(Map<String, String> fields) {
        return new ClaimedInvocation(id, service, handler, objectKey, exclusive, input, headers, origin, attempt,
                fields);
    }
}
