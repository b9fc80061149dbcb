package dev.ferry.service;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

import dev.ferry.web.InvalidRequest;

/**
 * Where the outputs of a service's RPC-started invocations go when they succeed: a topic of a registered cluster,
 * written {@code kafka://CLUSTER/topic} (a service has no cluster of its own, so the cluster is always named).
 */
public record ResultTopic(String cluster, String topic) {

    private static final Pattern URI = Pattern.compile("kafka://([^/]+)/([^/]+)");
    private static final Pattern CLUSTER =
            Pattern.compile("(?=.{1,63}$)[a-z0-9]([a-z0-9-]*[a-z0-9])?(\\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)*");
    private static final Pattern TOPIC = Pattern.compile("[A-Za-z0-9._-]{1,249}");

    /** The destination {@code value} names, checked in form only (not whether the cluster exists). */
    static ResultTopic parse(String value) {
        Matcher matcher = URI.matcher(value);
        if (!matcher.matches()) {
            throw InvalidRequest.of("result_topic", ("Field 'result_topic' is '%s': write kafka://CLUSTER/TOPIC, the"
                    + " cluster as registered at /kafka-clusters (a service has no cluster of its own), e.g."
                    + " kafka://local/results.").formatted(value));
        }
        String cluster = matcher.group(1);
        String topic = matcher.group(2);
        if (!CLUSTER.matcher(cluster).matches()) {
            throw InvalidRequest.of("result_topic", ("Field 'result_topic' names cluster '%s', which is not a valid"
                    + " cluster name (lower case letters, digits, '-' and '.').").formatted(cluster));
        }
        if (!TOPIC.matcher(topic).matches() || topic.equals(".") || topic.equals("..")) {
            throw InvalidRequest.of("result_topic", ("Field 'result_topic' names topic '%s', which is not a valid"
                    + " Kafka topic name: use 1 to 249 letters, digits, '.', '_' or '-'.").formatted(topic));
        }
        if (topic.startsWith("__")) {
            throw InvalidRequest.of("result_topic", ("Field 'result_topic' names '%s', a topic internal to Kafka"
                    + " (names starting with '__'). Choose a topic of your own.").formatted(topic));
        }
        return new ResultTopic(cluster, topic);
    }

    @Override
    public String toString() {
        return "kafka://" + cluster + "/" + topic;
    }
}
