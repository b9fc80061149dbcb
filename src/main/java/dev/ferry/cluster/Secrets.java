package dev.ferry.cluster;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

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

    /** A run of base64 or base64url characters long enough to hold a secret's encoding. */
    private static final Pattern BASE64_WORD = Pattern.compile("[A-Za-z0-9+/_-]{6,}={0,2}");

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
     * of a secret value replaced by {@value #MASK}: as given, URL-encoded and in base64, longest first so that no
     * part of a longer secret survives; and every base64 word that decodes to text holding a secret, such as the
     * {@code Basic base64(client_id:client_secret)} that a token endpoint may echo.
     */
    static String redact(String message, Collection<String> secretValues) {
        if (message == null) {
            return null;
        }
        List<String> secrets = secretValues.stream().filter(value -> value != null
                && value.length() >= MIN_REDACTED_LENGTH).distinct().toList();
        if (secrets.isEmpty()) {
            return message;
        }
        Set<String> forms = new HashSet<>();
        for (String secret : secrets) {
            forms.addAll(encodings(secret));
        }
        String redacted = message;
        for (String form : forms.stream().filter(form -> form.length() >= MIN_REDACTED_LENGTH)
                .sorted(Comparator.comparingInt(String::length).reversed()).toList()) {
            redacted = redacted.replace(form, MASK);
        }
        return redactEncodedWords(redacted, secrets);
    }

    /** The forms in which a secret travels: as given, URL-encoded (form and path style), base64 and base64url. */
    private static Set<String> encodings(String secret) {
        Set<String> forms = new HashSet<>();
        String urlEncoded = URLEncoder.encode(secret, StandardCharsets.UTF_8);
        forms.add(secret);
        forms.add(urlEncoded);
        forms.add(urlEncoded.replace("+", "%20"));
        byte[] bytes = secret.getBytes(StandardCharsets.UTF_8);
        forms.add(Base64.getEncoder().encodeToString(bytes));
        forms.add(Base64.getEncoder().withoutPadding().encodeToString(bytes));
        forms.add(Base64.getUrlEncoder().withoutPadding().encodeToString(bytes));
        return forms;
    }

    private static String redactEncodedWords(String message, List<String> secrets) {
        Matcher words = BASE64_WORD.matcher(message);
        StringBuilder out = new StringBuilder();
        while (words.find()) {
            String decoded = decodeBase64(words.group());
            boolean holdsSecret = decoded != null && secrets.stream().anyMatch(secret -> decoded.contains(secret)
                    || decoded.contains(URLEncoder.encode(secret, StandardCharsets.UTF_8)));
            words.appendReplacement(out, Matcher.quoteReplacement(holdsSecret ? MASK : words.group()));
        }
        words.appendTail(out);
        return out.toString();
    }

    private static String decodeBase64(String word) {
        String unpadded = word.replace("=", "");
        for (Base64.Decoder decoder : List.of(Base64.getDecoder(), Base64.getUrlDecoder())) {
            try {
                return new String(decoder.decode(unpadded), StandardCharsets.UTF_8);
            } catch (IllegalArgumentException notThisAlphabet) {
                // try the other alphabet
            }
        }
        return null;
    }
}
