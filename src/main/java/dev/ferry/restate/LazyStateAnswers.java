package dev.ferry.restate;

import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.TreeSet;

import com.google.protobuf.ByteString;
import com.google.protobuf.InvalidProtocolBufferException;

import dev.ferry.restate.wire.ServiceProtocol.GetLazyStateCommandMessage;
import dev.ferry.restate.wire.ServiceProtocol.GetLazyStateCompletionNotificationMessage;
import dev.ferry.restate.wire.ServiceProtocol.GetLazyStateKeysCommandMessage;
import dev.ferry.restate.wire.ServiceProtocol.GetLazyStateKeysCompletionNotificationMessage;
import dev.ferry.restate.wire.ServiceProtocol.NotificationIdMessage;
import dev.ferry.restate.wire.ServiceProtocol.StateKeys;
import dev.ferry.restate.wire.ServiceProtocol.Value;
import dev.ferry.restate.wire.ServiceProtocol.Void;

/**
 * Answers lazy state reads from the object's state as this attempt sees it (the stored state with the attempt's
 * own changes applied), as the completion notification the runtime would send.
 */
final class LazyStateAnswers {

    private final Map<String, byte[]> state;

    LazyStateAnswers(Map<String, byte[]> state) {
        this.state = state;
    }

    Frame answer(Frame command) throws InvalidProtocolBufferException {
        if (command.type() == MessageType.GET_LAZY_STATE_COMMAND.code) {
            GetLazyStateCommandMessage get = GetLazyStateCommandMessage.parseFrom(command.rawBody());
            GetLazyStateCompletionNotificationMessage.Builder answer = GetLazyStateCompletionNotificationMessage
                    .newBuilder().setCompletionId(get.getResultCompletionId());
            byte[] value = state.get(get.getKey().toStringUtf8());
            if (value == null) {
                answer.setVoid(Void.getDefaultInstance());
            } else {
                answer.setValue(Value.newBuilder().setContent(ByteString.copyFrom(value)));
            }
            return Frame.of(MessageType.GET_LAZY_STATE_COMPLETION_NOTIFICATION.code, answer.build().toByteArray());
        }
        GetLazyStateKeysCommandMessage keys = GetLazyStateKeysCommandMessage.parseFrom(command.rawBody());
        StateKeys.Builder names = StateKeys.newBuilder();
        for (String key : new TreeSet<>(state.keySet())) {
            names.addKeys(ByteString.copyFrom(key, StandardCharsets.UTF_8));
        }
        return Frame.of(MessageType.GET_LAZY_STATE_KEYS_COMPLETION_NOTIFICATION.code,
                GetLazyStateKeysCompletionNotificationMessage.newBuilder()
                        .setCompletionId(keys.getResultCompletionId()).setStateKeys(names).build().toByteArray());
    }

    static int completionId(Frame notification) throws InvalidProtocolBufferException {
        return NotificationIdMessage.parseFrom(notification.rawBody()).getCompletionId();
    }
}
