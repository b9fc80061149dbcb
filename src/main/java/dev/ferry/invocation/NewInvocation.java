package dev.ferry.invocation;

import java.util.List;

/**
 * An invocation to enqueue. Build it with {@link #runnable}, {@link #exclusive} or {@link #failed}.
 *
 * @param exclusiveKey for exclusive targets, the lock the invocation must hold to run (service and object key)
 */
public record NewInvocation(String id, String service, String handler, String objectKey, String exclusiveKey,
        InvocationStatus status, FailureReason failureReason, String lastFailure, byte[] input,
        List<RecordHeader> headers, KafkaOrigin origin) {

    /** An invocation that may run as soon as a dispatcher picks it up. */
    public static NewInvocation runnable(String id, String service, String handler, String objectKey, byte[] input,
            List<RecordHeader> headers, KafkaOrigin origin) {
        return new NewInvocation(id, service, handler, objectKey, null, InvocationStatus.READY, null, null, input,
                headers, origin);
    }

    /** An invocation that runs only when no other invocation of the same object key holds the key. */
    public static NewInvocation exclusive(String id, String service, String handler, String objectKey, byte[] input,
            List<RecordHeader> headers, KafkaOrigin origin) {
        return new NewInvocation(id, service, handler, objectKey, service + '/' + objectKey, InvocationStatus.PENDING,
                null, null, input, headers, origin);
    }

    /** An invocation that completes with failure at once, without calling the handler. */
    public static NewInvocation failed(String id, String service, String handler, String objectKey, byte[] input,
            List<RecordHeader> headers, KafkaOrigin origin, FailureReason reason, String detail) {
        return new NewInvocation(id, service, handler, objectKey, null, InvocationStatus.COMPLETED, reason, detail,
                input, headers, origin);
    }

    /** An invocation that waits for an operator, e.g. because its target is not registered. */
    public static NewInvocation paused(String id, String service, String handler, String objectKey, byte[] input,
            List<RecordHeader> headers, KafkaOrigin origin, String detail) {
        return new NewInvocation(id, service, handler, objectKey, null, InvocationStatus.PAUSED, null, detail,
                input, headers, origin);
    }
}
