package dev.ferry.cluster;

import java.net.URI;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * Translates cluster properties written with librdkafka names (as Confluent Cloud and other consoles
 * print them) into Java client settings. Java client names pass through unchanged. A name that neither
 * client knows is refused, with the closest known name suggested; so is a librdkafka setting the Java
 * client cannot honour, with what to use instead ({@link ClientPropertyNames} holds those tables).
 *
 * <p>What is composed:
 * <ul>
 *   <li>{@code sasl.username} + {@code sasl.password} become a PLAIN or SCRAM {@code sasl.jaas.config};</li>
 *   <li>{@code sasl.oauthbearer.method=oidc} with its client id, secret, scope and extensions becomes Kafka's
 *       {@code OAuthBearerLoginCallbackHandler} with the client credentials settings of Kafka 4.1+ and the
 *       extensions as JAAS options;</li>
 *   <li>{@code ssl.ca.location} (a PEM file or a directory of them) becomes a PEM truststore, and
 *       {@code ssl.certificate.location} + {@code ssl.key.location} (+ {@code ssl.key.password}) a PEM keystore:
 *       the files are read here, because the Java client wants the key and its chain inline.</li>
 * </ul>
 */
public final class ClientPropertyTranslator {

    private static final Set<String> SECURITY_PROTOCOLS = Set.of("PLAINTEXT", "SSL", "SASL_PLAINTEXT", "SASL_SSL");
    private static final Set<String> MECHANISMS = Set.of("PLAIN", "SCRAM-SHA-256", "SCRAM-SHA-512", "OAUTHBEARER",
            "GSSAPI");
    private static final String OAUTH_LOGIN_HANDLER =
            "org.apache.kafka.common.security.oauthbearer.OAuthBearerLoginCallbackHandler";
    private static final String OAUTH_LOGIN_MODULE =
            "org.apache.kafka.common.security.oauthbearer.OAuthBearerLoginModule";

    private ClientPropertyTranslator() {
    }

    /**
     * Checks cluster properties as the user wrote them, by translating them (reading the PEM files they name)
     * and letting the Java client parse the result.
     *
     * @return warnings about properties that are accepted but have no effect
     * @throws InvalidClusterProperties naming the first property that cannot be used
     */
    public static List<String> validateClusterProperties(Map<String, String> properties) {
        return validateClusterProperties(properties, Set.of());
    }

    /**
     * Like {@link #validateClusterProperties(Map)}, also accepting the classes the operator allowed (see
     * {@link ClassProperties}).
     */
    static List<String> validateClusterProperties(Map<String, String> properties, Collection<String> allowedClasses) {
        properties.keySet().forEach(ClientPropertyNames::refuseOwned);
        // names first, so that a misspelt 'bootstrap.server' gets its suggestion rather than "is required"
        List<String> warnings = checkNames(properties);
        if (!properties.containsKey("bootstrap.servers") && !properties.containsKey("metadata.broker.list")) {
            throw InvalidClusterProperties.missing("bootstrap.servers",
                    "Add 'bootstrap.servers' with the broker addresses, e.g. \"broker-1:9092,broker-2:9092\".");
        }
        for (String brokers : List.of("bootstrap.servers", "metadata.broker.list")) {
            if (properties.containsKey(brokers)) {
                BootstrapServers.check(brokers, properties.get(brokers));
            }
        }
        if (properties.containsKey(OAuthEndpoints.TOKEN_ENDPOINT)) {
            OAuthEndpoints.checked(properties.get(OAuthEndpoints.TOKEN_ENDPOINT));
        }
        Map<String, Object> client = toJavaClient(properties);
        ClassProperties.check(client, allowedClasses);
        parseAsConsumer(client, Secrets.secretValues(properties));
        warnings.addAll(protocolWarnings(properties, client));
        return warnings;
    }

    /**
     * Lets the Java client parse settings as a consumer's, with Ferry's byte array deserializers.
     *
     * @throws InvalidClusterProperties with the client's reason, secrets redacted
     */
    static void parseAsConsumer(Map<String, Object> client, Collection<String> secrets) {
        Map<String, Object> consumer = new HashMap<>(client);
        consumer.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
        consumer.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
        try {
            new ConsumerConfig(consumer);
        } catch (ConfigException e) {
            throw InvalidClusterProperties.rejected(Secrets.redact(e.getMessage(), secrets));
        }
    }

