package dev.ferry.shared;

import java.security.SecureRandom;
import java.time.Instant;

/**
 * Sortable unique identifiers: a prefix, then 26 Crockford base32 characters holding 48 bits of
 * milliseconds since the epoch and 80 random bits (the ULID layout). Identifiers made in a later
 * millisecond sort after earlier ones, so ids double as a creation order.
 */
public final class Ids {

    private static final char[] ALPHABET = "0123456789abcdefghjkmnpqrstvwxyz".toCharArray();
    private static final SecureRandom RANDOM = new SecureRandom();

    private Ids() {
    }

    public static String next(String prefix, Instant now) {
        byte[] random = new byte[10];
        RANDOM.nextBytes(random);
        long time = now.toEpochMilli();
        char[] out = new char[26];
        for (int i = 9; i >= 0; i--) {
            out[i] = ALPHABET[(int) (time & 31)];
            time >>>= 5;
        }
        // 80 random bits as 16 base32 characters
        long high = 0;
        for (int i = 0; i < 5; i++) {
            high = (high << 8) | (random[i] & 0xff);
        }
        long low = 0;
        for (int i = 5; i < 10; i++) {
            low = (low << 8) | (random[i] & 0xff);
        }
        for (int i = 17; i >= 10; i--) {
            out[i] = ALPHABET[(int) (high & 31)];
            high >>>= 5;
        }
        for (int i = 25; i >= 18; i--) {
            out[i] = ALPHABET[(int) (low & 31)];
            low >>>= 5;
        }
        return prefix + new String(out);
    }
}
