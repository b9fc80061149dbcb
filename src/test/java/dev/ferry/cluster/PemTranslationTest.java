package dev.ferry.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.security.ssl.DefaultSslEngineFactory;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import dev.ferry.testsupport.TestCertificates;
import dev.ferry.testsupport.TestCertificates.Authority;
import dev.ferry.testsupport.TestCertificates.Identity;

/** librdkafka's PEM file settings become stores that the Java client's own SSL engine factory accepts. */
class PemTranslationTest {

    private static TestCertificates certificates;
    private static Authority ca;
    private static Identity client;
    private static Identity encrypted;

    @BeforeAll
    static void makeCertificates() {
        certificates = TestCertificates.create();
        ca = certificates.authority("pem-test-ca");
        client = certificates.identity(ca, "pem-client");
        encrypted = certificates.identity(ca, "pem-client-encrypted", "key-pass");
    }

    @Test
    void readsTheCaAndTheClientCertificateIntoPemStoresTheJavaClientLoads() {
        Map<String, Object> java = ClientPropertyTranslator.toJavaClient(Map.of("bootstrap.servers", "b:9093",
                "security.protocol", "SSL", "ssl.ca.location", ca.certificate().toString(),
                "ssl.certificate.location", client.certificate().toString(),
                "ssl.key.location", client.key().toString(), "ssl.key.password", "ignored-for-a-clear-key"));

        assertThat(java).containsEntry("ssl.truststore.type", "PEM").containsEntry("ssl.keystore.type", "PEM")
                .doesNotContainKeys("ssl.ca.location", "ssl.key.location", "ssl.key.password");
        assertThat((String) java.get("ssl.keystore.key")).startsWith("-----BEGIN PRIVATE KEY-----");
        assertLoads(java);
    }

    @Test
    void decryptsAnEncryptedKeyWithItsPassword() {
        Map<String, String> properties = Map.of("bootstrap.servers", "b:9093", "security.protocol", "SSL",
                "ssl.certificate.location", encrypted.certificate().toString(),
                "ssl.key.location", encrypted.key().toString(), "ssl.key.password", "key-pass");

        Map<String, Object> java = ClientPropertyTranslator.toJavaClient(properties);

        assertThat(java).containsEntry("ssl.key.password", "key-pass");
        assertLoads(java);
        Map<String, String> withoutPassword = new HashMap<>(properties);
        withoutPassword.remove("ssl.key.password");
        assertThatThrownBy(() -> ClientPropertyTranslator.toJavaClient(withoutPassword))
                .hasMessageContaining("'ssl.key.password' is required");
    }

    @Test
    void acceptsADirectoryOfCaCertificates() {
        Map<String, Object> java = ClientPropertyTranslator.toJavaClient(Map.of("bootstrap.servers", "b:9093",
                "ssl.ca.location", certificates.dir().toString()));

        assertThat((String) java.get("ssl.truststore.certificates")).contains("-----BEGIN CERTIFICATE-----");
    }

    @Test
    void namesTheFileThatIsMissingOrWrong() throws IOException {
        assertThatThrownBy(() ->
                ClientPropertyTranslator.validateClusterProperties(Map.of("bootstrap.servers", "b:9093",
                "ssl.ca.location", "/no/such/ca.pem")))
                .hasMessageContaining("'ssl.ca.location'").hasMessageContaining("/no/such/ca.pem does not exist");
        assertThatThrownBy(() ->
                ClientPropertyTranslator.validateClusterProperties(Map.of("bootstrap.servers", "b:9093",
                "ssl.ca.location", client.key().toString())))
                .hasMessageContaining("holds no PEM certificate");
        assertThatThrownBy(() ->
                ClientPropertyTranslator.validateClusterProperties(Map.of("bootstrap.servers", "b:9093",
                "ssl.certificate.location", client.certificate().toString())))
                .hasMessageContaining("'ssl.key.location' is required");

        Path legacy = Files.writeString(certificates.dir().resolve("legacy.key"),
                "-----BEGIN RSA PRIVATE KEY-----\nMIIEowIBAAKCAQEA\n-----END RSA PRIVATE KEY-----\n");
        assertThatThrownBy(() ->
                ClientPropertyTranslator.validateClusterProperties(Map.of("bootstrap.servers", "b:9093",
                "ssl.certificate.location", client.certificate().toString(), "ssl.key.location", legacy.toString())))
                .hasMessageContaining("PKCS#8").hasMessageContaining("openssl pkcs8 -topk8");
    }

    /** What a client does with these settings when it starts: build its SSL context from them. */
    private static void assertLoads(Map<String, Object> java) {
        Map<String, Object> parsed = new HashMap<>(new ConfigDef().withClientSslSupport().parse(java));
        try (DefaultSslEngineFactory factory = new DefaultSslEngineFactory()) {
            factory.configure(parsed);
            assertThat(factory.keystore()).isNotNull();
        }
    }
}
