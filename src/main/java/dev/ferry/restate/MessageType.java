package dev.ferry.restate;

import java.util.HashMap;
import java.util.Locale;
import java.util.Map;

/**
 * The message types of the service protocol that Ferry knows by name. For the commands Ferry does not run yet,
 * {@link #unsupportedFeature} names the SDK call an operator would recognise.
 */
enum MessageType {
    START(0x0000, null),
    SUSPENSION(0x0001, null),
    ERROR(0x0002, null),
    END(0x0003, null),
    COMMAND_ACK(0x0004, null),
    PROPOSE_RUN_COMPLETION(0x0005, null),
    AWAITING_ON(0x0006, null),
    PROPOSE_RUN_COMPLETION_ACK(0x0007, null),
    INPUT_COMMAND(0x0400, null),
    OUTPUT_COMMAND(0x0401, null),
    GET_LAZY_STATE_COMMAND(0x0402, null),
    SET_STATE_COMMAND(0x0403, null),
    CLEAR_STATE_COMMAND(0x0404, null),
    CLEAR_ALL_STATE_COMMAND(0x0405, null),
    GET_LAZY_STATE_KEYS_COMMAND(0x0406, null),
    GET_EAGER_STATE_COMMAND(0x0407, null),
    GET_EAGER_STATE_KEYS_COMMAND(0x0408, null),
    GET_PROMISE_COMMAND(0x0409, null),
    PEEK_PROMISE_COMMAND(0x040A, null),
    COMPLETE_PROMISE_COMMAND(0x040B, null),
    SLEEP_COMMAND(0x040C, null),
    CALL_COMMAND(0x040D, null),
    ONE_WAY_CALL_COMMAND(0x040E, null),
    SEND_SIGNAL_COMMAND(0x0410, null),
    RUN_COMMAND(0x0411, null),
    ATTACH_INVOCATION_COMMAND(0x0412, null),
    GET_INVOCATION_OUTPUT_COMMAND(0x0413, null),
    COMPLETE_AWAKEABLE_COMMAND(0x0414, null),
    GET_LAZY_STATE_COMPLETION_NOTIFICATION(0x8002, null),
    GET_LAZY_STATE_KEYS_COMPLETION_NOTIFICATION(0x8006, null),
    GET_PROMISE_COMPLETION_NOTIFICATION(0x8009, null),
    PEEK_PROMISE_COMPLETION_NOTIFICATION(0x800A, null),
    COMPLETE_PROMISE_COMPLETION_NOTIFICATION(0x800B, null),
    SLEEP_COMPLETION_NOTIFICATION(0x800C, null),
    CALL_COMPLETION_NOTIFICATION(0x800D, null),
    CALL_INVOCATION_ID_COMPLETION_NOTIFICATION(0x800E, null),
    RUN_COMPLETION_NOTIFICATION(0x8011, null),
    ATTACH_INVOCATION_COMPLETION_NOTIFICATION(0x8012, null),
    GET_INVOCATION_OUTPUT_COMPLETION_NOTIFICATION(0x8013, null),
    SIGNAL_NOTIFICATION(0xFBFF, null);

    private static final Map<Integer, MessageType> BY_CODE = new HashMap<>();

    static {
        for (MessageType type : values()) {
            BY_CODE.put(type.code, type);
        }
    }

    final int code;
    final String unsupportedFeature;

    MessageType(int code, String unsupportedFeature) {
        this.code = code;
        this.unsupportedFeature = unsupportedFeature;
    }

    static MessageType of(int code) {
        return BY_CODE.get(code);
    }

    static boolean isCommand(int code) {
        return code >= 0x0400 && code < 0x8000;
    }

    static boolean isNotification(int code) {
        return code >= 0x8000 && code < 0xFC00;
    }

    static boolean isCustomCommand(int code) {
        return code >= 0xFC00;
    }

    /**
     * The protocol's own name of a message type, such as {@code SetStateCommand} or {@code
     * RunCompletionNotification}; {@code CustomCommand(0xfc01)} or {@code Unknown(0x0415)} otherwise.
     */
    static String nameOf(int code) {
        MessageType type = of(code);
        if (type != null) {
            StringBuilder name = new StringBuilder();
            for (String part : type.name().split("_")) {
                name.append(part.charAt(0)).append(part.substring(1).toLowerCase(Locale.ROOT));
            }
            return name.toString();
        }
        return (isCustomCommand(code) ? "CustomCommand" : "Unknown") + "(0x%04x)".formatted(code);
    }
}
