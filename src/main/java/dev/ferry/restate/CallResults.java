package dev.ferry.restate;

import com.google.protobuf.ByteString;

import dev.ferry.restate.wire.ServiceProtocol.AttachInvocationCompletionNotificationMessage;
import dev.ferry.restate.wire.ServiceProtocol.CallCompletionNotificationMessage;
import dev.ferry.restate.wire.ServiceProtocol.Failure;
import dev.ferry.restate.wire.ServiceProtocol.Value;

/**
 * The notification a caller's journal gets when the invocation it called (or attached to) completes: its result as
 * the value, or its failure as a terminal failure (code 500 and the callee's last failure), whatever kind of handler
 * it was.
 */
final class CallResults {

    /** The failure code a caller sees for a callee that failed. */
    static final int FAILED = 500;

    private CallResults() {
    }

    static JournalEntry notification(int completionId, byte[] value, String failure) {
        return notification(null, completionId, value, failure);
    }

    /**
     * The notification of a stored result completion.
     *
     * @param type {@code invocation_completions.notification_type}: null for a call's result, else the message type
     */
    static JournalEntry notification(Integer type, int completionId, byte[] value, String failure) {
        if (type != null && type == MessageType.ATTACH_INVOCATION_COMPLETION_NOTIFICATION.code) {
            AttachInvocationCompletionNotificationMessage.Builder message =
                    AttachInvocationCompletionNotificationMessage.newBuilder().setCompletionId(completionId);
            if (failure != null) {
                message.setFailure(failure(failure));
            } else {
                message.setValue(value(value));
            }
            return JournalEntry.of(Frame.of(type, message.build().toByteArray()));
        }
        CallCompletionNotificationMessage.Builder message = CallCompletionNotificationMessage.newBuilder()
                .setCompletionId(completionId);
        if (failure != null) {
            message.setFailure(failure(failure));
        } else {
            message.setValue(value(value));
        }
        return JournalEntry.of(Frame.of(MessageType.CALL_COMPLETION_NOTIFICATION.code, message.build().toByteArray()));
    }

    static Failure failure(String message) {
        return Failure.newBuilder().setCode(FAILED).setMessage(message).build();
    }

    static Value value(byte[] value) {
        return Value.newBuilder().setContent(value == null ? ByteString.EMPTY : ByteString.copyFrom(value)).build();
    }
}
