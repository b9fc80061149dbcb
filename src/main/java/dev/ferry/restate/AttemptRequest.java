package dev.ferry.restate;

import java.time.Duration;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Everything one attempt of an SDK invocation needs.
 *
 * @param identity         the invocation's id
 * @param service          the service name
 * @param handler          the handler name
 * @param kind             what the handler may do with state
 * @param key              the object key; empty for a service, and for a record whose key is null
 * @param input            the invocation's input (the record value or the RPC body); the input command of a new
 *                         journal carries it
 * @param headers          the headers the input command carries, as plain handlers get them
 *                         ({@code restate.subscription.id}, {@code kafka.*}), in order
 * @param journal          the stored journal, entry 0 first; empty for a first attempt, in which case this attempt
 *                         writes the input command as entry 0
 * @param state            the object's whole state (empty for a service)
 * @param lazyState        true when the handler asked for lazy state: the state map is not sent, and Ferry answers
 *                         each lazy read from {@code state}
 * @param retry            attempts and time since the journal last grew
 * @param randomSeed       the seed of the SDK's deterministic random generator, stable across attempts
 */
public record AttemptRequest(InvocationIdentity identity, String service, String handler, HandlerKind kind,
        String key, byte[] input, List<Header> headers, List<JournalEntry> journal, Map<String, byte[]> state,
        boolean lazyState, RetryInfo retry, long randomSeed) {

    public AttemptRequest {
        Objects.requireNonNull(identity, "identity");
        Objects.requireNonNull(service, "service");
        Objects.requireNonNull(handler, "handler");
        Objects.requireNonNull(kind, "kind");
        key = key == null ? "" : key;
        input = input == null ? new byte[0] : input.clone();
        headers = List.copyOf(headers);
        journal = List.copyOf(journal);
        state = Collections.unmodifiableMap(new LinkedHashMap<>(state));
        retry = retry == null ? RetryInfo.NONE : retry;
    }

    @Override
    public byte[] input() {
        return input.clone();
    }

    byte[] rawInput() {
        return input;
    }

    /** A header of the input command. */
    public record Header(String key, String value) {
        public Header {
            Objects.requireNonNull(key, "key");
            Objects.requireNonNull(value, "value");
        }
    }

    /**
     * How often and for how long the attempts have failed since the journal last grew: the SDK applies a
     * {@code ctx.run} retry policy from these.
     *
     * @param count    failed attempts since the last stored entry
     * @param duration time since the last stored entry
     */
    public record RetryInfo(int count, Duration duration) {
        public static final RetryInfo NONE = new RetryInfo(0, Duration.ZERO);

        public RetryInfo {
            duration = duration == null || duration.isNegative() ? Duration.ZERO : duration;
            count = Math.max(0, count);
        }
    }
}