    /**
     * Checks a subscription's consumer options, which may also set {@code group.id}. Connection and security
     * settings belong to the cluster: options are not stored encrypted, and a subscription must not connect
     * differently from the cluster whose state Ferry reports.
     */
    public static List<String> validateConsumerOptions(Map<String, String> options, Set<String> ferryOptions) {
        Map<String, String> clientOptions = new LinkedHashMap<>(options);
        ferryOptions.forEach(clientOptions::remove);
        clientOptions.remove("group.id");
        for (var entry : clientOptions.entrySet()) {
            String name = entry.getKey();
            ClientPropertyNames.refuseOwned(name);
            if (Secrets.isSecret(name) || ClientPropertyNames.isConnectionSetting(name)) {
                throw InvalidClusterProperties.clusterOnly(name);
            }
        }
        return checkNames(clientOptions);
    }

    private static List<String> checkNames(Map<String, String> properties) {
        List<String> warnings = new ArrayList<>();
        for (var entry : properties.entrySet()) {
            ClientPropertyNames.check(entry.getKey()).ifPresent(warnings::add);
            if (entry.getKey().equals("auto.offset.reset")) {
                offsetReset(entry.getValue());
            }
        }
        return warnings;
    }

    /**
     * The Java client settings for properties that passed validation. Reads the PEM files that
     * {@code ssl.ca.location}, {@code ssl.certificate.location} and {@code ssl.key.location} name.
     *
     * @throws InvalidClusterProperties when a setting cannot be translated, e.g. a file is missing
     */
    public static Map<String, Object> toJavaClient(Map<String, String> properties) {
        Map<String, Object> out = new LinkedHashMap<>();
        for (var entry : properties.entrySet()) {
            String name = entry.getKey();
            if (!ClientPropertyNames.passesThrough(name)) {
                continue;
            }
            String javaName = ClientPropertyNames.javaName(name);
            String value = entry.getValue();
            switch (javaName) {
                case "auto.offset.reset" -> value = offsetReset(value);
                case "ssl.endpoint.identification.algorithm" -> value = value.equalsIgnoreCase("none") ? "" : value;
                case "security.protocol" -> value = oneOf(name, value, SECURITY_PROTOCOLS);
                case "sasl.mechanism" -> value = oneOf(name, value, MECHANISMS);
                default -> {
                }
            }
            out.put(javaName, value);
        }
        composeSasl(properties, out);
        composeSsl(properties, out);
        return out;
    }

    private static void composeSasl(Map<String, String> in, Map<String, Object> out) {
        boolean credentials = in.containsKey("sasl.username") || in.containsKey("sasl.password");
        String method = in.get("sasl.oauthbearer.method");
        if (method != null && !method.equalsIgnoreCase("oidc")) {
            throw InvalidClusterProperties.untranslatable("sasl.oauthbearer.method", ("only 'oidc' is supported:"
                    + " Ferry gets tokens from an OpenID Connect token endpoint (sasl.oauthbearer.token.endpoint.url)"
                    + " with sasl.oauthbearer.client.id and sasl.oauthbearer.client.secret"));
        }
        if (in.containsKey("sasl.jaas.config")) {
            if (credentials || method != null) {
                throw InvalidClusterProperties.untranslatable("sasl.jaas.config", "it conflicts with "
                        + (credentials ? "sasl.username/sasl.password" : "sasl.oauthbearer.method")
                        + "; give either sasl.jaas.config or those properties, not both");
            }
            return;
        }
        if (credentials) {
            composeCredentials(in, out);
        } else if (method != null) {
            composeOidc(in, out);
        } else {
            for (String name : List.of("sasl.oauthbearer.client.id", "sasl.oauthbearer.client.secret",
                    "sasl.oauthbearer.extensions")) {
                if (in.containsKey(name)) {
                    throw InvalidClusterProperties.untranslatable(name,
                            "it is only used with sasl.oauthbearer.method=oidc;"
                            + " add that, with sasl.mechanisms=OAUTHBEARER and sasl.oauthbearer.token.endpoint.url");
                }
            }
        }
    }

    private static void composeCredentials(Map<String, String> in, Map<String, Object> out) {
        String username = required(in, "sasl.username", "sasl.username and sasl.password go together");
        String password = required(in, "sasl.password", "sasl.username and sasl.password go together");
        String mechanism = String.valueOf(out.getOrDefault("sasl.mechanism", "GSSAPI"));
        String module = switch (mechanism) {
            case "PLAIN" -> "org.apache.kafka.common.security.plain.PlainLoginModule";
            case "SCRAM-SHA-256", "SCRAM-SHA-512" -> "org.apache.kafka.common.security.scram.ScramLoginModule";
            default -> throw InvalidClusterProperties.untranslatable("sasl.username",
                    "sasl.username and sasl.password need sasl.mechanisms PLAIN, SCRAM-SHA-256 or SCRAM-SHA-512");
        };
        out.put("sasl.jaas.config", "%s required username=\"%s\" password=\"%s\";".formatted(module,
                jaasValue("sasl.username", username), jaasValue("sasl.password", password)));
    }

