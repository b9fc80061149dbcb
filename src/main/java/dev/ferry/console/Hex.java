package dev.ferry.console;

import java.util.HexFormat;

/** Bytes as rows of 16 hex pairs with their offset, as {@code xxd} shows them. */
final class Hex {

    private Hex() {
    }

    static String dump(byte[] bytes, int limit) {
        StringBuilder text = new StringBuilder();
        HexFormat format = HexFormat.ofDelimiter(" ");
        int shown = Math.min(bytes.length, limit);
        for (int offset = 0; offset < shown; offset += 16) {
            int end = Math.min(shown, offset + 16);
            text.append("%08x  ".formatted(offset)).append(format.formatHex(bytes, offset, end)).append('\n');
        }
        if (bytes.length > shown) {
            text.append("… %d more bytes".formatted(bytes.length - shown));
        }
        return text.toString();
    }
}
