package dev.ferry.restate;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import com.google.protobuf.CodedOutputStream;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.MessageLite;

import dev.ferry.restate.wire.ServiceProtocol.NamedCommandMessage;

/**
 * One entry of an invocation's journal: a command or a notification, kept as the whole frame so that a replay
 * sends exactly what was stored. Its entry name is read from the frame only when asked for: attempts store and
 * replay entries without looking at their names.
 */
public final class JournalEntry {

    private final int type;
    private final byte[] frame;
    private String name;

    /** @param frame the whole frame, header and body, which the entry now owns */
    private JournalEntry(int type, byte[] frame) {
        this.type = type;
        this.frame = frame;
    }

    /** The entry of a frame. */
    public static JournalEntry of(Frame frame) {
        return new JournalEntry(frame.type(), frame.toBytes());
    }

    /** The entry of a message of the given type, serialized once into its frame. */
    static JournalEntry of(int type, MessageLite message) {
        int size = message.getSerializedSize();
        byte[] frame = new byte[Frame.HEADER_BYTES + size];
        Frame.writeHeader(ByteBuffer.wrap(frame), type, 0, size);
        CodedOutputStream out = CodedOutputStream.newInstance(frame, Frame.HEADER_BYTES, size);
        try {
            message.writeTo(out);
        } catch (IOException e) {
            throw new UncheckedIOException("could not write a message into an array", e);
        }
        out.checkNoSpaceLeft();
        return new JournalEntry(type, frame);
    }

    /** An entry read back from storage: a whole frame, header and body. */
    public static JournalEntry ofStored(byte[] frame) {
        return new JournalEntry(Frame.checkedType(frame), frame.clone());
    }

    /** The message type code ({@code 0x0403} for a set-state command, ...). */
    public int type() {
        return type;
    }

    /** The entry name the SDK gave a command (a {@code ctx.run} step's name), empty if none. */
    public String name() {
        String read = name;
        if (read == null) {
            read = entryName(type, frame);
            name = read;
        }
        return read;
    }

    /** The frames of consecutive entries back to back, as a journal segment stores them. */
    static byte[] segment(List<JournalEntry> entries) {
        if (entries.size() == 1) {
            return entries.getFirst().frame;
        }
        int size = 0;
        for (JournalEntry entry : entries) {
            size += entry.frame.length;
        }
        byte[] segment = new byte[size];
        int at = 0;
        for (JournalEntry entry : entries) {
            System.arraycopy(entry.frame, 0, segment, at, entry.frame.length);
            at += entry.frame.length;
        }
        return segment;
    }

    /** The entries of a stored journal segment, in order: frames back to back, each as long as its header says. */
    public static List<JournalEntry> ofStoredSegment(byte[] segment) {
        List<JournalEntry> entries = new ArrayList<>();
        ByteBuffer in = ByteBuffer.wrap(segment);
        while (in.hasRemaining()) {
            if (in.remaining() < Frame.HEADER_BYTES) {
                throw new IllegalArgumentException("a journal segment ends inside a frame header, "
                        + in.remaining() + " bytes after entry " + entries.size());
            }
            long length = Integer.toUnsignedLong(in.getInt(in.position() + 4));
            if (length > in.remaining() - Frame.HEADER_BYTES) {
                throw new IllegalArgumentException("frame " + entries.size() + " of a journal segment says " + length
                        + " body bytes, " + (in.remaining() - Frame.HEADER_BYTES) + " are left");
            }
            int type = Short.toUnsignedInt(in.getShort(in.position()));
            byte[] frame = new byte[Frame.HEADER_BYTES + (int) length];
            in.get(frame);
            entries.add(new JournalEntry(type, frame));
        }
        return entries;
    }

    /** The whole frame: header and protobuf body. */
    public byte[] frame() {
        return frame.clone();
    }

    /** The protocol's name of the entry's type, such as {@code SetStateCommand}. */
    public String typeName() {
        return MessageType.nameOf(type);
    }

    /** Whether the entry is a command (custom commands included) rather than a notification. */
    public boolean isCommand() {
        return MessageType.isCommand(type) || MessageType.isCustomCommand(type);
    }

    Frame toFrame() {
        return Frame.parse(frame);
    }

    byte[] rawFrame() {
        return frame;
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof JournalEntry that && that.type == type && Arrays.equals(that.frame, frame);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(frame);
    }

    @Override
    public String toString() {
        String entryName = name();
        return "JournalEntry[" + typeName() + (entryName.isEmpty() ? "" : " \"" + entryName + "\"") + ", "
                + frame.length + " bytes]";
    }

    private static String entryName(int type, byte[] frame) {
        if (MessageType.isNotification(type)) {
            return "";
        }
        try {
            return NamedCommandMessage.parseFrom(ByteBuffer.wrap(frame, Frame.HEADER_BYTES,
                    frame.length - Frame.HEADER_BYTES)).getName();
        } catch (InvalidProtocolBufferException e) {
            return "";
        }
    }
}