    private static void composeOidc(Map<String, String> in, Map<String, Object> out) {
        Object mechanism = out.putIfAbsent("sasl.mechanism", "OAUTHBEARER");
        if (mechanism != null && !mechanism.equals("OAUTHBEARER")) {
            throw InvalidClusterProperties.untranslatable("sasl.oauthbearer.method",
                    "it needs sasl.mechanisms=OAUTHBEARER, not " + mechanism);
        }
        String hint = "sasl.oauthbearer.method=oidc needs sasl.oauthbearer.token.endpoint.url,"
                + " sasl.oauthbearer.client.id and sasl.oauthbearer.client.secret";
        OAuthEndpoints.checked(required(in, OAuthEndpoints.TOKEN_ENDPOINT, hint));
        out.putIfAbsent("sasl.login.callback.handler.class", OAUTH_LOGIN_HANDLER);
        // Kafka 4.1+ takes the client credentials as settings (the JAAS options clientId/clientSecret are deprecated)
        out.put("sasl.oauthbearer.client.credentials.client.id", required(in, "sasl.oauthbearer.client.id", hint));
        out.put("sasl.oauthbearer.client.credentials.client.secret",
                required(in, "sasl.oauthbearer.client.secret", hint));
        if (in.containsKey("sasl.oauthbearer.scope")) {
            out.put("sasl.oauthbearer.scope", in.get("sasl.oauthbearer.scope"));
        }
        StringBuilder jaas = new StringBuilder(OAUTH_LOGIN_MODULE).append(" required");
        String extensions = in.getOrDefault("sasl.oauthbearer.extensions", "");
        for (String extension : extensions.split(",")) {
            if (extension.isBlank()) {
                continue;
            }
            int equals = extension.indexOf('=');
            String key = equals < 0 ? "" : extension.substring(0, equals).strip();
            if (!key.matches("[A-Za-z]+")) {
                throw InvalidClusterProperties.badValue("sasl.oauthbearer.extensions", extensions,
                        "write extensions as key=value pairs separated by commas, keys made of letters only");
            }
            appendOption(jaas, "extension_" + key, "sasl.oauthbearer.extensions",
                    extension.substring(equals + 1).strip());
        }
        out.put("sasl.jaas.config", jaas.append(';').toString());
    }

    private static void composeSsl(Map<String, String> in, Map<String, Object> out) {
        String verification = in.get("enable.ssl.certificate.verification");
        if (verification != null && !verification.equalsIgnoreCase("true")) {
            if (!verification.equalsIgnoreCase("false")) {
                throw InvalidClusterProperties.badValue("enable.ssl.certificate.verification",
                        verification, "use true");
            }
            throw InvalidClusterProperties.untranslatable("enable.ssl.certificate.verification",
                    "Ferry does not turn off TLS certificate verification, because then anyone on the network path"
                            + " could pose as the brokers and read the records and the SASL credentials. If the"
                            + " brokers' certificates come from a private or self-signed CA, give that CA's certificate"
                            + " with 'ssl.ca.location' (a PEM file); if they do not name the host Ferry connects to,"
                            + " add 'ssl.endpoint.identification.algorithm': 'none'");
        }
        if (in.containsKey("ssl.ca.location") && in.containsKey("ssl.ca.pem")) {
            throw InvalidClusterProperties.untranslatable("ssl.ca.pem", "give either ssl.ca.location or ssl.ca.pem");
        }
        String caLocation = in.get("ssl.ca.location");
        if (caLocation != null && !caLocation.equalsIgnoreCase("probe")) {
            out.put("ssl.truststore.type", "PEM");
            out.put("ssl.truststore.certificates", PemFiles.certificatesAt("ssl.ca.location", caLocation));
        } else if (in.containsKey("ssl.ca.pem")) {
            out.put("ssl.truststore.type", "PEM");
            out.put("ssl.truststore.certificates",
                    PemFiles.certificates("ssl.ca.pem", in.get("ssl.ca.pem"), "ssl.ca.pem"));
        }
        String chain;
        PemFiles.PrivateKey key;
        if (in.containsKey("ssl.certificate.location") || in.containsKey("ssl.key.location")) {
            String hint = "ssl.certificate.location and ssl.key.location go together";
            chain = PemFiles.certificatesAt("ssl.certificate.location", required(in, "ssl.certificate.location", hint));
            key = PemFiles.privateKeyAt("ssl.key.location", required(in, "ssl.key.location", hint));
        } else if (in.containsKey("ssl.certificate.pem") || in.containsKey("ssl.key.pem")) {
            String hint = "ssl.certificate.pem and ssl.key.pem go together";
            chain = PemFiles.certificates("ssl.certificate.pem", required(in, "ssl.certificate.pem", hint),
                    "ssl.certificate.pem");
            key = PemFiles.privateKey("ssl.key.pem", required(in, "ssl.key.pem", hint), "ssl.key.pem");
        } else {
            return;
        }
        out.put("ssl.keystore.type", "PEM");
        out.put("ssl.keystore.certificate.chain", chain);
        out.put("ssl.keystore.key", key.pem());
        if (key.encrypted() && !in.containsKey("ssl.key.password")) {
            throw InvalidClusterProperties.missing("ssl.key.password",
                    "The private key is encrypted: give its password.");
        }
        if (!key.encrypted()) {
            // librdkafka ignores a password for a key in clear; the Java client would try to decrypt it and fail
            out.remove("ssl.key.password");
        }
    }

