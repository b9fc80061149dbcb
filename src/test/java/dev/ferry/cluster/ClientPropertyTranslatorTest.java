package dev.ferry.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.params.provider.Arguments.arguments;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import org.apache.kafka.common.config.types.Password;
import org.apache.kafka.common.metrics.KafkaMetric;
import org.apache.kafka.common.metrics.MetricsReporter;
import org.apache.kafka.common.security.JaasContext;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class ClientPropertyTranslatorTest {

    @Test
    void translatesLibrdkafkaNamesToJavaClientSettings() {
        Map<String, Object> java = ClientPropertyTranslator.toJavaClient(Map.of(
                "bootstrap.servers", "b:9092",
                "security.protocol", "SASL_SSL",
                "sasl.mechanisms", "PLAIN",
                "sasl.username", "user",
                "sasl.password", "pa\"ss",
                "auto.offset.reset", "smallest"));

        assertThat(java).containsEntry("sasl.mechanism", "PLAIN")
                .containsEntry("auto.offset.reset", "earliest")
                .doesNotContainKeys("sasl.mechanisms", "sasl.username", "sasl.password");
        assertThat((String) java.get("sasl.jaas.config"))
                .isEqualTo("org.apache.kafka.common.security.plain.PlainLoginModule required username=\"user\""
                        + " password=\"pa\\\"ss\";");
    }

    @Test
    void scramCredentialsUseTheScramLoginModule() {
        Map<String, Object> java = ClientPropertyTranslator.toJavaClient(Map.of("bootstrap.servers", "b:9092",
                "sasl.mechanisms", "SCRAM-SHA-512", "sasl.username", "u", "sasl.password", "p"));

        assertThat((String) java.get("sasl.jaas.config"))
                .startsWith("org.apache.kafka.common.security.scram.ScramLoginModule");
    }

    @Test
    void refusesAnUnknownPropertyAndSuggestsTheClosestName() {
        assertThatThrownBy(() -> ClientPropertyTranslator.validateClusterProperties(
                Map.of("bootstrap.servers", "b:9092", "sasl.mechanism5", "PLAIN")))
                .isInstanceOf(InvalidClusterProperties.class)
                .hasMessageContaining("'sasl.mechanism5'")
                .hasMessageContaining("Did you mean 'sasl.mechanism");
    }

    @Test
    void requiresBootstrapServers() {
        assertThatThrownBy(() -> ClientPropertyTranslator.validateClusterProperties(Map.of("client.id", "x")))
                .hasMessageContaining("'bootstrap.servers' is required");
    }

    @Test
    void refusesPropertiesFerryOwns() {
        assertThatThrownBy(() -> ClientPropertyTranslator.validateClusterProperties(
                Map.of("bootstrap.servers", "b:9092", "enable.auto.commit", "true")))
                .hasMessageContaining("managed by Ferry");
    }

    @Test
    void warnsAboutLibrdkafkaOnlyTuning() {
        assertThat(ClientPropertyTranslator.validateClusterProperties(
                Map.of("bootstrap.servers", "b:9092", "statistics.interval.ms", "1000")))
                .singleElement().asString().contains("statistics.interval.ms");
    }

    @Test
    void refusesAnUnknownOffsetReset() {
        assertThatThrownBy(() -> ClientPropertyTranslator.validateConsumerOptions(
                Map.of("auto.offset.reset", "oldest"), Set.of()))
                .hasMessageContaining("auto.offset.reset").hasMessageContaining("earliest or latest");
    }

    @Test
    void masksSecretsByName() {
        assertThat(Secrets.mask(Map.of("sasl.password", "p", "sasl.username", "u", "ssl.key.password", "k",
                "bootstrap.servers", "b:9092")))
                .containsEntry("sasl.password", "***").containsEntry("sasl.username", "***")
                .containsEntry("ssl.key.password", "***").containsEntry("bootstrap.servers", "b:9092");
    }

    @Test
    void quotesCredentialsSoThatKafkaParsesThemBack() {
        String password = "pa\"ss\\word; x=\"1\" 'q' \\n ü";
        Map<String, Object> java = ClientPropertyTranslator.toJavaClient(Map.of("bootstrap.servers", "b:9092",
                "sasl.mechanisms", "SCRAM-SHA-256", "sasl.username", "us\"er", "sasl.password", password));

        var options = jaasOptions(java);
        assertThat(options.get("username")).isEqualTo("us\"er");
        assertThat(options.get("password")).isEqualTo(password);
    }

    @Test
    void refusesAPasswordThatAJaasConfigurationCannotHoldWithoutShowingIt() {
        assertThatThrownBy(() ->
                ClientPropertyTranslator.validateClusterProperties(Map.of("bootstrap.servers", "b:9092",
                "security.protocol", "SASL_SSL", "sasl.mechanisms", "PLAIN", "sasl.username", "u",
                "sasl.password", "zzqq\nwwxx")))
                .hasMessageContaining("'sasl.password'").hasMessageContaining("control character")
                .hasMessageNotContaining("zzqq");
    }

    @Test
    void normalisesProtocolAndMechanismAndRefusesUnknownOnes() {
        Map<String, Object> java = ClientPropertyTranslator.toJavaClient(Map.of("bootstrap.servers", "b:9092",
                "security.protocol", "sasl_ssl", "sasl.mechanisms", "scram-sha-512", "sasl.username", "u",
                "sasl.password", "p"));
        assertThat(java).containsEntry("security.protocol", "SASL_SSL")
                .containsEntry("sasl.mechanism", "SCRAM-SHA-512");

        assertThatThrownBy(() ->
                ClientPropertyTranslator.validateClusterProperties(Map.of("bootstrap.servers", "b:9092",
                "sasl.mechanisms", "SCRAM-SHA-1")))
                .hasMessageContaining("'sasl.mechanisms'").hasMessageContaining("SCRAM-SHA-512");
    }

    @Test
    void translatesOidcClientCredentialsToTheOauthBearerLoginHandler() {
        Map<String, Object> java = ClientPropertyTranslator.toJavaClient(Map.of("bootstrap.servers", "b:9092",
                "security.protocol", "SASL_SSL", "sasl.mechanisms", "OAUTHBEARER", "sasl.oauthbearer.method", "oidc",
                "sasl.oauthbearer.client.id", "ferry", "sasl.oauthbearer.client.secret", "s3cr3t",
                "sasl.oauthbearer.scope", "kafka:read", "sasl.oauthbearer.extensions",
                "logicalCluster=lkc-1,identityPoolId=pool-2",
                "sasl.oauthbearer.token.endpoint.url", "https://idp.example/oauth2/token"));

        assertThat(java).containsEntry("sasl.login.callback.handler.class",
                        "org.apache.kafka.common.security.oauthbearer.OAuthBearerLoginCallbackHandler")
                .containsEntry("sasl.oauthbearer.token.endpoint.url", "https://idp.example/oauth2/token")
                .containsEntry("sasl.mechanism", "OAUTHBEARER")
                .containsEntry("sasl.oauthbearer.client.credentials.client.id", "ferry")
                .containsEntry("sasl.oauthbearer.client.credentials.client.secret", "s3cr3t")
                .containsEntry("sasl.oauthbearer.scope", "kafka:read")
                .doesNotContainKeys("sasl.oauthbearer.method", "sasl.oauthbearer.client.secret");
        var options = jaasOptions(java);
        assertThat(options).containsEntry("extension_logicalCluster", "lkc-1")
                .containsEntry("extension_identityPoolId", "pool-2").doesNotContainKey("clientSecret");
    }

    @Test
    void oidcNeedsAnHttpTokenEndpointAndClientCredentials() {
        Map<String, String> oidc = Map.of("bootstrap.servers", "b:9092", "security.protocol", "SASL_SSL",
                "sasl.oauthbearer.method", "oidc", "sasl.oauthbearer.client.id", "ferry",
                "sasl.oauthbearer.client.secret", "s3cr3t");

        assertThatThrownBy(() -> ClientPropertyTranslator.validateClusterProperties(oidc))
                .hasMessageContaining("'sasl.oauthbearer.token.endpoint.url' is required");
        assertThatThrownBy(() -> ClientPropertyTranslator.validateClusterProperties(with(oidc,
                "sasl.oauthbearer.token.endpoint.url", "file:///etc/passwd")))
                .hasMessageContaining("http:// or https://");
        assertThatThrownBy(() -> ClientPropertyTranslator.validateClusterProperties(with(oidc,
                "sasl.oauthbearer.method", "default")))
                .hasMessageContaining("only 'oidc' is supported");
        assertThat(ClientPropertyTranslator.validateClusterProperties(with(oidc,
                "sasl.oauthbearer.token.endpoint.url", "http://idp.example/token")))
                .anySatisfy(warning -> assertThat(warning).contains("plain http"));
    }

    @Test
    void refusesToTurnOffCertificateVerificationAndSaysWhatToUseInstead() {
        assertThatThrownBy(() ->
                ClientPropertyTranslator.validateClusterProperties(Map.of("bootstrap.servers", "b:9092",
                "security.protocol", "SSL", "enable.ssl.certificate.verification", "false")))
                .hasMessageContaining("does not turn off TLS certificate verification")
                .hasMessageContaining("ssl.ca.location");
        assertThat(ClientPropertyTranslator.toJavaClient(Map.of("bootstrap.servers", "b:9092",
                "enable.ssl.certificate.verification", "true"))).containsOnlyKeys("bootstrap.servers");
    }

    @Test
    void explainsLibrdkafkaSettingsTheJavaClientCannotHonour() {
        assertThatThrownBy(() ->
                ClientPropertyTranslator.validateClusterProperties(Map.of("bootstrap.servers", "b:9092",
                "sasl.kerberos.keytab", "/etc/krb5.keytab")))
                .hasMessageContaining("'sasl.kerberos.keytab' cannot be used").hasMessageContaining("sasl.jaas.config");
        assertThatThrownBy(() ->
                ClientPropertyTranslator.validateClusterProperties(Map.of("bootstrap.servers", "b:9092",
                "ssl.ca.locaton", "/ca.pem")))
                .hasMessageContaining("Did you mean 'ssl.ca.location'?");
    }

    @Test
    void warnsWhenSecuritySettingsCannotTakeEffect() {
        assertThat(ClientPropertyTranslator.validateClusterProperties(Map.of("bootstrap.servers", "b:9092",
                "sasl.mechanisms", "PLAIN", "sasl.username", "u", "sasl.password", "p")))
                .anySatisfy(warning -> assertThat(warning).contains("security.protocol"));
    }

    @Test
    void reportsWhatTheJavaClientRefusesWithoutSecrets() {
        assertThatThrownBy(() ->
                ClientPropertyTranslator.validateClusterProperties(Map.of("bootstrap.servers", "b:9092",
                "request.timeout.ms", "soon")))
                .hasMessageContaining("request.timeout.ms");
    }

    @Test
    void keepsSecurityAndSecretsOutOfSubscriptionOptions() {
        assertThatThrownBy(() -> ClientPropertyTranslator.validateConsumerOptions(
                Map.of("sasl.password", "p"), Set.of()))
                .hasMessageContaining("set it on the Kafka cluster");
        assertThatThrownBy(() -> ClientPropertyTranslator.validateConsumerOptions(
                Map.of("security.protocol", "PLAINTEXT"), Set.of()))
                .hasMessageContaining("set it on the Kafka cluster");
        assertThat(ClientPropertyTranslator.validateConsumerOptions(Map.of("auto.offset.reset", "beginning",
                "client.id", "orders"), Set.of())).isEmpty();
    }

    @Test
    void redactsSecretValuesFromMessages() {
        assertThat(Secrets.redact("login as alice-123 with hunter2-xyz failed", List.of("alice-123", "hunter2-xyz")))
                .isEqualTo("login as *** with *** failed");
    }

    /** The login module options as the Kafka client parses them. */
    private static Map<String, Object> jaasOptions(Map<String, Object> settings) {
        return JaasContext.loadClientContext(Map.of("sasl.jaas.config",
                new Password((String) settings.get("sasl.jaas.config"))))
                .configurationEntries().getFirst().getOptions().entrySet().stream()
                .collect(Collectors.toMap(Map.Entry::getKey, Map.Entry::getValue));
    }

    private static Map<String, String> with(Map<String, String> base, String key, String value) {
        Map<String, String> copy = new HashMap<>(base);
        copy.put(key, value);
        return copy;
    }

    static Stream<Arguments> clusterPropertiesThatCannotWork() {
        return Stream.of(
                arguments(Map.of("bootstrap.servers", "not a host"), List.of("'not a host' is not host:port")),
                arguments(Map.of("bootstrap.servers", "127.0.0.1"),
                        List.of("'127.0.0.1' has no port", "127.0.0.1:9092")),
                arguments(Map.of("bootstrap.servers", "b:9092,,c:9092"), List.of("empty entry")),
                arguments(Map.of("bootstrap.servers", "b:99999"), List.of("port '99999'", "1 to 65535")),
                arguments(Map.of("bootstrap.servers", "bad_host!:9092"), List.of("'bad_host!' is not a host name")),
                arguments(Map.of("bootstrap.servers", " "), List.of("host:port")),
                arguments(Map.of("metadata.broker.list", "b"), List.of("'metadata.broker.list'", "'b' has no port")),
                arguments(Map.of("bootstrap.server", "b:9092"),
                        List.of("'bootstrap.server' is not a Kafka client property",
                        "Did you mean 'bootstrap.servers'?")),
                arguments(Map.of("bootstrap.servers", "b:9092", "interceptor.classes", "java.lang.String"),
                        List.of("'interceptor.classes'", "'java.lang.String'", "ferry.cluster.allowed-classes")),
                arguments(Map.of("bootstrap.servers", "b:9092", "metric.reporters", "com.example.Reporter"),
                        List.of("'metric.reporters'", "'com.example.Reporter'", "ferry.cluster.allowed-classes")),
                arguments(Map.of("bootstrap.servers", "b:9092", "partitioner.class", "com.example.Partitioner"),
                        List.of("'partitioner.class'", "ferry.cluster.allowed-classes")),
                arguments(Map.of("bootstrap.servers", "b:9092", "sasl.login.callback.handler.class",
                        "com.example.Handler"),
                        List.of("'sasl.login.callback.handler.class'", "ferry.cluster.allowed-classes")),
                arguments(Map.of("bootstrap.servers", "b:9092", "config.providers", "env"),
                        List.of("'config.providers'", "give each value directly")));
    }

    @ParameterizedTest
    @MethodSource("clusterPropertiesThatCannotWork")
    void refusesClusterPropertiesThatCannotWorkAndSaysWhatToFix(Map<String, String> properties, List<String> detail) {
        assertThatThrownBy(() -> ClientPropertyTranslator.validateClusterProperties(properties))
                .isInstanceOf(InvalidClusterProperties.class)
                .satisfies(e -> assertThat(e.getMessage()).contains(detail));
    }

    @Test
    void acceptsBrokerListsAsTheJavaClientWritesThem() {
        for (String brokers : List.of("b:9092", "broker-1.example.com:9092, broker-2.example.com:9093", "127.0.0.1:1",
                "[::1]:9092", "SASL_SSL://pkc-1.eu-west-1.aws.confluent.cloud:9092", "kafka_1:29092")) {
            assertThat(ClientPropertyTranslator.validateClusterProperties(Map.of("bootstrap.servers", brokers)))
                    .as(brokers).isEmpty();
        }
    }

    @Test
    void acceptsKafkasOwnClassesAndThoseTheOperatorAllows() {
        assertThat(ClientPropertyTranslator.validateClusterProperties(Map.of("bootstrap.servers", "b:9092",
                "partition.assignment.strategy", "org.apache.kafka.clients.consumer.CooperativeStickyAssignor",
                "metric.reporters", "org.apache.kafka.common.metrics.JmxReporter"))).isEmpty();
        String interceptor = "org.apache.kafka.test.MockConsumerInterceptor";
        assertThatThrownBy(() -> ClientPropertyTranslator.validateClusterProperties(Map.of("bootstrap.servers",
                "b:9092", "interceptor.classes", "java.lang.String"), List.of("java.lang.String")))
                .hasMessageContaining("'java.lang.String' is not a ConsumerInterceptor or ProducerInterceptor");
        assertThatThrownBy(() -> ClientPropertyTranslator.validateClusterProperties(Map.of("bootstrap.servers",
                "b:9092", "interceptor.classes", interceptor), List.of(interceptor)))
                .hasMessageContaining("is not on Ferry's class path");
        String reporter = CountingReporter.class.getName();
        assertThat(ClientPropertyTranslator.validateClusterProperties(Map.of("bootstrap.servers", "b:9092",
                "metric.reporters", reporter), List.of(reporter))).isEmpty();
    }

    static Stream<Arguments> consumersThatWouldNeverStart() {
        return Stream.of(
                arguments(Map.of(), "", List.of("'group.id'", "leave group.id out")),
                arguments(Map.of(), " ", List.of("'group.id'")),
                arguments(Map.of(), "g".repeat(5000), List.of("'group.id'", "5000 characters", "at most 255")),
                arguments(Map.of(), "tab\tgroup", List.of("'group.id'", "white space")),
                arguments(Map.of("max.poll.records", "0"), "g", List.of("max.poll.records", "at least 1")),
                arguments(Map.of("session.timeout.ms", "soon"), "g", List.of("session.timeout.ms")),
                arguments(Map.of("interceptor.classes", "java.lang.String"), "g",
                        List.of("'interceptor.classes'", "ferry.cluster.allowed-classes")));
    }

    @ParameterizedTest
    @MethodSource("consumersThatWouldNeverStart")
    void refusesConsumerSettingsTheKafkaClientWouldRefuse(Map<String, String> options, String groupId,
            List<String> detail) {
        Map<String, Object> cluster = ClientPropertyTranslator.toJavaClient(Map.of("bootstrap.servers", "b:9092"));

        assertThatThrownBy(() -> ConsumerSettings.check(cluster, options, groupId, List.of(), List.of()))
                .isInstanceOf(InvalidClusterProperties.class)
                .satisfies(e -> assertThat(e.getMessage()).contains(detail));
    }

    @Test
    void acceptsAnOrdinaryConsumer() {
        ConsumerSettings.check(ClientPropertyTranslator.toJavaClient(Map.of("bootstrap.servers", "b:9092",
                "max.poll.records", "10")), Map.of("max.poll.records", "100", "auto.offset.reset", "earliest"),
                "orders-billing", List.of(), List.of());
    }

    /** A metrics reporter of the operator's own, for the allow-list. */
    public static final class CountingReporter implements MetricsReporter {

        @Override
        public void init(List<KafkaMetric> metrics) {
        }

        @Override
        public void metricChange(KafkaMetric metric) {
        }

        @Override
        public void metricRemoval(KafkaMetric metric) {
        }

        @Override
        public void close() {
        }

        @Override
        public void configure(Map<String, ?> configs) {
        }
    }
}
