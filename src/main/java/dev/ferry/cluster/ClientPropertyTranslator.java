package dev.ferry.cluster;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * Translates cluster properties written with librdkafka names (as Confluent Cloud and other consoles
 * print them) into Java client settings. Java client names pass through unchanged. A name that neither
 * client knows is refused, with the closest known name suggested; so is a librdkafka setting the Java
 * client cannot honour, with what to use instead.
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

    /** librdkafka names that the Java client spells differently. */
    private static final Map<String, String> RENAMED = Map.of(
            "sasl.mechanisms", "sasl.mechanism",
            "metadata.broker.list", "bootstrap.servers",
            "fetch.wait.max.ms", "fetch.max.wait.ms",
            "topic.metadata.refresh.interval.ms", "metadata.max.age.ms");

    /** librdkafka names that are folded into other Java settings (JAAS config, PEM stores). */
    private static final Set<String> COMPOSED = Set.of(
            "sasl.username", "sasl.password", "ssl.ca.location", "ssl.ca.pem",
            "ssl.certificate.location", "ssl.key.location", "ssl.certificate.pem",
            "ssl.key.pem", "enable.ssl.certificate.verification", "sasl.oauthbearer.method",
            "sasl.oauthbearer.client.id", "sasl.oauthbearer.client.secret", "sasl.oauthbearer.extensions");

    /** librdkafka-only tuning knobs with no Java counterpart: accepted and ignored, with a warning. */
    private static final Set<String> LIBRDKAFKA_ONLY = Set.of(
            "api.version.request", "broker.version.fallback", "debug", "statistics.interval.ms",
            "log_level", "socket.keepalive.enable", "enable.partition.eof", "queued.min.messages",
            "queued.max.messages.kbytes", "api.version.fallback.ms", "log.connection.close",
            "socket.timeout.ms", "enable.sasl.oauthbearer.unsecure.jwt");

    /** librdkafka settings the Java client cannot honour, and what to do instead. */
    private static final Map<String, String> UNSUPPORTED = Map.of(
            "sasl.oauthbearer.config", "it configures librdkafka's unsecured development tokens; use"
                    + " sasl.oauthbearer.method=oidc with a token endpoint, or set sasl.jaas.config directly",
            "sasl.kerberos.keytab", "give the Kerberos settings in sasl.jaas.config"
                    + " (com.sun.security.auth.module.Krb5LoginModule required useKeyTab=true keyTab=\"...\" principal=\"...\";)",
            "sasl.kerberos.principal", "give the Kerberos principal in sasl.jaas.config (Krb5LoginModule principal=\"...\")",
            "sasl.kerberos.kinit.cmd", "the Java client logs in to Kerberos itself; configure it in sasl.jaas.config",
            "ssl.crl.location", "the Java client checks revocation through the JVM (-Dcom.sun.net.ssl.checkRevocation=true)",
            "ssl.engine.location", "OpenSSL engines do not exist in the Java client",
            "ssl.keystore.location.pkcs12", "use ssl.keystore.location with ssl.keystore.type=PKCS12",
            "ssl.certificate.verify_cb", "callbacks cannot be set through properties",
            "config.providers", "Ferry does not let clients read files or environment variables through config"
                    + " providers; give each value directly");

    /** Properties that Ferry sets itself; a user value would break its delivery guarantees. */
    private static final Map<String, String> OWNED = Map.of(
            "group.id", "set group.id per subscription, in its options",
            "enable.auto.commit", "Ferry commits offsets itself once invocations are stored",
            "key.deserializer", "Ferry reads keys as raw bytes",
            "value.deserializer", "Ferry reads values as raw bytes",
            "auto.commit.interval.ms", "Ferry commits offsets itself once invocations are stored");

    private static final Set<String> SECURITY_PROTOCOLS = Set.of("PLAINTEXT", "SSL", "SASL_PLAINTEXT", "SASL_SSL");
    private static final Set<String> MECHANISMS = Set.of("PLAIN", "SCRAM-SHA-256", "SCRAM-SHA-512", "OAUTHBEARER",
            "GSSAPI");
    private static final String OAUTH_LOGIN_HANDLER =
            "org.apache.kafka.common.security.oauthbearer.OAuthBearerLoginCallbackHandler";
    private static final String OAUTH_LOGIN_MODULE = "org.apache.kafka.common.security.oauthbearer.OAuthBearerLoginModule";
    static final String TOKEN_ENDPOINT = "sasl.oauthbearer.token.endpoint.url";

    private static final Set<String> JAVA_NAMES = javaNames();

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
        for (var entry : properties.entrySet()) {
            if (OWNED.containsKey(entry.getKey())) {
                throw InvalidClusterProperties.owned(entry.getKey(), OWNED.get(entry.getKey()));
            }
        }
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
        if (properties.containsKey(TOKEN_ENDPOINT)) {
            tokenEndpoint(properties.get(TOKEN_ENDPOINT));
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
            if (OWNED.containsKey(name)) {
                throw InvalidClusterProperties.owned(name, OWNED.get(name));
            }
            if (Secrets.isSecret(name) || isConnectionSetting(name)) {
                throw InvalidClusterProperties.clusterOnly(name);
            }
        }
        return checkNames(clientOptions);
    }

    private static boolean isConnectionSetting(String name) {
        return name.startsWith("sasl.") || name.startsWith("ssl.") || name.equals("security.protocol")
                || name.equals("enable.ssl.certificate.verification") || name.equals("bootstrap.servers")
                || name.equals("metadata.broker.list");
    }

    private static List<String> checkNames(Map<String, String> properties) {
        List<String> warnings = new ArrayList<>();
        for (var entry : properties.entrySet()) {
            String name = entry.getKey();
            if (name.isBlank()) {
                throw InvalidClusterProperties.unknown(name, Optional.empty());
            }
            if (UNSUPPORTED.containsKey(name)) {
                throw InvalidClusterProperties.untranslatable(name, UNSUPPORTED.get(name));
            }
            if (LIBRDKAFKA_ONLY.contains(name)) {
                warnings.add("Property '%s' has no effect in Ferry's Kafka client and is ignored.".formatted(name));
            } else if (!JAVA_NAMES.contains(name) && !RENAMED.containsKey(name) && !COMPOSED.contains(name)) {
                throw InvalidClusterProperties.unknown(name, closest(name));
            }
            if (name.equals("auto.offset.reset")) {
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
            if (COMPOSED.contains(name) || LIBRDKAFKA_ONLY.contains(name)) {
                continue;
            }
            String javaName = RENAMED.getOrDefault(name, name);
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
                    throw InvalidClusterProperties.untranslatable(name, "it is only used with sasl.oauthbearer.method=oidc;"
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
        tokenEndpoint(required(in, TOKEN_ENDPOINT, hint));
        out.putIfAbsent("sasl.login.callback.handler.class", OAUTH_LOGIN_HANDLER);
        // Kafka 4.1+ takes the client credentials as settings (the JAAS options clientId/clientSecret are deprecated)
        out.put("sasl.oauthbearer.client.credentials.client.id", required(in, "sasl.oauthbearer.client.id", hint));
        out.put("sasl.oauthbearer.client.credentials.client.secret", required(in, "sasl.oauthbearer.client.secret", hint));
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
            appendOption(jaas, "extension_" + key, "sasl.oauthbearer.extensions", extension.substring(equals + 1).strip());
        }
        out.put("sasl.jaas.config", jaas.append(';').toString());
    }

    /** The token endpoint must be http(s): Kafka would also read a file: URL, which Ferry does not allow. */
    static URI tokenEndpoint(String url) {
        try {
            URI uri = new URI(url);
            String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
            if ((scheme.equals("http") || scheme.equals("https")) && uri.getHost() != null) {
                return uri;
            }
        } catch (URISyntaxException e) {
            // refused below
        }
        throw InvalidClusterProperties.badValue(TOKEN_ENDPOINT, url,
                "give the http:// or https:// URL of the identity provider's token endpoint");
    }

    private static void composeSsl(Map<String, String> in, Map<String, Object> out) {
        String verification = in.get("enable.ssl.certificate.verification");
        if (verification != null && !verification.equalsIgnoreCase("true")) {
            if (!verification.equalsIgnoreCase("false")) {
                throw InvalidClusterProperties.badValue("enable.ssl.certificate.verification", verification, "use true");
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
            out.put("ssl.truststore.certificates", PemFiles.certificates("ssl.ca.pem", in.get("ssl.ca.pem"), "ssl.ca.pem"));
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
            throw InvalidClusterProperties.missing("ssl.key.password", "The private key is encrypted: give its password.");
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
        Object endpoint = out.get(TOKEN_ENDPOINT);
        if (endpoint != null && in.containsKey("sasl.oauthbearer.method")) {
            URI uri = tokenEndpoint(endpoint.toString());
            if (uri.getScheme().equalsIgnoreCase("http") && !isLoopback(uri.getHost())) {
                warnings.add("The token endpoint uses plain http: the client secret crosses the network unencrypted."
                        + " Use https.");
            }
        }
        return warnings;
    }

    private static boolean isLoopback(String host) {
        return host.equals("127.0.0.1") || host.equalsIgnoreCase("localhost") || host.equals("[::1]");
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
                        "it contains a control character (such as a line break), which a JAAS configuration cannot hold");
            }
        }
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

    private static Optional<String> closest(String name) {
        Set<String> candidates = new HashSet<>(JAVA_NAMES);
        candidates.addAll(RENAMED.keySet());
        candidates.addAll(COMPOSED);
        return candidates.stream()
                .map(candidate -> Map.entry(candidate, distance(name, candidate)))
                .filter(scored -> scored.getValue() <= Math.max(2, name.length() / 5))
                .min(Comparator.<Map.Entry<String, Integer>>comparingInt(Map.Entry::getValue)
                        .thenComparing(Map.Entry::getKey))
                .map(Map.Entry::getKey);
    }

    private static int distance(String a, String b) {
        int[] previous = new int[b.length() + 1];
        int[] current = new int[b.length() + 1];
        for (int j = 0; j <= b.length(); j++) {
            previous[j] = j;
        }
        for (int i = 1; i <= a.length(); i++) {
            current[0] = i;
            for (int j = 1; j <= b.length(); j++) {
                int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
                current[j] = Math.min(Math.min(current[j - 1] + 1, previous[j] + 1), previous[j - 1] + cost);
            }
            int[] swap = previous;
            previous = current;
            current = swap;
        }
        return previous[b.length()];
    }

    private static Set<String> javaNames() {
        Set<String> names = new HashSet<>(ConsumerConfig.configNames());
        names.addAll(ProducerConfig.configNames());
        names.addAll(AdminClientConfig.configNames());
        return Set.copyOf(names);
    }
}
