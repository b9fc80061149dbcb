package dev.ferry.consumer;

import static dev.ferry.testsupport.Api.json;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.Map;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;

import dev.ferry.testsupport.EmbeddedDatabase;
import dev.ferry.testsupport.FerryInstance;
import dev.ferry.testsupport.HandlerServer;
import dev.ferry.testsupport.Records;
import dev.ferry.testsupport.TestInfrastructure;
import dev.ferry.testsupport.Topics;

/**
 * The consumer polls the next records while a batch's ingest transaction is still open, and the group's offsets
 * move only once the records they cover are stored. A test connection holds the transaction open: it locks the
 * invocation table, so the ingest insert waits inside its transaction until the test lets go.
 */
class IngestPipelineIT {

    private static final String TOPIC = "pipelined";
    private static final String GROUP = "pipelined-group";
    private static final TopicPartition PARTITION = new TopicPartition(TOPIC, 0);

    @Test
    void pollsTheNextRecordsWhileABatchCommitsAndCommitsOffsetsOnlyOnceStored() throws Exception {
        String brokers = TestInfrastructure.kafka().bootstrapServers();
        Topics.create(TOPIC, 1);
        try (HandlerServer handler = HandlerServer.start(); Records records = new Records(brokers);
                FerryInstance ferry = FerryInstance.start("pipelined", Map.of());
                Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, brokers))) {
            String subscription = subscribe(ferry, brokers, handler);
            send(records, 1);
            await().atMost(Duration.ofSeconds(60)).until(() -> handler.received().size() == 1
                    && committed(admin) == 1);

            try (Connection holder = connect(ferry)) {
                holder.setAutoCommit(false);
                try (Statement statement = holder.createStatement()) {
                    statement.execute("lock table invocations in exclusive mode");
                }
                send(records, 2);
                await().atMost(Duration.ofSeconds(30)).until(() -> waitingInserts(ferry) > 0);
                send(records, 3);

                // the second record is polled while the first one's transaction waits on the lock
                await().atMost(Duration.ofSeconds(30)).until(() -> consumed(ferry, subscription) >= 3);
                assertThat(committed(admin)).as("nothing is committed before it is stored").isEqualTo(1);
                assertThat(handler.received()).hasSize(1);
                assertThat(waitingInserts(ferry)).as("the first batch is still being stored").isPositive();
                holder.rollback();
            }

            await().atMost(Duration.ofSeconds(60)).until(() -> handler.received().size() == 3
                    && committed(admin) == 3);
            await().atMost(Duration.ofSeconds(30)).until(() -> ferry.api().get("/invocations/counts?service=Sink")
                    .body().get("counts").get("completed").asInt() == 3);
        }
    }

    private static String subscribe(FerryInstance ferry, String brokers, HandlerServer handler) {
        ferry.api().post("/kafka-clusters", json("{'name':'local','properties':{'bootstrap.servers':'%s'}}"
                .formatted(brokers)));
        ferry.api().post("/services", json("{'name':'Sink','type':'SERVICE','endpoint':'%s',"
                + "'handlers':[{'name':'take'}]}").formatted(handler.endpoint()));
        return ferry.api().post("/subscriptions", json(("{'source':'kafka://local/%s','sink':'service://Sink/take',"
                + "'options':{'auto.offset.reset':'earliest','group.id':'%s'}}").formatted(TOPIC, GROUP))).body()
                .get("id").asString();
    }

    private static void send(Records records, int n) {
        records.send(TOPIC, null, "{\"n\":" + n + "}");
        records.flush();
    }

    /** The group's committed offset of the topic's one partition; 0 while none is committed. */
    private static long committed(Admin admin) throws Exception {
        Map<TopicPartition, OffsetAndMetadata> offsets = admin.listConsumerGroupOffsets(GROUP)
                .partitionsToOffsetAndMetadata().get();
        OffsetAndMetadata offset = offsets.get(PARTITION);
        return offset == null ? 0 : offset.offset();
    }

    /** Records the subscription's Kafka consumer has returned from its polls, by its own metric. */
    private static double consumed(FerryInstance ferry, String subscription) {
        return ferry.api().get("/actuator/prometheus").text().lines()
                .filter(line -> line.startsWith("kafka_consumer_fetch_manager_records_consumed_total{")
                        && line.contains("subscription=\"" + subscription + "\""))
                .mapToDouble(line -> Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1))).max().orElse(0);
    }

    private static int waitingInserts(FerryInstance ferry) throws SQLException {
        try (Connection connection = connect(ferry); Statement statement = connection.createStatement();
                ResultSet result = statement.executeQuery("select count(*) from pg_stat_activity where"
                        + " wait_event_type = 'Lock' and query ilike '%insert into invocations%'")) {
            result.next();
            return result.getInt(1);
        }
    }

    private static Connection connect(FerryInstance ferry) throws SQLException {
        EmbeddedDatabase database = TestInfrastructure.database();
        return DriverManager.getConnection(ferry.databaseUrl(), database.username(), database.password());
    }
}
