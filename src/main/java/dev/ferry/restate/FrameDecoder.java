package dev.ferry.restate;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;

/**
 * Cuts a byte stream that arrives in arbitrary pieces into frames. A frame whose header announces a body larger
 * than the limit is refused before its body is buffered, and so is a stream larger than its total limit.
 */
final class FrameDecoder {

    private final int maxMessageBytes;
    private final long maxTotalBytes;
    private final ByteBuffer header = ByteBuffer.allocate(Frame.HEADER_BYTES);
    private ByteBuffer body;
    private int type;
    private int flags;
    private long total;

    FrameDecoder(int maxMessageBytes, long maxTotalBytes) {
        this.maxMessageBytes = maxMessageBytes;
        this.maxTotalBytes = maxTotalBytes;
    }

    /** Thrown when a message or the whole stream exceeds its limit. */
    static final class TooLarge extends RuntimeException {
        TooLarge(String message) {
            super(message);
        }
    }

    /** The frames completed by these bytes, in order; a partial frame is kept for the next call. */
    List<Frame> feed(ByteBuffer bytes) {
        total += bytes.remaining();
        if (total > maxTotalBytes) {
            throw new TooLarge("the response exceeded " + maxTotalBytes + " bytes");
        }
        List<Frame> frames = new ArrayList<>();
        while (bytes.hasRemaining()) {
            if (body == null) {
                copy(bytes, header);
                if (!header.hasRemaining()) {
                    startBody();
                }
            }
            if (body != null) {
                copy(bytes, body);
                if (!body.hasRemaining()) {
                    frames.add(new Frame(type, flags, body.array()));
                    body = null;
                    header.clear();
                }
            }
        }
        return frames;
    }

    /** Whether the bytes so far end exactly at a frame boundary. */
    boolean atBoundary() {
        return body == null && header.position() == 0;
    }

    private void startBody() {
        header.flip();
        type = Short.toUnsignedInt(header.getShort());
        flags = Short.toUnsignedInt(header.getShort());
        long length = Integer.toUnsignedLong(header.getInt());
        if (length > maxMessageBytes) {
            throw new TooLarge("a message of type 0x%04x announced %d bytes, more than the limit of %d"
                    .formatted(type, length, maxMessageBytes));
        }
        body = ByteBuffer.allocate((int) length);
    }

    private static void copy(ByteBuffer from, ByteBuffer to) {
        int n = Math.min(from.remaining(), to.remaining());
        ByteBuffer slice = from.slice(from.position(), n);
        to.put(slice);
        from.position(from.position() + n);
    }
}
