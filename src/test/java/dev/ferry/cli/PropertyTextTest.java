package dev.ferry.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

class PropertyTextTest {

    @Test
    void readsAPropertiesFileAsConsolesPrintIt() {
        var properties = PropertyText.parseFile("""
                # Required connection configs
                bootstrap.servers=pkc-1.europe-west1.gcp.confluent.cloud:9092
                ! also a comment
                sasl.jaas.config=org.apache.kafka.common.security.plain.PlainLoginModule required \
                username='k' password='p==';
                ssl.ca.location = C:\\certs\\ca.pem

                """, "'client.properties'");

        assertThat(properties).containsExactly(
                entry("bootstrap.servers", "pkc-1.europe-west1.gcp.confluent.cloud:9092"),
                entry("sasl.jaas.config",
                        "org.apache.kafka.common.security.plain.PlainLoginModule required"
                                + " username='k' password='p==';"),
                entry("ssl.ca.location", "C:\\certs\\ca.pem"));
    }

    @Test
    void namesTheLineThatIsWrong() {
        assertThatThrownBy(() -> PropertyText.parseFile("a=1\nnot a property\n", "'f'"))
                .hasMessage("Line 2 of 'f' is not name=value: 'not a property'.");
        assertThatThrownBy(() -> PropertyText.parseFile("a=1\n\na=2\n", "'f'"))
                .hasMessage("Line 3 of 'f' sets 'a' again (first on line 1); set it once.");
    }

    @Test
    void readsKeyValueArgumentsKeepingEqualsSignsInValues() {
        assertThat(PropertyText.parseArguments(List.of("a=1", "b=x=y", "c=")))
                .containsExactly(entry("a", "1"), entry("b", "x=y"), entry("c", ""));
        assertThatThrownBy(() -> PropertyText.parseArguments(List.of("=1")))
                .hasMessageStartingWith("'=1' is not KEY=VALUE");
        assertThatThrownBy(() -> PropertyText.parseArguments(List.of("a=1", "a=2")))
                .hasMessageStartingWith("'a' is given twice");
    }

    private static Map.Entry<String, String> entry(String key, String value) {
        return Map.entry(key, value);
    }
}
