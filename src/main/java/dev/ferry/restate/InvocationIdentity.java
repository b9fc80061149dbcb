package dev.ferry.restate;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;

/**
 * How an invocation names itself to an SDK: the id as bytes (the start message's {@code id}, from which SDKs
 * derive awakeable ids) and its readable {@code inv_...} form ({@code debug_id}, what {@code ctx.request().id}
 * shows and what goes in {@code x-restate-invocation-id}).
 *
 * @param id      the id bytes
 * @param debugId the readable id
 */
public record InvocationIdentity(byte[] id, String debugId) {

    private static final String CROCKFORD = "0123456789abcdefghjkmnpqrstvwxyz";
    /** Cloned for each seed: a copy costs a fraction of a provider look-up. */
    private static final MessageDigest SHA_256 = sha256();

    public InvocationIdentity {
        id = id.clone();
    }

    /**
     * The identity of a Ferry invocation id: {@code inv_} and 26 base32 characters decode to their 16 bytes
     * (the ULID); any other id goes as its UTF-8 bytes.
     */
    public static InvocationIdentity of(String invocationId) {
        return new InvocationIdentity(bytesOf(invocationId), invocationId);
    }

    @Override
    public byte[] id() {
        return id.clone();
    }

    /** A seed derived from the id: the same for every attempt of the invocation, different between invocations. */
    public long randomSeed() {
        MessageDigest sha;
        try {
            sha = (MessageDigest) SHA_256.clone();
        } catch (CloneNotSupportedException e) {
            sha = sha256();
        }
        byte[] digest = sha.digest(id);
        long seed = 0;
        for (int i = 0; i < 8; i++) {
            seed = (seed << 8) | (digest[i] & 0xff);
        }
        return seed;
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every JDK", e);
        }
    }

    private static byte[] bytesOf(String invocationId) {
        if (invocationId.length() != 30 || !invocationId.startsWith("inv_") || invocationId.charAt(4) > '7') {
            return invocationId.getBytes(StandardCharsets.UTF_8);
        }
        // 26 digits of 5 bits, the first of at most 3: 128 bits, shifted into two longs
        long high = 0;
        long low = 0;
        for (int i = 4; i < 30; i++) {
            int digit = CROCKFORD.indexOf(invocationId.charAt(i));
            if (digit < 0) {
                return invocationId.getBytes(StandardCharsets.UTF_8);
            }
            high = (high << 5) | (low >>> 59);
            low = (low << 5) | digit;
        }
        byte[] out = new byte[16];
        for (int i = 0; i < 8; i++) {
            out[i] = (byte) (high >>> (56 - 8 * i));
            out[8 + i] = (byte) (low >>> (56 - 8 * i));
        }
        return out;
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof InvocationIdentity that && Arrays.equals(that.id, id) && that.debugId.equals(debugId);
    }

    @Override
    public int hashCode() {
        return 31 * Arrays.hashCode(id) + debugId.hashCode();
    }
}
