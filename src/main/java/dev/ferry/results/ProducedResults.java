package dev.ferry.results;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndTimestamp;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

import dev.ferry.invocation.PendingResult;

/**
 * Finds which of the results of a round cut short are on their topic: reads each topic with
 * {@code isolation.level=read_committed} from a while before the round up to its last stable offset and collects
 * the {@value #INVOCATION_ID} headers. Called after the cluster's transactional producer was initialised, which
 * aborted any transaction the cut-short round left open, so the last stable offset is not held back by it.
 */
final class ProducedResults {

    static final String INVOCATION_ID = "ferry.invocation.id";

    private final Map<String, Object> clientProperties;
    private final Duration timeout;

    ProducedResults(Map<String, Object> clientProperties, Duration timeout) {
        this.clientProperties = clientProperties;
        this.timeout = timeout;
    }

    Set<String> find(List<PendingResult> results, Duration lookBack) {
        Set<String> wanted = results.stream().map(PendingResult::invocationId).collect(Collectors.toSet());
        Instant since = results.stream().map(PendingResult::attemptedAt).min(Instant::compareTo).orElseThrow()
                .minus(lookBack);
        Set<String> topics = results.stream().map(PendingResult::topic).collect(Collectors.toSet());
        Map<String, Object> config = new HashMap<>(clientProperties);
        config.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        config.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        config.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
        config.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
        config.remove(ConsumerConfig.GROUP_ID_CONFIG);
        config.put(ConsumerConfig.CLIENT_ID_CONFIG, "ferry-results-check");
        Set<String> found = new HashSet<>();
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(config)) {
            Map<TopicPartition, Long> times = new HashMap<>();
            for (String topic : topics) {
                for (PartitionInfo partition : consumer.partitionsFor(topic, timeout)) {
                    times.put(new TopicPartition(topic, partition.partition()), since.toEpochMilli());
                }
            }
            Map<TopicPartition, OffsetAndTimestamp> starts = consumer.offsetsForTimes(times, timeout);
            Map<TopicPartition, Long> ends = consumer.endOffsets(times.keySet(), timeout);
            Map<TopicPartition, Long> remaining = new HashMap<>();
            starts.forEach((partition, start) -> {
                if (start != null && start.offset() < ends.get(partition)) {
                    remaining.put(partition, ends.get(partition));
                }
            });
            // every partition is assigned, so the answers about the last stable offset of each are taken in
            consumer.assign(times.keySet());
            times.keySet().forEach(partition -> consumer.seek(partition, remaining.containsKey(partition)
                    ? starts.get(partition).offset() : ends.get(partition)));
            Instant deadline = Instant.now().plus(timeout);
            while (!remaining.isEmpty()) {
                if (Instant.now().isAfter(deadline)) {
                    throw new IllegalStateException("could not read result topics " + topics + " within " + timeout);
                }
                for (ConsumerRecord<byte[], byte[]> record : consumer.poll(Duration.ofMillis(200))) {
                    Header id = record.headers().lastHeader(INVOCATION_ID);
                    String invocationId = id == null ? null : new String(id.value(), StandardCharsets.UTF_8);
                    if (invocationId != null && wanted.contains(invocationId)) {
                        found.add(invocationId);
                    }
                }
                remaining.entrySet().removeIf(end -> consumer.position(end.getKey()) >= end.getValue());
            }
        }
        return found;
    }
}
