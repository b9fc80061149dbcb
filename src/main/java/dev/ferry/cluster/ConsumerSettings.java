package dev.ferry.cluster;

import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.Map;

import org.apache.kafka.clients.consumer.ConsumerConfig;

/**
 * Checks the settings a subscription's consumer would get, the cluster's translated properties with the
 * subscription's options and group on top, as the consumer is built: a subscription the Kafka client would
 * refuse is refused when it is created, not left {@code RUNNING} with a consumer that never starts.
 */
final class ConsumerSettings {

    /** The longest {@code group.id} Ferry accepts: it is also a key in {@code __consumer_offsets}, logs and metrics. */
    static final int MAX_GROUP_ID_LENGTH = 255;

    private ConsumerSettings() {
    }

    /**
     * @param cluster the cluster's settings for the Java client
     * @param options the subscription's options, without Ferry's own and without {@code group.id}
     * @throws InvalidClusterProperties naming what to change
     */
    static void check(Map<String, Object> cluster, Map<String, String> options, String groupId,
            Collection<String> allowedClasses, Collection<String> secrets) {
        checkGroupId(groupId);
        Map<String, Object> own = ClientPropertyTranslator.toJavaClient(options);
        // the cluster's classes were checked when it was registered
        ClassProperties.check(own, allowedClasses);
        Map<String, Object> config = new LinkedHashMap<>(cluster);
        config.putAll(own);
        config.put(ConsumerConfig.GROUP_ID_CONFIG, groupId);
        ClientPropertyTranslator.parseAsConsumer(config, secrets);
    }

    static void checkGroupId(String groupId) {
        if (groupId.isBlank()) {
            throw InvalidClusterProperties.badValue("group.id", groupId,
                    "give a consumer group name, or leave group.id out to use the subscription's id");
        }
        if (groupId.length() > MAX_GROUP_ID_LENGTH) {
            throw InvalidClusterProperties.badValue("group.id", groupId.substring(0, 40) + "…",
                    "it has %d characters; use at most %d".formatted(groupId.length(), MAX_GROUP_ID_LENGTH));
        }
        if (groupId.chars().anyMatch(c -> Character.isISOControl(c) || Character.isWhitespace(c))) {
            throw InvalidClusterProperties.badValue("group.id", groupId.replaceAll("\\p{Cntrl}", "?"),
                    "it contains white space or a control character; use letters, digits, '.', '_' and '-'");
        }
    }
}
