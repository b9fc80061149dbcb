package dev.ferry.restate;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import com.google.protobuf.InvalidProtocolBufferException;

import dev.ferry.restate.wire.ServiceProtocol.NamedCommandMessage;

/**
 * One entry of an invocation's journal: a command or a notification, kept as the whole frame so that a replay
 * sends exactly what was stored.
 *
 * @param type  the message type code ({@code 0x0403} for a set-state command, ...)
 * @param name  the entry name the SDK gave a command (a {@code ctx.run} step's name), empty if none
 * @param frame the frame: header and protobuf body
 */
public record JournalEntry(int type, String name, byte[] frame) {

    public JournalEntry {
        name = name == null ? "" : name;
        frame = frame.clone();
    }

    /** The entry of a frame, with the entry name read from a command's body. */
    public static JournalEntry of(Frame frame) {
        return new JournalEntry(frame.type(), entryName(frame), frame.toBytes());
    }

    /** An entry read back from storage. */
    public static JournalEntry ofStored(byte[] frame) {
        return of(Frame.parse(frame));
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
            byte[] frame = new byte[Frame.HEADER_BYTES + (int) length];
            in.get(frame);
            entries.add(ofStored(frame));
        }
        return entries;
    }

    @Override
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
        return other instanceof JournalEntry that && that.type == type && that.name.equals(name)
                && Arrays.equals(that.frame, frame);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(frame);
    }

    @Override
    public String toString() {
        return "JournalEntry[" + typeName() + (name.isEmpty() ? "" : " \"" + name + "\"") + ", " + frame.length
                + " bytes]";
    }

    private static String entryName(Frame frame) {
        if (MessageType.isNotification(frame.type())) {
            return "";
        }
        try {
            return NamedCommandMessage.parseFrom(frame.rawBody()).getName();
        } catch (InvalidProtocolBufferException e) {
            return "";
        }
    }
}
