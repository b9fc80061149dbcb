package dev.ferry.cluster;

import java.util.Arrays;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerInterceptor;
import org.apache.kafka.clients.consumer.ConsumerPartitionAssignor;
import org.apache.kafka.clients.producer.Partitioner;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerInterceptor;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.metrics.MetricsReporter;
import org.apache.kafka.common.security.auth.AuthenticateCallbackHandler;
import org.apache.kafka.common.security.auth.Login;
import org.apache.kafka.common.security.auth.SecurityProviderCreator;
import org.apache.kafka.common.security.auth.SslEngineFactory;
import org.apache.kafka.common.security.oauthbearer.JwtRetriever;
import org.apache.kafka.common.security.oauthbearer.JwtValidator;

/**
 * Client properties whose values name Java classes ({@code interceptor.classes}, {@code metric.reporters},
 * {@code sasl.login.callback.handler.class}, ...). The Kafka client instantiates them inside Ferry's JVM, where
 * they see every record and every credential, so only the Kafka classes of {@link #BUILT_IN} and those the
 * operator lists in {@code ferry.cluster.allowed-classes} are accepted; each must also be on the class path and
 * of the kind the property takes.
 */
final class ClassProperties {

    /** Kafka's own classes that only select a built-in behaviour and read no file. */
    static final Set<String> BUILT_IN = Set.of(
            "org.apache.kafka.common.metrics.JmxReporter",
            "org.apache.kafka.clients.consumer.RangeAssignor",
            "org.apache.kafka.clients.consumer.RoundRobinAssignor",
            "org.apache.kafka.clients.consumer.StickyAssignor",
            "org.apache.kafka.clients.consumer.CooperativeStickyAssignor",
            "org.apache.kafka.clients.producer.RoundRobinPartitioner",
            "org.apache.kafka.common.security.oauthbearer.OAuthBearerLoginCallbackHandler",
            "org.apache.kafka.common.security.oauthbearer.DefaultJwtRetriever",
            "org.apache.kafka.common.security.oauthbearer.ClientCredentialsJwtRetriever",
            "org.apache.kafka.common.security.oauthbearer.DefaultJwtValidator",
            "org.apache.kafka.common.security.oauthbearer.ClientJwtValidator");

    /** What each class-valued property takes; a class must implement one of them. */
    private static final Map<String, List<Class<?>>> KINDS = Map.ofEntries(
            Map.entry("interceptor.classes", List.of(ConsumerInterceptor.class, ProducerInterceptor.class)),
            Map.entry("metric.reporters", List.of(MetricsReporter.class)),
            Map.entry("partition.assignment.strategy", List.of(ConsumerPartitionAssignor.class)),
            Map.entry("partitioner.class", List.of(Partitioner.class)),
            Map.entry("sasl.client.callback.handler.class", List.of(AuthenticateCallbackHandler.class)),
            Map.entry("sasl.login.callback.handler.class", List.of(AuthenticateCallbackHandler.class)),
            Map.entry("sasl.login.class", List.of(Login.class)),
            Map.entry("sasl.oauthbearer.jwt.retriever.class", List.of(JwtRetriever.class)),
            Map.entry("sasl.oauthbearer.jwt.validator.class", List.of(JwtValidator.class)),
            Map.entry("ssl.engine.factory.class", List.of(SslEngineFactory.class)),
            Map.entry("security.providers", List.of(SecurityProviderCreator.class)));

    /** Every property of the three clients whose value is a class, or a list of them. */
    static final Set<String> NAMES = names();

    private ClassProperties() {
    }

    /**
     * Checks every class named by the translated client settings.
     *
     * @param allowed the operator's additions to {@link #BUILT_IN}
     * @throws InvalidClusterProperties naming the property and the class, and how to allow it
     */
    static void check(Map<String, ?> client, Collection<String> allowed) {
        for (var entry : client.entrySet()) {
            if (!NAMES.contains(entry.getKey()) || entry.getValue() == null) {
                continue;
            }
            for (String className : classNames(entry.getValue())) {
                checkOne(entry.getKey(), className, allowed);
            }
        }
    }

    private static void checkOne(String property, String className, Collection<String> allowed) {
        if (!BUILT_IN.contains(className) && !allowed.contains(className)) {
            throw InvalidClusterProperties.untranslatable(property, ("it names the class '%s', which Ferry does not"
                    + " load unless the operator allows it: Kafka clients run such classes inside Ferry, where they"
                    + " see every record and credential. Leave the property out, or add the class to"
                    + " ferry.cluster.allowed-classes (FERRY_CLUSTER_ALLOWED_CLASSES)").formatted(className));
        }
        Class<?> type;
        try {
            type = Class.forName(className, false, ClassProperties.class.getClassLoader());
        } catch (ClassNotFoundException | LinkageError e) {
            throw InvalidClusterProperties.untranslatable(property,
                    "class '%s' is not on Ferry's class path; check the name".formatted(className));
        }
        List<Class<?>> kinds = KINDS.getOrDefault(property, List.of());
        if (!kinds.isEmpty() && kinds.stream().noneMatch(kind -> kind.isAssignableFrom(type))) {
            throw InvalidClusterProperties.untranslatable(property, "class '%s' is not a %s".formatted(className,
                    String.join(" or ", kinds.stream().map(Class::getSimpleName).toList())));
        }
    }

    private static List<String> classNames(Object value) {
        if (value instanceof Class<?> type) {
            return List.of(type.getName());
        }
        if (value instanceof Collection<?> values) {
            return values.stream().flatMap(one -> classNames(one).stream()).toList();
        }
        return Arrays.stream(value.toString().split(",")).map(String::strip).filter(name -> !name.isEmpty()).toList();
    }

    private static Set<String> names() {
        Set<String> names = new TreeSet<>(KINDS.keySet());
        Map<String, ConfigDef.ConfigKey> keys = new HashMap<>(ConsumerConfig.configDef().configKeys());
        keys.putAll(ProducerConfig.configDef().configKeys());
        keys.putAll(AdminClientConfig.configDef().configKeys());
        keys.values().stream().filter(key -> key.type == ConfigDef.Type.CLASS).forEach(key -> names.add(key.name));
        return Set.copyOf(names);
    }
}
