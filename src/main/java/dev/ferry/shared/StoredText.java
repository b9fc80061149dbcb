package dev.ferry.shared;

import org.jspecify.annotations.Nullable;

/**
 * The limits on text that Ferry stores in PostgreSQL and puts into handler URLs, with one check each.
 * PostgreSQL refuses a NUL character in {@code text}, and a btree index refuses entries over about 2.7 KB;
 * every value that reaches a column or an index is checked here first, so that a bad value becomes a clear
 * error (or a failed invocation) instead of a statement the database refuses.
 */
public final class StoredText {

    /** Object keys (Kafka record keys of keyed handlers, keys in RPC paths), in UTF-8 bytes. */
    public static final int MAX_KEY_BYTES = 1024;

    /** {@code Idempotency-Key} values, in UTF-8 bytes. */
    public static final int MAX_IDEMPOTENCY_KEY_BYTES = 256;

    /** Record header names, in UTF-8 bytes. */
    public static final int MAX_HEADER_NAME_BYTES = 256;

    private StoredText() {
    }

    /**
     * Why {@code text} cannot be stored as a value limited to {@code maxBytes} UTF-8 bytes, or null when it
     * can: it must not contain NUL (U+0000) and must not be longer than the limit.
     *
     * @param what what the value is, for the message ("the key", "the Idempotency-Key")
     */
    public static @Nullable String problem(String what, String text, int maxBytes) {
        if (text.indexOf('\0') >= 0) {
            return what + " contains a NUL character (U+0000), which Ferry cannot store";
        }
        int bytes = utf8Length(text);
        if (bytes > maxBytes) {
            return what + " is " + bytes + " bytes long; at most " + maxBytes + " bytes (UTF-8) are allowed";
        }
        return null;
    }

    /** The length of {@code text} in UTF-8, without encoding it. */
    public static int utf8Length(String text) {
        int bytes = 0;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c < 0x80) {
                bytes++;
            } else if (c < 0x800) {
                bytes += 2;
            } else if (Character.isHighSurrogate(c) && i + 1 < text.length()
                    && Character.isLowSurrogate(text.charAt(i + 1))) {
                bytes += 4;
                i++;
            } else {
                bytes += 3;
            }
        }
        return bytes;
    }
}
