package dev.ferry.invocation;

import java.util.List;
import java.util.Map;

/**
 * An invocation this instance has claimed and must now call, with everything the call needs.
 *
 * @param attempt       the attempt this claim starts (the stored attempt count after the claim); with the lease,
 *                      it tells this attempt's writes apart from a later claim's
 * @param journalLength the entries of the invocation's journal when it was claimed, so a handler protocol need
 *                      not read an empty journal; {@link #UNKNOWN_JOURNAL_LENGTH} when not known
 * @param trace         the trace context fields (W3C {@code traceparent}, {@code tracestate}) the handler call
 *                      carries, set by the dispatcher for the span of the call; empty: the record's own headers
 *                      carry it
 */
public record ClaimedInvocation(String id, String service, String handler, String objectKey, boolean exclusive,
        byte[] input, List<RecordHeader> headers, KafkaOrigin origin, int attempt, int journalLength,
        Map<String, String> trace) {

    /** The journal length of a claim that does not know it: read it before relying on it. */
    public static final int UNKNOWN_JOURNAL_LENGTH = -1;

    public ClaimedInvocation {
        trace = trace == null ? Map.of() : Map.copyOf(trace);
    }

    /** A claim with no trace context of its own. */
    public ClaimedInvocation(String id, String service, String handler, String objectKey, boolean exclusive,
            byte[] input, List<RecordHeader> headers, KafkaOrigin origin, int attempt, int journalLength) {
        this(id, service, handler, objectKey, exclusive, input, headers, origin, attempt, journalLength, Map.of());
    }

    /** A claim whose journal length is not known. */
    public ClaimedInvocation(String id, String service, String handler, String objectKey, boolean exclusive,
            byte[] input, List<RecordHeader> headers, KafkaOrigin origin, int attempt) {
        this(id, service, handler, objectKey, exclusive, input, headers, origin, attempt, UNKNOWN_JOURNAL_LENGTH);
    }

    /** This invocation, its call carrying {@code fields} as its trace context. */
    public ClaimedInvocation withTrace(Map<String, String> fields) {
        return new ClaimedInvocation(id, service, handler, objectKey, exclusive, input, headers, origin, attempt,
                journalLength, fields);
    }
}
