package dev.ferry.cluster;

import java.util.Collection;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Decides which client properties are secret and masks them. A secret is shown as {@value #MASK} in
 * every response, CLI output and log line, and stored encrypted.
 */
public final class Secrets {

    public static final String MASK = "***";

    private static final Set<String> SECRET_NAMES = Set.of(
            "sasl.username", "sasl.jaas.config", "sasl.oauthbearer.config",
            "ssl.keystore.key", "ssl.key.pem", "ssl.keystore.certificate.chain");

    /** Shorter values are not redacted from messages: replacing them would garble the text and hide nothing. */
    private static final int MIN_REDACTED_LENGTH = 4;

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

    /** The values of the secret properties, for {@link #redact}. */
    static List<String> secretValues(Map<String, String> properties) {
        return properties.entrySet().stream().filter(entry -> isSecret(entry.getKey())).map(Map.Entry::getValue)
                .toList();
    }

    /**
     * A message from elsewhere (a Kafka client exception, an identity provider's answer) with every occurrence
     * of a secret value replaced by {@value #MASK}; longest first, so that no part of a longer secret survives.
     */
    static String redact(String message, Collection<String> secretValues) {
        if (message == null) {
            return null;
        }
        String redacted = message;
        List<String> longestFirst = secretValues.stream().filter(value -> value != null
                && value.length() >= MIN_REDACTED_LENGTH).sorted(Comparator.comparingInt(String::length).reversed())
                .toList();
        for (String value : longestFirst) {
            redacted = redacted.replace(value, MASK);
        }
        return redacted;
    }
}