    /** Warnings about security settings that the chosen security.protocol never uses. */
    private static List<String> protocolWarnings(Map<String, String> in, Map<String, Object> out) {
        String protocol = String.valueOf(out.getOrDefault("security.protocol", "PLAINTEXT"));
        List<String> warnings = new ArrayList<>();
        boolean sasl = in.keySet().stream().anyMatch(name -> name.startsWith("sasl."));
        boolean ssl = in.keySet().stream().anyMatch(name -> name.startsWith("ssl."));
        if (sasl && !protocol.startsWith("SASL_")) {
            warnings.add(("SASL settings have no effect with security.protocol %s: set security.protocol to SASL_SSL"
                    + " (or SASL_PLAINTEXT).").formatted(protocol));
        }
        if (ssl && !protocol.endsWith("SSL")) {
            warnings.add(("TLS settings have no effect with security.protocol %s: set security.protocol to SSL or"
                    + " SASL_SSL.").formatted(protocol));
        }
        Object endpoint = out.get(OAuthEndpoints.TOKEN_ENDPOINT);
        if (endpoint != null && in.containsKey("sasl.oauthbearer.method")) {
            URI uri = OAuthEndpoints.checked(endpoint.toString());
            if (uri.getScheme().equalsIgnoreCase("http") && !OAuthEndpoints.isLoopback(uri.getHost())) {
                warnings.add("The token endpoint uses plain http: the client secret crosses the network unencrypted."
                        + " Use https.");
            }
        }
        return warnings;
    }

    private static String required(Map<String, String> in, String property, String hint) {
        String value = in.get(property);
        if (value == null || value.isBlank()) {
            throw InvalidClusterProperties.missing(property, hint + ".");
        }
        return value;
    }

    private static String oneOf(String property, String value, Set<String> allowed) {
        String upper = value.strip().toUpperCase(Locale.ROOT);
        if (!allowed.contains(upper)) {
            throw InvalidClusterProperties.badValue(property, value, "use one of " + String.join(", ",
                    allowed.stream().sorted().toList()));
        }
        return upper;
    }

    private static void appendOption(StringBuilder jaas, String option, String property, String value) {
        jaas.append(' ').append(option).append("=\"").append(jaasValue(property, value)).append('"');
    }

    /**
     * A value inside double quotes in a JAAS configuration. Kafka parses it with a {@code StreamTokenizer}, which
     * reads backslash escapes and ends a quoted string at a line break: escape backslashes and quotes, refuse
     * control characters.
     */
    static String jaasValue(String property, String value) {
        for (int i = 0; i < value.length(); i++) {
            if (Character.isISOControl(value.charAt(i))) {
                throw InvalidClusterProperties.badValue(property, value,
                        "it contains a control character (such as a line break), which a JAAS "
                        + "configuration cannot hold");
            }
        }
        return jaasEscaped(value);
    }

    /** A value with the backslashes and quotes escaped as a quoted JAAS option holds them. */
    static String jaasEscaped(String value) {
        return value.replace("\\", "\\\\").replace("\"", "\\\"");
    }

    /** librdkafka's offset reset words in the Java client's terms. */
    static String offsetReset(String value) {
        return switch (value.toLowerCase(Locale.ROOT)) {
            case "earliest", "smallest", "beginning" -> "earliest";
            case "latest", "largest", "end" -> "latest";
            case "none", "error" -> "none";
            default -> throw InvalidClusterProperties.badValue("auto.offset.reset", value,
                    "use earliest or latest (smallest, largest, beginning and end are accepted too)");
        };
    }
}
