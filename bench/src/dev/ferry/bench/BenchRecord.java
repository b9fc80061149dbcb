package dev.ferry.bench;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * The records the benchmark produces. Record {@code i} belongs to key {@code k = i % keys} and is the
 * {@code s = i / keys}-th record of that key; its value is a small JSON object carrying all three, padded to a
 * fixed size, so a handler can count distinct records and check per-key order without any lookup.
 */
final class BenchRecord {

    private BenchRecord() {
    }

    static byte[] key(long k) {
        return ("key-" + k).getBytes(StandardCharsets.US_ASCII);
    }

    /** {@code {"i":..,"k":..,"s":..,"p":"xxxx"}}, padded to {@code size} bytes when it is shorter. */
    static byte[] value(long i, long keys, int size) {
        String head = "{\"i\":" + i + ",\"k\":" + (i % keys) + ",\"s\":" + (i / keys) + ",\"p\":\"";
        int pad = Math.max(0, size - head.length() - 2);
        byte[] value = new byte[head.length() + pad + 2];
        byte[] headBytes = head.getBytes(StandardCharsets.US_ASCII);
        System.arraycopy(headBytes, 0, value, 0, headBytes.length);
        Arrays.fill(value, headBytes.length, headBytes.length + pad, (byte) 'x');
        value[value.length - 2] = '"';
        value[value.length - 1] = '}';
        return value;
    }

    /** The non-negative number after {@code "name":} in a value written by {@link #value}, or -1. */
    static long field(byte[] value, char name) {
        int limit = Math.min(value.length, 80);
        for (int at = 0; at + 4 < limit; at++) {
            if (value[at] == '"' && value[at + 1] == name && value[at + 2] == '"' && value[at + 3] == ':') {
                long number = 0;
                int digits = 0;
                for (int d = at + 4; d < limit && value[d] >= '0' && value[d] <= '9'; d++, digits++) {
                    number = number * 10 + (value[d] - '0');
                }
                return digits == 0 ? -1 : number;
            }
        }
        return -1;
    }
}
