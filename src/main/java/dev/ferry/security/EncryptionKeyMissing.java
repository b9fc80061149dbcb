package dev.ferry.security;

import java.util.Map;

import org.springframework.http.HttpStatus;

import dev.ferry.web.FerryException;

/** Ferry was asked to store a secret but has no key to encrypt it with (409: a matter of Ferry's configuration). */
public class EncryptionKeyMissing extends FerryException {

    private EncryptionKeyMissing() {
        super(HttpStatus.CONFLICT, "encryption-key-missing", "No encryption key configured",
                "Ferry stores secret properties (passwords, secrets, sasl.username, ...) only encrypted, and no"
                        + " encryption key is configured. Set ferry.security.encryption-key (environment variable"
                        + " FERRY_SECURITY_ENCRYPTION_KEY) to 32 random bytes in base64, e.g. the output of"
                        + " 'openssl rand -base64 32', restart Ferry, and send the request again.",
                Map.of());
    }

    public static EncryptionKeyMissing of() {
        return new EncryptionKeyMissing();
    }
}
