package dev.ferry.shared;

import java.math.BigInteger;
import java.security.SecureRandom;
import java.time.Instant;
import java.util.Arrays;

/**
 * Unique identifiers holding 48 bits of milliseconds since the epoch and 80 random bits (the ULID layout),
 * in two spellings. {@link #next} writes a prefix and 26 Crockford base32 characters: identifiers made in a
 * later millisecond sort after earlier ones, so ids double as a creation order. {@link #nextRestateStyle}
 * writes them the way Restate spells its resource ids, for resources that Restate's tools read.
 */
public final class Ids {

    private static final char[] ALPHABET = "0123456789abcdefghjkmnpqrstvwxyz".toCharArray();
    private static final char[] BASE62 = "0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
            .toCharArray();
    private static final int BASE62_DIGITS = 22;
    private static final SecureRandom RANDOM = new SecureRandom();

    private Ids() {
    }

    /**
     * The smallest id {@link #next} can make at {@code time}: ids compared with it tell whether they were
     * made before or after that millisecond, which lets a primary-key range stand in for a time filter.
     */
    public static String lowerBound(String prefix, Instant time) {
        long millis = Math.max(0, time.toEpochMilli());
        char[] out = new char[26];
        Arrays.fill(out, '0');
        for (int i = 9; i >= 0; i--) {
            out[i] = ALPHABET[(int) (millis & 31)];
            millis >>>= 5;
        }
        return prefix + new String(out);
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

    /**
     * A prefix such as {@code sub_}, the encoding version {@code 1}, then the 128-bit ULID as 22 base62 digits
     * ({@code 0-9a-zA-Z}), zero-padded: the form in which Restate's CLI parses subscription ids, and refuses
     * to show a subscription whose id it cannot parse. These ids are unique but do not sort by time as text.
     */
    public static String nextRestateStyle(String prefix, Instant now) {
        byte[] random = new byte[10];
        RANDOM.nextBytes(random);
        byte[] ulid = new byte[16];
        long time = now.toEpochMilli();
        for (int i = 5; i >= 0; i--) {
            ulid[i] = (byte) time;
            time >>>= 8;
        }
        System.arraycopy(random, 0, ulid, 6, 10);
        BigInteger value = new BigInteger(1, ulid);
        BigInteger base = BigInteger.valueOf(62);
        char[] out = new char[BASE62_DIGITS];
        for (int i = BASE62_DIGITS - 1; i >= 0; i--) {
            BigInteger[] quotientAndRemainder = value.divideAndRemainder(base);
            out[i] = BASE62[quotientAndRemainder[1].intValue()];
            value = quotientAndRemainder[0];
        }
        return prefix + "1" + new String(out);
    }
}
