package dev.ferry.subscription;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

import dev.ferry.web.InvalidRequest;

/** A subscription's source, {@code kafka://CLUSTER/TOPIC}. */
public record KafkaSource(String cluster, String topic) {

    private static final Pattern URI = Pattern.compile("kafka://([^/]+)/([^/]+)");
    private static final Pattern TOPIC = Pattern.compile("[A-Za-z0-9._-]{1,249}");

    public static KafkaSource parse(String source) {
        Matcher matcher = source == null ? null : URI.matcher(source);
        if (matcher == null || !matcher.matches()) {
            throw InvalidRequest.of("source", "Source '%s' is not a Kafka source: write it as kafka://CLUSTER/TOPIC,"
                    .formatted(source) + " e.g. kafka://local/orders.");
        }
        String topic = matcher.group(2);
        if (!TOPIC.matcher(topic).matches() || topic.equals(".") || topic.equals("..")) {
            throw InvalidRequest.of("source",
                    "Topic '%s' is not a valid Kafka topic name: use letters, digits, '.', '_'"
                    .formatted(topic) + " and '-', at most 249 characters.");
        }
        if (topic.startsWith("__")) {
            throw InvalidRequest.of("source", ("Topic '%s' is internal to Kafka (names starting with '__', such as"
                    + " __consumer_offsets and __transaction_state, hold the brokers' own bookkeeping): consuming it"
                    + " would feed Ferry its own offset commits. Use a topic your applications write to.")
                    .formatted(topic));
        }
        return new KafkaSource(matcher.group(1), topic);
    }

    @Override
    public String toString() {
        return "kafka://" + cluster + "/" + topic;
    }
}
