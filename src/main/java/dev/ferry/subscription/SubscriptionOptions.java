package dev.ferry.subscription;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

import dev.ferry.web.InvalidRequest;

/**
 * A subscription's options, read once: Ferry's own apart from the Kafka consumer's.
 *
 * @param groupId            the consumer group ({@code group.id}, defaulted to the subscription's id)
 * @param deadLetterTopic    where failed records are published ({@code dead-letter.topic}), or null for nowhere
 * @param resultTopic        where the outputs of successful invocations are produced ({@code result.topic}): a
 *                           topic of the subscription's cluster, or {@code kafka://CLUSTER/TOPIC}; null for nowhere
 * @param maxInFlight        calls of this subscription in flight at once on one instance ({@code max-in-flight}),
 *                           or null for no bound of its own
 * @param consumerProperties the rest: properties of the Kafka consumer, in librdkafka's names
 */
public record SubscriptionOptions(String groupId, String deadLetterTopic, String resultTopic, Integer maxInFlight,
        Map<String, String> consumerProperties) {

    static final String GROUP_ID = "group.id";
    static final String DEAD_LETTER_TOPIC = "dead-letter.topic";
    static final String MAX_IN_FLIGHT = "max-in-flight";
    static final String RESULT_TOPIC = "result.topic";

    /** Options that configure Ferry itself rather than the Kafka consumer. */
    static final Set<String> FERRY_OPTIONS = Set.of(DEAD_LETTER_TOPIC, RESULT_TOPIC, MAX_IN_FLIGHT);

    public SubscriptionOptions {
        consumerProperties = Collections.unmodifiableMap(new LinkedHashMap<>(consumerProperties));
    }

    /**
     * Reads options as a subscription stores them.
     *
     * @throws InvalidRequest when {@code max-in-flight} is not a whole number of 1 or more
     */
    static SubscriptionOptions parse(String subscriptionId, Map<String, String> options) {
        Map<String, String> consumer = new LinkedHashMap<>(options);
        FERRY_OPTIONS.forEach(consumer::remove);
        consumer.remove(GROUP_ID);
        return new SubscriptionOptions(options.getOrDefault(GROUP_ID, subscriptionId), options.get(DEAD_LETTER_TOPIC),
                options.get(RESULT_TOPIC), maxInFlight(options.get(MAX_IN_FLIGHT)), consumer);
    }

    /** The result topic as a source of its own: on {@code cluster} unless it names another; null for none. */
    public KafkaSource resultSource(String cluster) {
        if (resultTopic == null) {
            return null;
        }
        return KafkaSource.parse(resultTopic.startsWith("kafka://") ? resultTopic
                : "kafka://" + cluster + "/" + resultTopic);
    }

    private static Integer maxInFlight(String value) {
        if (value == null) {
            return null;
        }
        try {
            int parsed = Integer.parseInt(value);
            if (parsed < 1) {
                throw new NumberFormatException();
            }
            return parsed;
        } catch (NumberFormatException e) {
            throw InvalidRequest.of("options", "Option 'max-in-flight' must be a whole number of 1 or more, not '%s'."
                    .formatted(value));
        }
    }
}
