package dev.ferry.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeSet;

import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.junit.jupiter.api.Test;

import dev.ferry.cluster.Secrets;

/**
 * The CLI cannot use the server's rule for secrets (it runs without Spring and without the server's classes on
 * its path), so it keeps a copy; this test feeds the same names to both and requires the same answer, so that
 * the CLI never prints a value the server keeps out, nor asks for one the server would show.
 */
class SecretRuleAgreementTest {

    /** librdkafka names as consoles print them, and names that hold a secret only by their spelling. */
    private static final List<String> WRITTEN_NAMES = List.of(
            "sasl.username", "sasl.password", "sasl.mechanisms", "sasl.jaas.config", "sasl.oauthbearer.config",
            "sasl.oauthbearer.method", "sasl.oauthbearer.client.id", "sasl.oauthbearer.client.secret",
            "sasl.oauthbearer.scope", "sasl.oauthbearer.extensions", "sasl.oauthbearer.token.endpoint.url",
            "ssl.ca.location", "ssl.ca.pem", "ssl.certificate.location", "ssl.certificate.pem", "ssl.key.location",
            "ssl.key.pem", "ssl.key.password", "ssl.keystore.key", "ssl.keystore.certificate.chain",
            "ssl.keystore.password", "ssl.truststore.password", "enable.ssl.certificate.verification",
            "metadata.broker.list", "group.id", "auto.offset.reset", "dead-letter-topic", "max-in-flight",
            "my.passphrase", "x.client.secret.file", "api.key", "token", "", " ", "sasl.username ");

    @Test
    void cliAndServerCallTheSameNamesSecret() {
        List<String> names = names();
        for (String name : names) {
            assertThat(SecretProperties.isSecret(name)).as("is '%s' secret", name).isEqualTo(Secrets.isSecret(name));
        }
        assertThat(names).filteredOn(Secrets::isSecret).contains("sasl.username", "sasl.jaas.config",
                "ssl.keystore.certificate.chain", "SSL.KEY.PEM", "sasl.oauthbearer.client.secret");
        assertThat(names).filteredOn(name -> !Secrets.isSecret(name)).contains("bootstrap.servers",
                "sasl.oauthbearer.client.id", "ssl.certificate.pem", "sasl.username ");
    }

    @Test
    void cliShowsWhatTheServerShowsAndMasksWhatItMasks() {
        Map<String, String> properties = new LinkedHashMap<>();
        names().forEach(name -> properties.put(name, "value-of-" + name));
        properties.put("client.id", Secrets.MASK);

        assertThat(SecretProperties.MASK).isEqualTo(Secrets.MASK);
        assertThat(SecretProperties.masked(properties)).containsExactlyEntriesOf(Secrets.mask(properties));
    }

    /** Every name the Java clients know and every name written above, each also in upper case. */
    private static List<String> names() {
        TreeSet<String> names = new TreeSet<>(ConsumerConfig.configNames());
        names.addAll(ProducerConfig.configNames());
        names.addAll(AdminClientConfig.configNames());
        names.addAll(WRITTEN_NAMES);
        List<String> all = new ArrayList<>(names);
        names.forEach(name -> all.add(name.toUpperCase(Locale.ROOT)));
        return all;
    }
}
