package dev.ferry.results;

import static dev.ferry.testsupport.Api.json;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import dev.ferry.invocation.PendingResult;
import dev.ferry.testsupport.EmbeddedDatabase;
import dev.ferry.testsupport.FerryInstance;
import dev.ferry.testsupport.TestInfrastructure;
import dev.ferry.testsupport.Topics;

/**
 * What a round of result publishing cut short by a crash leaves behind, and what Ferry makes of it: a result whose
 * Kafka transaction committed is found on the topic and not produced again; one whose transaction never committed
 * is produced again. A {@code read_committed} reader sees each result once; a {@code read_uncommitted} reader also
 * sees the copy of the transaction that was aborted.
 */
class ResultPublishingIT {

    private static FerryInstance ferry;
    private static String brokers;

    @BeforeAll
    static void start() {
        brokers = TestInfrastructure.kafka().bootstrapServers();
        ferry = FerryInstance.start("result_publishing", Map.of());
        ferry.api().post("/kafka-clusters",
                json("{'name':'local','properties':{'bootstrap.servers':'%s'}}".formatted(brokers)));
    }

    @AfterAll
    static void stop() {
        ferry.close();
    }

    @Test
    void producesWhatACrashedRoundLeftUncommittedOnceAndWhatItCommittedNotAgain() throws Exception {
        String topic = "results-" + UUID.randomUUID();
        Topics.create(topic, 1);
        Instant roundStarted = Instant.now();
        try (KafkaProducer<byte[], byte[]> committing = producer()) {
            committing.initTransactions();
            committing.beginTransaction();
            committing.send(ResultPublisher.record(pending(topic, "inv_committed", roundStarted)));
            committing.commitTransaction();
        }
        KafkaProducer<byte[], byte[]> crashed = producer();
        try {
            crashed.initTransactions();
            crashed.beginTransaction();
            crashed.send(ResultPublisher.record(pending(topic, "inv_aborted", roundStarted)));
            crashed.flush();
            // the producer dies here, its transaction open: Ferry's own producer fences it and aborts the transaction
            insertAttempted(topic, "inv_committed");
            insertAttempted(topic, "inv_aborted");

            await().atMost(Duration.ofSeconds(60)).until(() -> outboxDepth() == 0);
            assertThat(ids(topic, "read_committed", 2)).containsExactlyInAnyOrder("inv_committed", "inv_aborted");
            assertThat(ids(topic, "read_uncommitted", 3))
                    .containsExactlyInAnyOrder("inv_committed", "inv_aborted", "inv_aborted");
        } finally {
            crashed.close(Duration.ZERO);
        }
    }

    private static PendingResult pending(String topic, String id, Instant at) {
        return new PendingResult(0, id, "local", topic, "acct".getBytes(StandardCharsets.UTF_8),
                "{\"id\":\"%s\"}".formatted(id).getBytes(StandardCharsets.UTF_8), "application/json", "sub_1",
                "deposits", 0, 7L, at, at);
    }

    private static KafkaProducer<byte[], byte[]> producer() {
        return new KafkaProducer<>(Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, brokers,
                ProducerConfig.TRANSACTIONAL_ID_CONFIG, "ferry-results-local",
                ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class,
                ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class));
    }

    /** The row a round leaves when it marked the result attempted and then died, before deleting it. */
    private static void insertAttempted(String topic, String id) throws SQLException {
        try (Connection connection = connect();
             PreparedStatement insert = connection.prepareStatement("""
                     insert into result_outbox (invocation_id, cluster, topic, kafka_key, value, content_type,
                                                subscription_id, source_topic, source_partition, source_offset,
                                                created_at, attempted_at)
                     values (?, 'local', ?, ?, ?, 'application/json', 'sub_1', 'deposits', 0, 7, now(), now())""")) {
            insert.setString(1, id);
            insert.setString(2, topic);
            insert.setBytes(3, "acct".getBytes(StandardCharsets.UTF_8));
            insert.setBytes(4, "{\"id\":\"%s\"}".formatted(id).getBytes(StandardCharsets.UTF_8));
            insert.executeUpdate();
        }
    }

    private static long outboxDepth() throws SQLException {
        try (Connection connection = connect();
             PreparedStatement query = connection.prepareStatement("select count(*) from result_outbox");
             ResultSet result = query.executeQuery()) {
            result.next();
            return result.getLong(1);
        }
    }

    private static Connection connect() throws SQLException {
        EmbeddedDatabase database = TestInfrastructure.database();
        return DriverManager.getConnection(ferry.databaseUrl(), database.username(), database.password());
    }

    /** The invocation ids of the records a reader at {@code isolation} sees, once it saw {@code expected}. */
    private static List<String> ids(String topic, String isolation, int expected) {
        List<String> ids = new ArrayList<>();
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, brokers, ConsumerConfig.ISOLATION_LEVEL_CONFIG, isolation,
                ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class,
                ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class))) {
            TopicPartition partition = new TopicPartition(topic, 0);
            consumer.assign(List.of(partition));
            consumer.seekToBeginning(List.of(partition));
            long end = consumer.endOffsets(List.of(partition)).get(partition);
            Instant deadline = Instant.now().plusSeconds(30);
            while ((ids.size() < expected || consumer.position(partition) < end) && Instant.now().isBefore(deadline)) {
                for (ConsumerRecord<byte[], byte[]> record : consumer.poll(Duration.ofMillis(200))) {
                    ids.add(new String(record.headers().lastHeader("ferry.invocation.id").value(),
                            StandardCharsets.UTF_8));
                }
            }
        }
        return ids;
    }
}
