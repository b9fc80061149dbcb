package dev.ferry.security;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import org.jspecify.annotations.Nullable;
import org.springframework.stereotype.Component;

/**
 * The configured bearer tokens and their roles. A presented token is compared with every configured one in
 * constant time (both sides digested first, so the time does not depend on the lengths either), and no token
 * is ever kept in clear, logged or put into an answer.
 */
@Component
public class BearerTokens {

    private record Entry(byte[] digest, Role role) {
    }

    private final List<Entry> entries = new ArrayList<>();

    public BearerTokens(SecurityProperties properties) {
        add(properties.adminTokens(), Role.ADMIN, "ferry.security.tokens.admin (or admin-token)");
        add(properties.tokens().ingress(), Role.INGRESS, "ferry.security.tokens.ingress");
        add(properties.tokens().readOnly(), Role.READ_ONLY, "ferry.security.tokens.read-only");
    }

    private void add(List<String> tokens, Role role, String setting) {
        for (String token : tokens) {
            byte[] digest = sha256(token);
            for (Entry entry : entries) {
                if (MessageDigest.isEqual(entry.digest(), digest) && entry.role() != role) {
                    throw new IllegalStateException("A token of " + setting + " is also configured for the role "
                            + entry.role().wire() + ": give each role its own tokens");
                }
            }
            entries.add(new Entry(digest, role));
        }
    }

    /** Whether any token is configured. */
    public boolean any() {
        return !entries.isEmpty();
    }

    /** The role of a presented token, or empty when it is none of the configured ones. */
    public Optional<Role> roleOf(@Nullable String presented) {
        if (presented == null) {
            return Optional.empty();
        }
        byte[] digest = sha256(presented);
        Role found = null;
        for (Entry entry : entries) {
            if (MessageDigest.isEqual(entry.digest(), digest)) {
                found = entry.role();
            }
        }
        return Optional.ofNullable(found);
    }

    private static byte[] sha256(String value) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(value.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
