package dev.ferry.subscription;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

import dev.ferry.web.InvalidRequest;

class UriParsingTest {

    @Test
    void parsesKafkaSourceAndServiceSink() {
        assertThat(KafkaSource.parse("kafka://local/orders")).isEqualTo(new KafkaSource("local", "orders"));
        assertThat(ServiceSink.parse("service://Account/deposit")).isEqualTo(new ServiceSink("Account", "deposit"));
    }

    @Test
    void refusesMalformedUrisWithTheExpectedShape() {
        assertThatThrownBy(() -> KafkaSource.parse("kafka:/local/orders")).isInstanceOf(InvalidRequest.class)
                .hasMessageContaining("kafka://CLUSTER/TOPIC");
        assertThatThrownBy(() -> KafkaSource.parse("kafka://local/bad topic"))
                .hasMessageContaining("not a valid Kafka topic name");
        assertThatThrownBy(() -> ServiceSink.parse("service://Account")).isInstanceOf(InvalidRequest.class)
                .hasMessageContaining("service://SERVICE/HANDLER");
    }

    @Test
    void refusesKafkasInternalTopics() {
        for (String topic : new String[] {"__consumer_offsets", "__transaction_state", "__anything"}) {
            assertThatThrownBy(() -> KafkaSource.parse("kafka://local/" + topic)).isInstanceOf(InvalidRequest.class)
                    .hasMessageContaining("'%s' is internal to Kafka".formatted(topic));
        }
        assertThat(KafkaSource.parse("kafka://local/_private").topic()).isEqualTo("_private");
    }
}
