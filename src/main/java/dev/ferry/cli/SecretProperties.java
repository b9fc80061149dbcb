package dev.ferry.cli;

import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Which properties are secret, by the same rule as the server: the name contains {@code password},
 * {@code secret} or {@code passphrase}, or is one of a few SASL and key names. The client masks them in
 * everything it prints, including what it is about to send, which the server has not masked yet. The client
 * jar holds no server classes, hence the copy; {@code SecretRuleAgreementTest} holds both to the same answers.
 */
final class SecretProperties {

    static final String MASK = "***";

    private static final Set<String> SECRET_NAMES = Set.of(
            "sasl.username", "sasl.jaas.config", "sasl.oauthbearer.config",
            "ssl.keystore.key", "ssl.key.pem", "ssl.keystore.certificate.chain");

    private SecretProperties() {
    }

    static boolean isSecret(String name) {
        String lower = name.toLowerCase(Locale.ROOT);
        return lower.contains("password") || lower.contains("secret") || lower.contains("passphrase")
                || SECRET_NAMES.contains(lower);
    }

    /** The value to print for a property. */
    static String shown(String name, String value) {
        return isSecret(name) || MASK.equals(value) ? MASK : value;
    }

    /** A copy with every secret masked, in the same order. */
    static Map<String, String> masked(Map<String, String> properties) {
        Map<String, String> masked = new LinkedHashMap<>();
        properties.forEach((name, value) -> masked.put(name, shown(name, value)));
        return masked;
    }
}
