package dev.ferry.restate;

import com.google.protobuf.ByteString;

import dev.ferry.restate.wire.ServiceProtocol.CallCompletionNotificationMessage;
import dev.ferry.restate.wire.ServiceProtocol.Failure;
import dev.ferry.restate.wire.ServiceProtocol.Value;

/**
 * The notification a caller's journal gets when the invocation it called completes: its result as the value, or
 * its failure as a terminal failure (code 500 and the callee's last failure), whatever kind of handler it was.
 */
final class CallResults {

    /** The failure code a caller sees for a callee that failed. */
    static final int FAILED = 500;

    private CallResults() {
    }

    static JournalEntry notification(int completionId, byte[] value, String failure) {
        CallCompletionNotificationMessage.Builder message = CallCompletionNotificationMessage.newBuilder()
                .setCompletionId(completionId);
        if (failure != null) {
            message.setFailure(Failure.newBuilder().setCode(FAILED).setMessage(failure));
        } else {
            message.setValue(Value.newBuilder()
                    .setContent(value == null ? ByteString.EMPTY : ByteString.copyFrom(value)));
        }
        return JournalEntry.of(Frame.of(MessageType.CALL_COMPLETION_NOTIFICATION.code, message.build().toByteArray()));
    }
}
