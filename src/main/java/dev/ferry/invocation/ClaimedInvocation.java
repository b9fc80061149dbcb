package dev.ferry.invocation;

import java.util.List;

/**
 * An invocation this instance has claimed and must now call, with everything the call needs.
 *
 * @param attempt       the attempt this claim starts (the stored attempt count after the claim); with the lease,
 *                      it tells this attempt's writes apart from a later claim's
 * @param journalLength the entries of the invocation's journal when it was claimed, so a handler protocol need
 *                      not read an empty journal; {@link #UNKNOWN_JOURNAL_LENGTH} when not known
 */
public record ClaimedInvocation(String id, String service, String handler, String objectKey, boolean exclusive,
        byte[] input, List<RecordHeader> headers, KafkaOrigin origin, int attempt, int journalLength) {

    /** The journal length of a claim that does not know it: read it before relying on it. */
    public static final int UNKNOWN_JOURNAL_LENGTH = -1;

    /** A claim whose journal length is not known. */
    public ClaimedInvocation(String id, String service, String handler, String objectKey, boolean exclusive,
            byte[] input, List<RecordHeader> headers, KafkaOrigin origin, int attempt) {
        this(id, service, handler, objectKey, exclusive, input, headers, origin, attempt, UNKNOWN_JOURNAL_LENGTH);
    }
}
