package dev.ferry.cluster;

import java.util.ArrayList;
import java.util.Comparator;
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

/**
 * Translates cluster properties written with librdkafka names (as Confluent Cloud and other consoles
 * print them) into Java client settings. Java client names pass through unchanged. A name that neither
 * client knows is refused, with the closest known name suggested.
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
            "ssl.certificate.location", "ssl.key.location", "ssl.key.password", "ssl.certificate.pem",
            "ssl.key.pem", "enable.ssl.certificate.verification", "sasl.oauthbearer.method",
            "sasl.oauthbearer.client.id", "sasl.oauthbearer.client.secret", "sasl.oauthbearer.scope",
            "sasl.oauthbearer.extensions");

    /** librdkafka-only tuning knobs with no Java counterpart: accepted and ignored, with a warning. */
    private static final Set<String> LIBRDKAFKA_ONLY = Set.of(
            "api.version.request", "broker.version.fallback", "debug", "statistics.interval.ms",
            "log_level", "socket.keepalive.enable", "enable.partition.eof", "queued.min.messages",
            "queued.max.messages.kbytes", "api.version.fallback.ms", "log.connection.close",
            "socket.timeout.ms", "enable.sasl.oauthbearer.unsecure.jwt");

    /** Properties that Ferry sets itself; a user value would break its delivery guarantees. */
    private static final Map<String, String> OWNED = Map.of(
            "group.id", "set group.id per subscription, in its options",
            "enable.auto.commit", "Ferry commits offsets itself once invocations are stored",
            "key.deserializer", "Ferry reads keys as raw bytes",
            "value.deserializer", "Ferry reads values as raw bytes",
            "auto.commit.interval.ms", "Ferry commits offsets itself once invocations are stored");

    private static final Set<String> JAVA_NAMES = javaNames();

    private ClientPropertyTranslator() {
    }

    /**
     * Checks cluster properties as the user wrote them.
     *
     * @return warnings about properties that are accepted but have no effect
     * @throws InvalidClusterProperties naming the first property that cannot be used
     */
    public static List<String> validateClusterProperties(Map<String, String> properties) {
        if (!properties.containsKey("bootstrap.servers") && !properties.containsKey("metadata.broker.list")) {
            throw InvalidClusterProperties.missing("bootstrap.servers",
                    "Add 'bootstrap.servers' with the broker addresses, e.g. \"broker-1:9092,broker-2:9092\".");
        }
        for (var entry : properties.entrySet()) {
            if (OWNED.containsKey(entry.getKey())) {
                throw InvalidClusterProperties.owned(entry.getKey(), OWNED.get(entry.getKey()));
            }
        }
        return checkNames(properties, "cluster");
    }

    /** Checks a subscription's consumer options, which may also set {@code group.id}. */
    public static List<String> validateConsumerOptions(Map<String, String> options, Set<String> ferryOptions) {
        Map<String, String> clientOptions = new LinkedHashMap<>(options);
        ferryOptions.forEach(clientOptions::remove);
        clientOptions.remove("group.id");
        for (var entry : clientOptions.entrySet()) {
            if (OWNED.containsKey(entry.getKey())) {
                throw InvalidClusterProperties.owned(entry.getKey(), OWNED.get(entry.getKey()));
            }
        }
        return checkNames(clientOptions, "subscription");
    }

    private static List<String> checkNames(Map<String, String> properties, String where) {
        List<String> warnings = new ArrayList<>();
        for (var entry : properties.entrySet()) {
            String name = entry.getKey();
            if (name.isBlank()) {
                throw InvalidClusterProperties.unknown(name, Optional.empty());
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

    /** The Java client settings for properties that passed validation. */
    public static Map<String, Object> toJavaClient(Map<String, String> properties) {
        Map<String, Object> out = new LinkedHashMap<>();
        for (var entry : properties.entrySet()) {
            String name = entry.getKey();
            if (COMPOSED.contains(name) || LIBRDKAFKA_ONLY.contains(name)) {
                continue;
            }
            String javaName = RENAMED.getOrDefault(name, name);
            String value = entry.getValue();
            if (javaName.equals("auto.offset.reset")) {
                value = offsetReset(value);
            } else if (javaName.equals("ssl.endpoint.identification.algorithm") && value.equalsIgnoreCase("none")) {
                value = "";
            }
            out.put(javaName, value);
        }
        composeSasl(properties, out);
        composeSsl(properties, out);
        return out;
    }

    private static void composeSasl(Map<String, String> in, Map<String, Object> out) {
        String mechanism = String.valueOf(out.getOrDefault("sasl.mechanism", "GSSAPI")).toUpperCase(Locale.ROOT);
        if (in.containsKey("sasl.jaas.config")) {
            return;
        }
        if (in.containsKey("sasl.username") || in.containsKey("sasl.password")) {
            String module = switch (mechanism) {
                case "PLAIN" -> "org.apache.kafka.common.security.plain.PlainLoginModule";
                case "SCRAM-SHA-256", "SCRAM-SHA-512" -> "org.apache.kafka.common.security.scram.ScramLoginModule";
                default -> throw InvalidClusterProperties.untranslatable("sasl.username",
                        "sasl.username and sasl.password need sasl.mechanisms PLAIN, SCRAM-SHA-256 or SCRAM-SHA-512");
            };
            out.put("sasl.jaas.config", "%s required username=\"%s\" password=\"%s\";".formatted(module,
                    jaasEscape(in.getOrDefault("sasl.username", "")), jaasEscape(in.getOrDefault("sasl.password", ""))));
        } else if ("oidc".equalsIgnoreCase(in.get("sasl.oauthbearer.method"))) {
            out.put("sasl.login.callback.handler.class",
                    "org.apache.kafka.common.security.oauthbearer.OAuthBearerLoginCallbackHandler");
            StringBuilder jaas = new StringBuilder(
                    "org.apache.kafka.common.security.oauthbearer.OAuthBearerLoginModule required");
            appendOption(jaas, "clientId", in.get("sasl.oauthbearer.client.id"));
            appendOption(jaas, "clientSecret", in.get("sasl.oauthbearer.client.secret"));
            appendOption(jaas, "scope", in.get("sasl.oauthbearer.scope"));
            out.put("sasl.jaas.config", jaas.append(';').toString());
        }
    }

    private static void composeSsl(Map<String, String> in, Map<String, Object> out) {
        if (in.containsKey("ssl.ca.location")) {
            out.put("ssl.truststore.type", "PEM");
            out.put("ssl.truststore.location", in.get("ssl.ca.location"));
        } else if (in.containsKey("ssl.ca.pem")) {
            out.put("ssl.truststore.type", "PEM");
            out.put("ssl.truststore.certificates", in.get("ssl.ca.pem"));
        }
        if (in.containsKey("ssl.certificate.pem") && in.containsKey("ssl.key.pem")) {
            out.put("ssl.keystore.type", "PEM");
            out.put("ssl.keystore.certificate.chain", in.get("ssl.certificate.pem"));
            out.put("ssl.keystore.key", in.get("ssl.key.pem"));
            if (in.containsKey("ssl.key.password")) {
                out.put("ssl.key.password", in.get("ssl.key.password"));
            }
        }
        if ("false".equalsIgnoreCase(in.get("enable.ssl.certificate.verification"))) {
            out.put("ssl.endpoint.identification.algorithm", "");
        }
    }

    private static void appendOption(StringBuilder jaas, String option, String value) {
        if (value != null) {
            jaas.append(' ').append(option).append("=\"").append(jaasEscape(value)).append('"');
        }
    }

    private static String jaasEscape(String value) {
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
                .min(Comparator.comparingInt(Map.Entry::getValue))
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
