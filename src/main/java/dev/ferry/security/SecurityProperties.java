package dev.ferry.security;

import java.net.URI;
import java.util.ArrayList;
import java.util.List;

import org.jspecify.annotations.Nullable;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.ConstructorBinding;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * Ferry's security settings. Every value here is a secret: {@link #toString()} never shows them.
 *
 * @param adminToken             a bearer token of the admin role (kept from before roles; the same as one entry of
 *                               {@code tokens.admin}); no token of any role and no OIDC: the API is open
 * @param encryptionKey          the key that encrypts secret cluster properties at rest: 32 random bytes, base64
 * @param previousEncryptionKeys keys used before the current one, still accepted for reading (rotation)
 * @param signingKey             the shared secret that signs every call to a handler; none: calls are not signed
 * @param restateSigningKey      the Ed25519 private key (PEM PKCS#8, its base64 body, or {@code file:} and a path to
 *                               the PEM file) that signs every request to a Restate SDK deployment; none: unsigned
 * @param tokens                 bearer tokens per role, each a list so that a token can be replaced without downtime
 * @param oidc                   where OIDC JWTs are validated, when they are accepted at all
 */
@ConfigurationProperties("ferry.security")
public record SecurityProperties(
        @Nullable String adminToken,
        @Nullable String encryptionKey,
        @DefaultValue List<String> previousEncryptionKeys,
        @Nullable String signingKey,
        @Nullable String restateSigningKey,
        @DefaultValue Tokens tokens,
        @DefaultValue Oidc oidc) {

    @ConstructorBinding
    public SecurityProperties {
        adminToken = blankToNull(adminToken);
        encryptionKey = blankToNull(encryptionKey);
        signingKey = blankToNull(signingKey);
        restateSigningKey = blankToNull(restateSigningKey);
        previousEncryptionKeys = nonBlank(previousEncryptionKeys);
        tokens = tokens == null ? new Tokens(List.of(), List.of(), List.of()) : tokens;
        oidc = oidc == null ? new Oidc(null, null, null, List.of()) : oidc;
    }

    /** Settings without role tokens or OIDC: only the admin token, if any. */
    public SecurityProperties(@Nullable String adminToken, @Nullable String encryptionKey,
            List<String> previousEncryptionKeys, @Nullable String signingKey, @Nullable String restateSigningKey) {
        this(adminToken, encryptionKey, previousEncryptionKeys, signingKey, restateSigningKey, null, null);
    }

    /**
     * Bearer tokens per role.
     *
     * @param admin    tokens that may do everything, besides {@code ferry.security.admin-token}
     * @param ingress  tokens that may only call and send to handlers, resolve awakeables and read their results
     * @param readOnly tokens that may read the API and the metrics, and change nothing
     */
    public record Tokens(@DefaultValue List<String> admin, @DefaultValue List<String> ingress,
            @DefaultValue List<String> readOnly) {

        public Tokens {
            admin = nonBlank(admin);
            ingress = nonBlank(ingress);
            readOnly = nonBlank(readOnly);
        }

        @Override
        public String toString() {
            return "Tokens[admin=" + admin.size() + ", ingress=" + ingress.size() + ", readOnly=" + readOnly.size()
                    + "]";
        }
    }

    /**
     * OIDC JWT validation, off while neither URI is set.
     *
     * @param issuerUri  the issuer: JWTs must carry it as {@code iss}; without a JWK set URI its keys are found
     *                   through its {@code /.well-known/openid-configuration} (at the first JWT, not at start-up)
     * @param jwkSetUri  where the issuer's signing keys are published
     * @param rolesClaim the claim that holds Ferry's role names (a list or a space-separated string; a dotted name
     *                   such as {@code realm_access.roles} reads a nested claim); {@code ferry:admin},
     *                   {@code ferry:ingress} and {@code ferry:read} in {@code scope} count as well
     * @param audiences  when given, a JWT's {@code aud} must name one of them
     */
    public record Oidc(@Nullable URI issuerUri, @Nullable URI jwkSetUri, @DefaultValue("roles") String rolesClaim,
            @DefaultValue List<String> audiences) {

        public Oidc {
            rolesClaim = rolesClaim == null || rolesClaim.isBlank() ? "roles" : rolesClaim.strip();
            audiences = nonBlank(audiences);
        }

        public boolean enabled() {
            return issuerUri != null || jwkSetUri != null;
        }
    }

    /** Every admin token: {@code admin-token} and {@code tokens.admin}. */
    public List<String> adminTokens() {
        List<String> all = new ArrayList<>();
        if (adminToken != null) {
            all.add(adminToken);
        }
        all.addAll(tokens.admin());
        return List.copyOf(all);
    }

    /** Whether no credential of any kind is configured, so that every request passes (as before roles). */
    public boolean apiOpen() {
        return adminTokens().isEmpty() && tokens.ingress().isEmpty() && tokens.readOnly().isEmpty()
                && !oidc.enabled();
    }

    private static @Nullable String blankToNull(@Nullable String value) {
        return value == null || value.isBlank() ? null : value.strip();
    }

    private static List<String> nonBlank(@Nullable List<String> values) {
        return values == null ? List.of()
                : values.stream().filter(value -> value != null && !value.isBlank()).map(String::strip).toList();
    }

    @Override
    public String toString() {
        return "SecurityProperties[adminToken=" + shown(adminToken) + ", encryptionKey=" + shown(encryptionKey)
                + ", previousEncryptionKeys=" + previousEncryptionKeys.size() + ", signingKey="
                + shown(signingKey) + ", restateSigningKey=" + shown(restateSigningKey) + ", tokens=admin:"
                + tokens.admin().size() + "/ingress:" + tokens.ingress().size() + "/read-only:"
                + tokens.readOnly().size() + ", oidc=" + (oidc.enabled() ? "on" : "off") + "]";
    }

    private static String shown(@Nullable String value) {
        return value == null ? "none" : "***";
    }
}
