package dev.ferry.security;

import java.util.List;

import org.jspecify.annotations.Nullable;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * Ferry's security settings. Every value here is a secret: {@link #toString()} never shows them.
 *
 * @param adminToken             the bearer token the admin and RPC API require; none: the API is open
 * @param encryptionKey          the key that encrypts secret cluster properties at rest: 32 random bytes, base64
 * @param previousEncryptionKeys keys used before the current one, still accepted for reading (rotation)
 * @param signingKey             the shared secret that signs every call to a handler; none: calls are not signed
 * @param restateSigningKey      the Ed25519 private key (PEM PKCS#8, its base64 body, or {@code file:} and a path to
 *                               the PEM file) that signs every request to a Restate SDK deployment; none: unsigned
 */
@ConfigurationProperties("ferry.security")
public record SecurityProperties(
        @Nullable String adminToken,
        @Nullable String encryptionKey,
        @DefaultValue List<String> previousEncryptionKeys,
        @Nullable String signingKey,
        @Nullable String restateSigningKey) {

    public SecurityProperties {
        adminToken = blankToNull(adminToken);
        encryptionKey = blankToNull(encryptionKey);
        signingKey = blankToNull(signingKey);
        restateSigningKey = blankToNull(restateSigningKey);
        previousEncryptionKeys = previousEncryptionKeys == null ? List.of()
                : previousEncryptionKeys.stream().filter(key -> key != null && !key.isBlank())
                        .map(String::strip).toList();
    }

    private static @Nullable String blankToNull(@Nullable String value) {
        return value == null || value.isBlank() ? null : value.strip();
    }

    @Override
    public String toString() {
        return "SecurityProperties[adminToken=" + shown(adminToken) + ", encryptionKey=" + shown(encryptionKey)
                + ", previousEncryptionKeys=" + previousEncryptionKeys.size() + ", signingKey="
                + shown(signingKey) + ", restateSigningKey=" + shown(restateSigningKey) + "]";
    }

    private static String shown(@Nullable String value) {
        return value == null ? "none" : "***";
    }
}
