package dev.ferry.service;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

import dev.ferry.web.InvalidRequest;

class ResultTopicTest {

    @Test
    void readsTheClusterAndTopicOfAKafkaUri() {
        ResultTopic destination = ResultTopic.parse("kafka://prod.eu-1/order-results");

        assertThat(destination).isEqualTo(new ResultTopic("prod.eu-1", "order-results"));
        assertThat(destination).hasToString("kafka://prod.eu-1/order-results");
    }

    @Test
    void saysWhatToWriteInstead() {
        assertThat(problem("order-results")).contains("kafka://CLUSTER/TOPIC").contains("no cluster of its own");
        assertThat(problem("kafka://Prod/results")).contains("cluster 'Prod'").contains("lower case");
        assertThat(problem("kafka://prod/a b")).contains("not a valid Kafka topic name");
        assertThat(problem("kafka://prod/..")).contains("not a valid Kafka topic name");
        assertThat(problem("kafka://prod/__transaction_state")).contains("internal to Kafka");
        assertThat(problem("kafka://prod/results/extra")).contains("kafka://CLUSTER/TOPIC");
    }

    private static String problem(String value) {
        try {
            ResultTopic.parse(value);
        } catch (InvalidRequest e) {
            return e.detail();
        }
        throw new AssertionError("'%s' was accepted".formatted(value));
    }
}
