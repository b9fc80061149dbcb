package dev.ferry.testsupport;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ExecutionException;

import org.apache.kafka.clients.CommonClientConfigs;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.config.SaslConfigs;
import org.apache.kafka.common.errors.SaslAuthenticationException;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class EmbeddedKafkaBrokerIT {

    private static final Duration TIMEOUT = Duration.ofSeconds(30);

    @Test
    void producesAndConsumesThroughSharedBroker() throws Exception {
        EmbeddedKafkaBroker kafka = TestInfrastructure.kafka();
        String topic = "greetings-" + UUID.randomUUID();

        send(kafka, topic, List.of("hello", "ferry"));

        try (KafkaConsumer<String, String> consumer = consumer(kafka, "group-" + UUID.randomUUID())) {
            consumer.subscribe(List.of(topic));
            assertThat(pollValues(consumer, 2)).containsExactly("hello", "ferry");
        }
        assertThat(kafka.bootstrapServers()).isEqualTo("127.0.0.1:" + kafka.port());
        assertThat(TestInfrastructure.kafka()).isSameAs(kafka);
    }

    @Test
    void supportsTransactions() throws Exception {
        EmbeddedKafkaBroker kafka = TestInfrastructure.kafka();
        String topic = "tx-" + UUID.randomUUID();
        Properties props = producerProps(kafka);
        props.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, "tx-" + UUID.randomUUID());
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(props)) {
            producer.initTransactions();
            producer.beginTransaction();
            producer.send(new ProducerRecord<>(topic, "aborted"));
            producer.abortTransaction();
            producer.beginTransaction();
            producer.send(new ProducerRecord<>(topic, "committed"));
            producer.commitTransaction();
        }
        Properties consumerProps = consumerProps(kafka, "g-" + UUID.randomUUID());
        consumerProps.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(consumerProps)) {
            consumer.subscribe(List.of(topic));
            assertThat(pollValues(consumer, 1)).containsExactly("committed");
        }
    }

    @Test
    void bindsOnlyToLoopback() {
        EmbeddedKafkaBroker kafka = TestInfrastructure.kafka();
        Assumptions.assumeTrue(ListeningSockets.supported(), "needs /proc/net/tcp");
        var ports = kafka.ports();
        for (int port : List.of(ports.client(), ports.internal(), ports.controller())) {
            // Java binds dual-stack sockets, so 127.0.0.1 may show up as ::ffff:127.0.0.1 in /proc/net/tcp6
            assertThat(ListeningSockets.onPort(port))
                    .as("listening sockets on port %d", port)
                    .isNotEmpty()
                    .allSatisfy(socket -> assertThat(socket.address()).isEqualTo("127.0.0.1"));
        }
    }

    @Test
    void twoBrokersRunSideBySide() throws Exception {
        EmbeddedKafkaBroker first = TestInfrastructure.kafka();
        try (EmbeddedKafkaBroker second = EmbeddedKafkaBroker.builder().start()) {
            assertThat(second.port()).isNotEqualTo(first.port());
            assertThat(second.clusterId()).isNotEqualTo(first.clusterId());

            String topic = "side-by-side-" + UUID.randomUUID();
            send(first, topic, List.of("from-first"));
            send(second, topic, List.of("from-second"));

            for (var broker : List.of(first, second)) {
                try (KafkaConsumer<String, String> consumer = consumer(broker, "g-" + UUID.randomUUID())) {
                    consumer.subscribe(List.of(topic));
                    String expected = broker == first ? "from-first" : "from-second";
                    assertThat(pollValues(consumer, 1)).containsExactly(expected);
                }
            }
        }
    }

    @Test
    void restartOnSameLogDirAndPortKeepsTopicsAndCommittedOffsets(@TempDir Path logDir) throws Exception {
        int port = Ports.freePort();
        String topic = "durable";
        String group = "durable-readers";

        try (EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.builder().port(port).logDir(logDir).start()) {
            try (Admin admin = admin(broker)) {
                admin.createTopics(List.of(new NewTopic(topic, 3, (short) 1))).all().get();
            }
            send(broker, topic, List.of("a", "b", "c"));
            try (KafkaConsumer<String, String> consumer = consumer(broker, group)) {
                consumer.subscribe(List.of(topic));
                assertThat(pollValues(consumer, 3)).containsExactlyInAnyOrder("a", "b", "c");
                consumer.commitSync();
            }
        }
        assertThat(logDir.resolve("meta.properties")).exists();

        try (EmbeddedKafkaBroker restarted = EmbeddedKafkaBroker.builder().port(port).logDir(logDir).start()) {
            assertThat(restarted.bootstrapServers()).isEqualTo("127.0.0.1:" + port);
            try (Admin admin = admin(restarted)) {
                TopicDescription description = admin.describeTopics(Set.of(topic)).allTopicNames().get().get(topic);
                assertThat(description.partitions()).hasSize(3);
                await().atMost(TIMEOUT).untilAsserted(() -> {
                    Map<TopicPartition, OffsetAndMetadata> offsets =
                            admin.listConsumerGroupOffsets(group).partitionsToOffsetAndMetadata().get();
                    assertThat(offsets.values().stream().mapToLong(OffsetAndMetadata::offset).sum()).isEqualTo(3);
                });
            }
            send(restarted, topic, List.of("d"));
            try (KafkaConsumer<String, String> consumer = consumer(restarted, group)) {
                consumer.subscribe(List.of(topic));
                // resumes from the committed offsets: only the new record is delivered
                assertThat(pollValues(consumer, 1)).containsExactly("d");
            }
        }
        assertThat(logDir).exists();
    }

    @Test
    void failsClearlyWhenTheFixedPortIsTaken(@TempDir Path logDir) throws Exception {
        try (var blocker = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
            var builder = EmbeddedKafkaBroker.builder().port(blocker.getLocalPort()).logDir(logDir);
            assertThatThrownBy(builder::start)
                    .isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("127.0.0.1:" + blocker.getLocalPort() + " is already in use");
        }
        // nothing left behind: the same directory can be used right away
        try (EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.builder().logDir(logDir).start()) {
            send(broker, "after-failure", List.of("ok"));
        }
    }

    @Test
    void clientListenerCanBeSecuredWithSaslPlain() throws Exception {
        String jaas = "org.apache.kafka.common.security.plain.PlainLoginModule required ";
        try (EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.builder()
                .listenerSecurityProtocol("SASL_PLAINTEXT")
                .listenerProperty("sasl.enabled.mechanisms", "PLAIN")
                .listenerProperty("plain.sasl.jaas.config", jaas + "user_ferry=\"secret\";")
                .start()) {
            Map<String, Object> sasl = Map.of(
                    CommonClientConfigs.SECURITY_PROTOCOL_CONFIG, "SASL_PLAINTEXT",
                    SaslConfigs.SASL_MECHANISM, "PLAIN",
                    SaslConfigs.SASL_JAAS_CONFIG, jaas + "username=\"ferry\" password=\"secret\";");
            try (Admin admin = Admin.create(merge(adminProps(broker), sasl))) {
                assertThat(admin.describeCluster().clusterId().get()).isEqualTo(broker.clusterId());
            }
            Map<String, Object> wrong = Map.of(
                    CommonClientConfigs.SECURITY_PROTOCOL_CONFIG, "SASL_PLAINTEXT",
                    SaslConfigs.SASL_MECHANISM, "PLAIN",
                    SaslConfigs.SASL_JAAS_CONFIG, jaas + "username=\"ferry\" password=\"wrong\";");
            try (Admin admin = Admin.create(merge(adminProps(broker), wrong))) {
                var result = admin.describeCluster().clusterId();
                await().atMost(TIMEOUT).until(result::isDone);
                assertThat(result).failsWithin(Duration.ZERO)
                        .withThrowableOfType(ExecutionException.class)
                        .withCauseInstanceOf(SaslAuthenticationException.class);
            }
        }
    }

    private static Properties producerProps(EmbeddedKafkaBroker broker) {
        Properties props = new Properties();
        props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers());
        props.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
        props.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
        return props;
    }

    private static void send(EmbeddedKafkaBroker broker, String topic, List<String> values) throws Exception {
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(producerProps(broker))) {
            for (String value : values) {
                producer.send(new ProducerRecord<>(topic, value)).get();
            }
        }
    }

    private static KafkaConsumer<String, String> consumer(EmbeddedKafkaBroker broker, String group) {
        return new KafkaConsumer<>(consumerProps(broker, group));
    }

    private static Properties consumerProps(EmbeddedKafkaBroker broker, String group) {
        Properties props = new Properties();
        props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers());
        props.put(ConsumerConfig.GROUP_ID_CONFIG, group);
        props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        props.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
        props.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
        return props;
    }

    private static List<String> pollValues(KafkaConsumer<String, String> consumer, int expected) {
        List<String> values = new ArrayList<>();
        await().atMost(TIMEOUT).pollInSameThread().pollInterval(Duration.ZERO).until(() -> {
            for (ConsumerRecord<String, String> record : consumer.poll(Duration.ofMillis(200))) {
                values.add(record.value());
            }
            return values.size() >= expected;
        });
        return values;
    }

    private static Map<String, Object> adminProps(EmbeddedKafkaBroker broker) {
        return Map.of(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers(),
                CommonClientConfigs.REQUEST_TIMEOUT_MS_CONFIG, 10_000,
                CommonClientConfigs.DEFAULT_API_TIMEOUT_MS_CONFIG, 20_000);
    }

    private static Admin admin(EmbeddedKafkaBroker broker) {
        return Admin.create(adminProps(broker));
    }

    private static Map<String, Object> merge(Map<String, Object> a, Map<String, Object> b) {
        var merged = new HashMap<>(a);
        merged.putAll(b);
        return merged;
    }
}
