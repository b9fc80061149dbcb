package dev.ferry.shared;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;

/**
 * Strict UTF-8 decoding: bytes become text only when they are valid UTF-8, never with replacement characters
 * standing in for what is not (which {@code new String(bytes, UTF_8)} would silently do).
 */
public final class Utf8 {

    private Utf8() {
    }

    /** The bytes as text, or null when absent or not valid UTF-8. */
    public static String decode(byte[] bytes) {
        if (bytes == null) {
            return null;
        }
        try {
            return StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(bytes)).toString();
        } catch (CharacterCodingException e) {
            return null;
        }
    }
}
