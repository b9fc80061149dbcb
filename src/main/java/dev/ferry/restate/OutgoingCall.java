package dev.ferry.restate;

import java.time.Instant;
import java.util.List;
import java.util.Objects;

/**
 * An invocation a handler asked for: a one-way send, or a request-response call whose result completes
 * {@code resultCompletionId} of the caller's journal. Created in the transaction that stores the command.
 *
 * @param calleeId           the new invocation's id, already named in the caller's journal
 * @param service            the target service
 * @param handler            the target handler
 * @param key                the object key, or empty for a service
 * @param parameter          the input
 * @param headers            the headers the SDK attached
 * @param invokeAt           when a delayed send may run, or null for now
 * @param idempotencyKey     the idempotency key, or null
 * @param resultCompletionId the caller's completion id for the result of a call, or null for a send
 */
public record OutgoingCall(String calleeId, String service, String handler, String key, byte[] parameter,
        List<AttemptRequest.Header> headers, Instant invokeAt, String idempotencyKey, Integer resultCompletionId) {

    public OutgoingCall {
        Objects.requireNonNull(calleeId, "calleeId");
        parameter = parameter.clone();
        headers = List.copyOf(headers);
    }

    @Override
    public byte[] parameter() {
        return parameter.clone();
    }

    /** Whether the caller waits for the result. */
    public boolean awaitsResult() {
        return resultCompletionId != null;
    }

    /** "Service/handler" or "Service/key/handler", for messages. */
    String target() {
        return key.isEmpty() ? service + "/" + handler : service + "/" + key + "/" + handler;
    }
}
