package dev.ferry.subscription;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import dev.ferry.web.InvalidRequest;

class SubscriptionOptionsTest {

    @Test
    void separatesFerrysOwnOptionsFromTheConsumersProperties() {
        SubscriptionOptions options = SubscriptionOptions.parse("sub_1", Map.of("group.id", "billing",
                "dead-letter.topic", "orders.failed", "max-in-flight", "8", "auto.offset.reset", "earliest"));

        assertThat(options.groupId()).isEqualTo("billing");
        assertThat(options.deadLetterTopic()).isEqualTo("orders.failed");
        assertThat(options.maxInFlight()).isEqualTo(8);
        assertThat(options.consumerProperties()).containsExactly(Map.entry("auto.offset.reset", "earliest"));
    }

    @Test
    void defaultsTheGroupToTheSubscriptionAndLeavesTheRestUnset() {
        SubscriptionOptions options = SubscriptionOptions.parse("sub_1", Map.of());

        assertThat(options.groupId()).isEqualTo("sub_1");
        assertThat(options.deadLetterTopic()).isNull();
        assertThat(options.maxInFlight()).isNull();
        assertThat(options.consumerProperties()).isEmpty();
    }

    @ParameterizedTest
    @ValueSource(strings = {"0", "-1", "1.5", "many", "", "99999999999"})
    void refusesAMaxInFlightThatIsNotAWholeNumberOfOneOrMore(String value) {
        assertThatThrownBy(() -> SubscriptionOptions.parse("sub_1", Map.of("max-in-flight", value)))
                .isInstanceOf(InvalidRequest.class)
                .hasMessageContaining("Option 'max-in-flight' must be a whole number of 1 or more, not '%s'", value);
    }
}
