package dev.ferry.restate;

import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.HexFormat;

/**
 * One message of the Restate service protocol as it travels: an 8-byte header (16-bit message type, 16-bit
 * flags, 32-bit body length, all big-endian) followed by the protobuf body. Journal entries are stored in this
 * form, so what is replayed is byte for byte what was received.
 *
 * @param type  the message type ({@code 0x0000}-{@code 0x03FF} control, {@code 0x0400}-{@code 0x7FFF} commands,
 *              {@code 0x8000}-{@code 0xFBFF} notifications, {@code 0xFC00}-{@code 0xFFFF} custom commands)
 * @param flags the flag bits; only {@link #REQUESTED_ACK} is defined, on a run proposal
 * @param body  the protobuf-encoded message
 */
public record Frame(int type, int flags, byte[] body) {

    /** Length of the header that precedes every body. */
    public static final int HEADER_BYTES = 8;
    /** The flag by which an SDK asks for an acknowledgement of a run proposal (version 7). */
    public static final int REQUESTED_ACK = 0x8000;

    public Frame {
        if (type < 0 || type > 0xFFFF || flags < 0 || flags > 0xFFFF) {
            throw new IllegalArgumentException("frame type and flags are 16-bit values");
        }
        body = body.clone();
    }

    /** A frame without flags. */
    public static Frame of(int type, byte[] body) {
        return new Frame(type, 0, body);
    }

    @Override
    public byte[] body() {
        return body.clone();
    }

    /** The header followed by the body. */
    public byte[] toBytes() {
        ByteBuffer out = ByteBuffer.allocate(HEADER_BYTES + body.length);
        writeTo(out);
        return out.array();
    }

    void writeTo(ByteBuffer out) {
        writeHeader(out, type, flags, body.length);
        out.put(body);
    }

    /** Writes the 8-byte header of a frame: type, flags, body length. */
    static void writeHeader(ByteBuffer out, int type, int flags, int bodyLength) {
        out.putShort((short) type).putShort((short) flags).putInt(bodyLength);
    }

    int size() {
        return HEADER_BYTES + body.length;
    }

    byte[] rawBody() {
        return body;
    }

    /** Reads one whole frame, as {@link #toBytes()} wrote it. */
    public static Frame parse(byte[] bytes) {
        int type = checkedType(bytes);
        int flags = Short.toUnsignedInt(ByteBuffer.wrap(bytes).getShort(2));
        return new Frame(type, flags, Arrays.copyOfRange(bytes, HEADER_BYTES, bytes.length));
    }

    /** The type of one whole frame, after checking that its header says the length it has. */
    static int checkedType(byte[] bytes) {
        if (bytes.length < HEADER_BYTES) {
            throw new IllegalArgumentException("a frame has an 8-byte header, got " + bytes.length + " bytes");
        }
        ByteBuffer in = ByteBuffer.wrap(bytes);
        long length = Integer.toUnsignedLong(in.getInt(4));
        if (length != bytes.length - HEADER_BYTES) {
            throw new IllegalArgumentException("frame header says " + length + " body bytes, got "
                    + (bytes.length - HEADER_BYTES));
        }
        return Short.toUnsignedInt(in.getShort(0));
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof Frame frame && frame.type == type && frame.flags == flags
                && Arrays.equals(frame.body, body);
    }

    @Override
    public int hashCode() {
        return 31 * (31 * type + flags) + Arrays.hashCode(body);
    }

    @Override
    public String toString() {
        return "Frame[type=0x%04x, flags=0x%04x, body=%s]".formatted(type, flags, HexFormat.of().formatHex(body));
    }
}
