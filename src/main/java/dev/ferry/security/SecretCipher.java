package dev.ferry.security;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import javax.crypto.AEADBadTagException;
import javax.crypto.Cipher;
import javax.crypto.SecretKey;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;

import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

/**
 * Encrypts secret values for storage with AES-256-GCM. A stored value reads
 * {@code enc:v1:<keyId>:<base64(iv | ciphertext | tag)>}: a fresh random 96-bit IV per value, and the id of
 * the key that sealed it, so that keys can rotate: values are always sealed with the current key
 * ({@code ferry.security.encryption-key}) and opened with whichever configured key (current or one of
 * {@code ferry.security.previous-encryption-keys}) sealed them. The key id is the first four bytes of the
 * key's SHA-256, in hex: it names a key without revealing it.
 *
 * <p>Every value is bound to a context (e.g. the cluster and property it belongs to) as GCM associated
 * data: a value copied into another row or property no longer opens.
 */
@Component
public class SecretCipher {

    /** How every encrypted value starts; anything else is a value stored before encryption was configured. */
    public static final String PREFIX = "enc:v1:";

    private static final Logger log = LoggerFactory.getLogger(SecretCipher.class);
    private static final String TRANSFORMATION = "AES/GCM/NoPadding";
    private static final int KEY_BYTES = 32;
    private static final int IV_BYTES = 12;
    private static final int TAG_BITS = 128;

    private final @Nullable Key current;
    private final Map<String, Key> keys = new LinkedHashMap<>();
    private final SecureRandom random = new SecureRandom();

    private record Key(String id, SecretKey secret) {
    }

    public SecretCipher(SecurityProperties properties) {
        this.current = properties.encryptionKey() == null ? null
                : parse(properties.encryptionKey(), "ferry.security.encryption-key");
        if (current != null) {
            keys.put(current.id(), current);
        }
        for (int i = 0; i < properties.previousEncryptionKeys().size(); i++) {
            Key previous = parse(properties.previousEncryptionKeys().get(i),
                    "ferry.security.previous-encryption-keys[" + i + "]");
            keys.putIfAbsent(previous.id(), previous);
        }
        if (current == null) {
            log.warn("No encryption key: Ferry refuses to store secret Kafka properties until"
                    + " ferry.security.encryption-key (FERRY_SECURITY_ENCRYPTION_KEY) is set");
        } else {
            log.info("Secrets are encrypted with key {}; {} older key(s) accepted for reading", current.id(),
                    keys.size() - 1);
        }
    }

    /** Whether a current key is configured, so that {@link #encrypt} works. */
    public boolean canEncrypt() {
        return current != null;
    }

    /** The id of the key new values are sealed with. */
    public Optional<String> currentKeyId() {
        return Optional.ofNullable(current).map(Key::id);
    }

    /**
     * Seals a value with the current key.
     *
     * @param context what the value belongs to; the same context must be given to {@link #decrypt}
     * @throws EncryptionKeyMissing when no key is configured
     */
    public String encrypt(String plaintext, String context) {
        if (current == null) {
            throw EncryptionKeyMissing.of();
        }
        byte[] iv = new byte[IV_BYTES];
        random.nextBytes(iv);
        try {
            Cipher cipher = Cipher.getInstance(TRANSFORMATION);
            cipher.init(Cipher.ENCRYPT_MODE, current.secret(), new GCMParameterSpec(TAG_BITS, iv));
            cipher.updateAAD(context.getBytes(StandardCharsets.UTF_8));
            byte[] sealed = cipher.doFinal(plaintext.getBytes(StandardCharsets.UTF_8));
            byte[] payload = ByteBuffer.allocate(iv.length + sealed.length).put(iv).put(sealed).array();
            return PREFIX + current.id() + ":" + Base64.getEncoder().encodeToString(payload);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES-GCM is not available in this JVM", e);
        }
    }

    /**
     * Opens a stored value. A value without the {@value #PREFIX} prefix was stored before encryption was
     * configured and is returned as it is.
     *
     * @throws SecretUnreadable when the key that sealed it is not configured, or the value was tampered with
     */
    public String decrypt(String stored, String context) {
        if (!isEncrypted(stored)) {
            return stored;
        }
        String rest = stored.substring(PREFIX.length());
        int colon = rest.indexOf(':');
        if (colon < 0) {
            throw new SecretUnreadable("A stored secret of " + context + " is malformed.");
        }
        String keyId = rest.substring(0, colon);
        Key key = keys.get(keyId);
        if (key == null) {
            throw new SecretUnreadable(("A secret of %s is encrypted with key %s, which is not configured: add that key"
                    + " to ferry.security.previous-encryption-keys (or make it ferry.security.encryption-key).")
                    .formatted(context, keyId));
        }
        try {
            byte[] payload = Base64.getDecoder().decode(rest.substring(colon + 1));
            if (payload.length < IV_BYTES + TAG_BITS / 8) {
                throw new SecretUnreadable("A stored secret of " + context + " is malformed.");
            }
            Cipher cipher = Cipher.getInstance(TRANSFORMATION);
            cipher.init(Cipher.DECRYPT_MODE, key.secret(), new GCMParameterSpec(TAG_BITS, payload, 0, IV_BYTES));
            cipher.updateAAD(context.getBytes(StandardCharsets.UTF_8));
            byte[] plain = cipher.doFinal(payload, IV_BYTES, payload.length - IV_BYTES);
            return new String(plain, StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            throw new SecretUnreadable("A stored secret of " + context + " is malformed.");
        } catch (AEADBadTagException e) {
            throw new SecretUnreadable(("A stored secret of %s does not decrypt with key %s: it was changed, or"
                    + " belongs to another property.").formatted(context, keyId));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES-GCM is not available in this JVM", e);
        }
    }

    /** Whether a stored value is encrypted (rather than kept from before encryption was configured). */
    public static boolean isEncrypted(String stored) {
        return stored != null && stored.startsWith(PREFIX);
    }

    /** Whether a stored value should be sealed again: kept in clear, or sealed with an older key. */
    public boolean needsReencryption(String stored) {
        return current != null && !(isEncrypted(stored) && stored.startsWith(PREFIX + current.id() + ":"));
    }

    private static Key parse(String base64, String setting) {
        byte[] bytes;
        try {
            bytes = Base64.getDecoder().decode(base64.strip());
        } catch (IllegalArgumentException e) {
            throw new IllegalStateException(setting + " is not valid base64: give 32 random bytes in base64,"
                    + " e.g. the output of 'openssl rand -base64 32'");
        }
        if (bytes.length != KEY_BYTES) {
            throw new IllegalStateException(setting + " must be 32 bytes (AES-256) in base64, but it is "
                    + bytes.length + " bytes: generate one with 'openssl rand -base64 32'");
        }
        return new Key(keyId(bytes), new SecretKeySpec(bytes, "AES"));
    }

    static String keyId(byte[] key) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(key);
            return HexFormat.of().formatHex(digest, 0, 4);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
