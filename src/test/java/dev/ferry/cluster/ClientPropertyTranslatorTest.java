package dev.ferry.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;

import org.junit.jupiter.api.Test;

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

        assertThat((String) java.get("sasl.jaas.config")).startsWith("org.apache.kafka.common.security.scram.ScramLoginModule");
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
                Map.of("auto.offset.reset", "oldest"), java.util.Set.of()))
                .hasMessageContaining("auto.offset.reset").hasMessageContaining("earliest or latest");
    }

    @Test
    void masksSecretsByName() {
        assertThat(Secrets.mask(Map.of("sasl.password", "p", "sasl.username", "u", "ssl.key.password", "k",
                "bootstrap.servers", "b:9092")))
                .containsEntry("sasl.password", "***").containsEntry("sasl.username", "***")
                .containsEntry("ssl.key.password", "***").containsEntry("bootstrap.servers", "b:9092");
    }
}
