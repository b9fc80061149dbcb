package dev.ferry.cluster;

import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Decides which client properties are secret and masks them. A secret is shown as {@value #MASK} in
 * every response, CLI output and log line.
 */
public final class Secrets {

    public static final String MASK = "***";

    private static final Set<String> SECRET_NAMES = Set.of(
            "sasl.username", "sasl.jaas.config", "sasl.oauthbearer.config",
            "ssl.keystore.key", "ssl.key.pem", "ssl.keystore.certificate.chain");

    private Secrets() {
    }

    public static boolean isSecret(String propertyName) {
        String name = propertyName.toLowerCase(Locale.ROOT);
        return name.contains("password") || name.contains("secret") || name.contains("passphrase")
                || SECRET_NAMES.contains(name);
    }

    /** A copy of the map, sorted as given, with every secret value replaced by {@value #MASK}. */
    public static Map<String, String> mask(Map<String, String> properties) {
        Map<String, String> masked = new LinkedHashMap<>();
        properties.forEach((name, value) -> masked.put(name, isSecret(name) ? MASK : value));
        return masked;
    }
}
