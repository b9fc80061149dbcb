package dev.ferry.security;

/**
 * A stored secret cannot be decrypted: the key that sealed it is not configured, or the value was changed.
 * The message names the key id and the setting to fix, never the value.
 */
public class SecretUnreadable extends RuntimeException {

    public SecretUnreadable(String message) {
        super(message);
    }
}
