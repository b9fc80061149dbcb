package dev.ferry.restate;

import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Base64;
import java.util.Optional;

import com.google.protobuf.ByteString;

import dev.ferry.restate.wire.ServiceProtocol.Failure;
import dev.ferry.restate.wire.ServiceProtocol.SignalNotificationMessage;
import dev.ferry.restate.wire.ServiceProtocol.Value;
import dev.ferry.restate.wire.ServiceProtocol.Void;

/**
 * Awakeable ids, as the SDKs make them: {@code sign_1} and the URL-safe base64 (unpadded) of the invocation id
 * bytes of the start message followed by the awakeable's signal index (4 bytes, big-endian). {@link #decode} turns
 * one back into the Ferry invocation that waits and the signal that completes it.
 */
final class Awakeables {

    static final String PREFIX = "sign_1";
    private static final String CROCKFORD = "0123456789abcdefghjkmnpqrstvwxyz";
    private static final int ULID_BYTES = 16;

    /** An awakeable: the invocation that waits for it and the index of its signal. */
    record Awakeable(String invocationId, int signal) {
    }

    private Awakeables() {
    }

    /** The awakeable an id names; empty when the id is not one. */
    static Optional<Awakeable> decode(String id) {
        if (id == null || !id.startsWith(PREFIX)) {
            return Optional.empty();
        }
        byte[] raw;
        try {
            raw = Base64.getUrlDecoder().decode(id.substring(PREFIX.length()));
        } catch (IllegalArgumentException notBase64) {
            return Optional.empty();
        }
        if (raw.length <= Integer.BYTES) {
            return Optional.empty();
        }
        byte[] invocation = Arrays.copyOf(raw, raw.length - Integer.BYTES);
        int signal = ByteBuffer.wrap(raw, raw.length - Integer.BYTES, Integer.BYTES).getInt();
        return Optional.of(new Awakeable(invocationId(invocation), signal));
    }

    /** The id of an awakeable, as the SDK makes it; for tests and for clients that only know the invocation. */
    static String encode(String invocationId, int signal) {
        byte[] invocation = InvocationIdentity.of(invocationId).id();
        ByteBuffer raw = ByteBuffer.allocate(invocation.length + Integer.BYTES).put(invocation).putInt(signal);
        return PREFIX + Base64.getUrlEncoder().withoutPadding().encodeToString(raw.array());
    }

    /** The signal notification that completes an awakeable with a value, or with a failure when it is rejected. */
    static JournalEntry notification(int signal, byte[] value, String failure) {
        return notification(SignalNotificationMessage.newBuilder().setIdx(signal), value, failure);
    }

    /** The notification of a named signal ({@code ctx.signal(name)}), resolved with a value or rejected. */
    static JournalEntry named(String name, byte[] value, String failure) {
        return notification(SignalNotificationMessage.newBuilder().setName(name), value, failure);
    }

    private static JournalEntry notification(SignalNotificationMessage.Builder message, byte[] value,
            String failure) {
        if (failure != null) {
            message.setFailure(Failure.newBuilder().setCode(CallResults.FAILED).setMessage(failure));
        } else {
            message.setValue(Value.newBuilder()
                    .setContent(value == null ? ByteString.EMPTY : ByteString.copyFrom(value)));
        }
        return JournalEntry.of(Frame.of(MessageType.SIGNAL_NOTIFICATION.code, message.build().toByteArray()));
    }

    /** The built-in signal that cancels an invocation. */
    static final int CANCEL = 1;

    /** The signal notification that cancels an invocation. */
    static JournalEntry cancellation() {
        return JournalEntry.of(Frame.of(MessageType.SIGNAL_NOTIFICATION.code, SignalNotificationMessage.newBuilder()
                .setIdx(CANCEL).setVoid(Void.getDefaultInstance()).build().toByteArray()));
    }

    /** The inverse of {@link InvocationIdentity#of}: 16 bytes are a ULID, {@code inv_} and 26 base32 digits. */
    private static String invocationId(byte[] bytes) {
        if (bytes.length != ULID_BYTES) {
            return new String(bytes, StandardCharsets.UTF_8);
        }
        BigInteger value = new BigInteger(1, bytes);
        char[] digits = new char[26];
        for (int i = digits.length - 1; i >= 0; i--) {
            digits[i] = CROCKFORD.charAt(value.intValue() & 31);
            value = value.shiftRight(5);
        }
        return "inv_" + new String(digits);
    }
}
