package dev.ferry.cluster;

import java.util.HashSet;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.producer.ProducerConfig;

/**
 * The names a cluster property may have, and what becomes of each: Java client names pass through, some
 * librdkafka names are renamed, folded into other settings or ignored, and the rest are refused with a reason
 * or with the closest known name ({@link PropertySuggestions}). {@link ClientPropertyTranslator} composes the
 * client's settings from the names this class lets through.
 */
final class ClientPropertyNames {

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
                    + " (com.sun.security.auth.module.Krb5LoginModule required useKeyTab=true keyTab=\"...\" "
                    + "principal=\"...\";)",
            "sasl.kerberos.principal",
            "give the Kerberos principal in sasl.jaas.config (Krb5LoginModule principal=\"...\")",
            "sasl.kerberos.kinit.cmd", "the Java client logs in to Kerberos itself; configure it in sasl.jaas.config",
            "ssl.crl.location",
            "the Java client checks revocation through the JVM (-Dcom.sun.net.ssl.checkRevocation=true)",
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

    private static final Set<String> JAVA_NAMES = javaNames();

    /** Every name a user may write: what the suggestions for a misspelt name are chosen from. */
    private static final Set<String> KNOWN = known();

    private ClientPropertyNames() {
    }

    /** @throws InvalidClusterProperties when Ferry sets this property itself */
    static void refuseOwned(String name) {
        if (OWNED.containsKey(name)) {
            throw InvalidClusterProperties.owned(name, OWNED.get(name));
        }
    }

    /**
     * Checks one name as the user wrote it.
     *
     * @return a warning when the property is accepted but has no effect
     * @throws InvalidClusterProperties when no client knows the name or the Java client cannot honour it
     */
    static Optional<String> check(String name) {
        if (name.isBlank()) {
            throw InvalidClusterProperties.unknown(name, Optional.empty());
        }
        if (UNSUPPORTED.containsKey(name)) {
            throw InvalidClusterProperties.untranslatable(name, UNSUPPORTED.get(name));
        }
        if (LIBRDKAFKA_ONLY.contains(name)) {
            return Optional.of("Property '%s' has no effect in Ferry's Kafka client and is ignored.".formatted(name));
        }
        if (!JAVA_NAMES.contains(name) && !RENAMED.containsKey(name) && !COMPOSED.contains(name)) {
            throw InvalidClusterProperties.unknown(name, PropertySuggestions.closest(name, KNOWN));
        }
        return Optional.empty();
    }

    /** A setting of how to reach the cluster, which only the cluster's own properties may hold. */
    static boolean isConnectionSetting(String name) {
        return name.startsWith("sasl.") || name.startsWith("ssl.") || name.equals("security.protocol")
                || name.equals("enable.ssl.certificate.verification") || name.equals("bootstrap.servers")
                || name.equals("metadata.broker.list");
    }

    /** Whether the property passes to the Java client under its own or its Java name (see {@link #javaName}). */
    static boolean passesThrough(String name) {
        return !COMPOSED.contains(name) && !LIBRDKAFKA_ONLY.contains(name);
    }

    /** The Java client's name for a property that passes through. */
    static String javaName(String name) {
        return RENAMED.getOrDefault(name, name);
    }

    private static Set<String> javaNames() {
        Set<String> names = new HashSet<>(ConsumerConfig.configNames());
        names.addAll(ProducerConfig.configNames());
        names.addAll(AdminClientConfig.configNames());
        return Set.copyOf(names);
    }

    private static Set<String> known() {
        Set<String> candidates = new HashSet<>(JAVA_NAMES);
        candidates.addAll(RENAMED.keySet());
        candidates.addAll(COMPOSED);
        return Set.copyOf(candidates);
    }
}
