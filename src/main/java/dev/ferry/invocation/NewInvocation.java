package dev.ferry.invocation;

import java.time.Instant;
import java.util.List;

/**
 * An invocation to enqueue. Build it with {@link #runnable}, {@link #exclusive}, {@link #workflowRun}
 * or {@link #failed}; {@link #withDeadLetter} adds where a failure is published.
 *
 * @param exclusiveKey for exclusive targets, the lock the invocation must hold to run (service and object key)
 * @param workflowKey  for a workflow's run handler, the key that may run only once (service and object key)
 */
public record NewInvocation(String id, String service, String handler, String objectKey, String exclusiveKey,
        String workflowKey, InvocationStatus status, FailureReason failureReason, String lastFailure, byte[] input,
        List<RecordHeader> headers, KafkaOrigin origin, DeadLetter deadLetter, ResultTopic resultTopic,
        String idempotencyKey, Instant notBefore) {

    /** Where the record of a failed invocation is published: a topic on a cluster. */
    public record DeadLetter(String cluster, String topic) {
    }

    /** Where the output of a successful invocation is produced: a topic on a cluster. */
    public record ResultTopic(String cluster, String topic) {
    }

    /** An invocation that may run as soon as a dispatcher picks it up. */
    public static NewInvocation runnable(String id, String service, String handler, String objectKey, byte[] input,
            List<RecordHeader> headers, KafkaOrigin origin) {
        return new NewInvocation(id, service, handler, objectKey, null, null, InvocationStatus.READY, null, null, input,
                headers, origin, null, null, null, null);
    }

    /** An invocation that runs only when no other invocation of the same object key holds the key. */
    public static NewInvocation exclusive(String id, String service, String handler, String objectKey, byte[] input,
            List<RecordHeader> headers, KafkaOrigin origin) {
        return new NewInvocation(id, service, handler, objectKey, service + '/' + objectKey, null,
                InvocationStatus.PENDING, null, null, input, headers, origin, null, null, null, null);
    }

    /** A workflow run: runs at once unless the key already ran, in which case it completes as a duplicate. */
    public static NewInvocation workflowRun(String id, String service, String handler, String objectKey, byte[] input,
            List<RecordHeader> headers, KafkaOrigin origin) {
        return new NewInvocation(id, service, handler, objectKey, null, service + '/' + objectKey,
                InvocationStatus.READY, null, null, input, headers, origin, null, null, null, null);
    }

    /** An invocation that completes with failure at once, without calling the handler. */
    public static NewInvocation failed(String id, String service, String handler, String objectKey, byte[] input,
            List<RecordHeader> headers, KafkaOrigin origin, FailureReason reason, String detail) {
        return new NewInvocation(id, service, handler, objectKey, null, null, InvocationStatus.COMPLETED, reason,
                detail, input, headers, origin, null, null, null, null);
    }

    /** This invocation, publishing its record to {@code deadLetter} if it fails. */
    public NewInvocation withDeadLetter(DeadLetter deadLetter) {
        return new NewInvocation(id, service, handler, objectKey, exclusiveKey, workflowKey, status, failureReason,
                lastFailure, input, headers, origin, deadLetter, resultTopic, idempotencyKey, notBefore);
    }

    /** This invocation, producing its output to {@code resultTopic} if it succeeds. */
    public NewInvocation withResultTopic(ResultTopic resultTopic) {
        return new NewInvocation(id, service, handler, objectKey, exclusiveKey, workflowKey, status, failureReason,
                lastFailure, input, headers, origin, deadLetter, resultTopic, idempotencyKey, notBefore);
    }

    /** This invocation, found again by {@code key} when a caller repeats the same request. */
    public NewInvocation withIdempotencyKey(String key) {
        return new NewInvocation(id, service, handler, objectKey, exclusiveKey, workflowKey, status, failureReason,
                lastFailure, input, headers, origin, deadLetter, resultTopic, key, notBefore);
    }

    /** This invocation, held back as {@code scheduled} until {@code time}. */
    public NewInvocation notBefore(Instant time) {
        return new NewInvocation(id, service, handler, objectKey, exclusiveKey, workflowKey,
                InvocationStatus.SCHEDULED, failureReason, lastFailure, input, headers, origin, deadLetter, resultTopic,
                idempotencyKey, time);
    }

    /**
     * Stand-ins for a record PostgreSQL refused, completed as {@code invalid-record} with the reason, tried in
     * order: first with the record's raw key, value and dead-letter topic (bytes, which PostgreSQL always takes),
     * then with the record's coordinates alone. Neither has an object key, headers or a record timestamp.
     */
    List<NewInvocation> asInvalidRecord(String reason) {
        KafkaOrigin bare = origin == null ? null
                : new KafkaOrigin(origin.subscriptionId(), origin.topic(), origin.partition(), origin.offset(), null,
                        origin.key());
        KafkaOrigin coordinates = origin == null ? null
                : new KafkaOrigin(origin.subscriptionId(), origin.topic(), origin.partition(), origin.offset(), null,
                        null);
        return List.of(
                new NewInvocation(id, service, handler, null, null, null, InvocationStatus.COMPLETED,
                        FailureReason.INVALID_RECORD, reason, input, List.of(), bare, deadLetter, null, null, null),
                new NewInvocation(id, service, handler, null, null, null, InvocationStatus.COMPLETED,
                        FailureReason.INVALID_RECORD, reason, null, List.of(), coordinates, null, null, null, null));
    }

    /** This workflow run, completed at once because its key already ran. */
    NewInvocation asDuplicate() {
        return new NewInvocation(id, service, handler, objectKey, null, null, InvocationStatus.COMPLETED,
                FailureReason.DUPLICATE, "workflow %s already ran for key '%s'".formatted(service, objectKey), input,
                headers, origin, deadLetter, resultTopic, idempotencyKey, notBefore);
    }
}
