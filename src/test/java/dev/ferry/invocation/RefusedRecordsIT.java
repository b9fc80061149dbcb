package dev.ferry.invocation;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.stream.Collectors;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.json.JsonMapper;

import dev.ferry.testsupport.MigratedDatabase;

/**
 * Records PostgreSQL refuses never stall their batch: each is stored as a failed {@code invalid-record}
 * invocation with the database's reason, every other record of the batch is stored as it is, and record
 * timestamps PostgreSQL cannot hold are kept as raw milliseconds.
 */
class RefusedRecordsIT {

    private static MigratedDatabase database;
    private static InvocationStore store;
    private static FailedRecords failedRecords;
    private static int offset;

    @BeforeAll
    static void migrate() {
        database = MigratedDatabase.create("refused_records");
        store = new InvocationStore(database.jdbc(), database.transactions(), JsonMapper.builder().build(),
                event -> {
                }, Clock.systemUTC());
        failedRecords = new FailedRecords(database.jdbc(), database.transactions(), JsonMapper.builder().build(),
                Clock.systemUTC());
    }

    @Test
    void storesEachRecordTheDatabaseRefusesAsAFailedInvocationAndEveryOtherAsItIs() {
        List<NewInvocation> batch = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            batch.add(exclusive("good-" + i, "{}"));
        }
        NewInvocation nul = exclusive("a\0b", "{}");
        NewInvocation huge = exclusive(incompressible(3000), "{}");
        batch.add(3, nul);
        batch.add(15, huge);

        store.enqueue(batch, "owner", 0, Duration.ofMinutes(1));

        Map<String, Map<String, Object>> rows = rows(batch);
        assertThat(rows).hasSize(22);
        assertThat(rows.get(nul.id())).containsEntry("status", "completed").containsEntry("completion", "failure")
                .containsEntry("failure_reason", "invalid-record").containsEntry("object_key", null);
        assertThat((String) rows.get(nul.id()).get("last_failure")).contains("0x00");
        assertThat((String) rows.get(huge.id()).get("last_failure")).contains("index row size");
        batch.stream().filter(row -> row != nul && row != huge).forEach(row ->
                assertThat(rows.get(row.id())).as(row.objectKey()).containsEntry("failure_reason", null)
                        .containsEntry("object_key", row.objectKey()));
        assertThat(rows.get(nul.id()).get("kafka_offset")).isEqualTo(nul.origin().offset());
    }

    @Test
    void keepsTheRawRecordKeyAndValueOfARefusedRecordForItsDeadLetter() {
        NewInvocation nul = exclusive("x\0y", "{\"n\":1}").withDeadLetter(new NewInvocation.DeadLetter("c", "dlq"));

        store.enqueue(List.of(nul), "owner", 0, Duration.ofMinutes(1));

        List<FailedRecord> published = new ArrayList<>();
        failedRecords.publish(10, failed -> {
            published.addAll(failed);
            return failed.stream().map(FailedRecord::invocationId).toList();
        });
        assertThat(published).singleElement().satisfies(failed -> {
            assertThat(failed.failureReason()).isEqualTo("invalid-record");
            assertThat(failed.origin().key()).isEqualTo("x\0y".getBytes(StandardCharsets.UTF_8));
            assertThat(failed.value()).isEqualTo("{\"n\":1}".getBytes(StandardCharsets.UTF_8));
        });
    }

    @Test
    void keepsRecordTimestampsPostgresCannotHoldAsRawMillisecondsForTheHandler() {
        long[] timestamps = {0, 1_700_000_000_000L, 253_402_300_799_999L, 253_402_300_800_000L, Long.MAX_VALUE,
                Long.MIN_VALUE, -5, -62_135_596_800_001L};
        List<NewInvocation> batch = new ArrayList<>();
        for (long timestamp : timestamps) {
            batch.add(NewInvocation.runnable(next(), "Clock", "tick", null, null, List.of(),
                    origin(Instant.ofEpochMilli(timestamp), null)));
        }

        store.enqueue(batch, "owner", 0, Duration.ofMinutes(1));

        Set<String> ids = batch.stream().map(NewInvocation::id).collect(Collectors.toSet());
        Map<String, Instant> claimed = store.claim("owner", 100, Duration.ofMinutes(1), Set.of()).stream()
                .filter(invocation -> ids.contains(invocation.id()))
                .collect(Collectors.toMap(ClaimedInvocation::id, invocation -> invocation.origin().timestamp()));
        for (int i = 0; i < timestamps.length; i++) {
            assertThat(claimed.get(batch.get(i).id())).as("timestamp %d", timestamps[i])
                    .isEqualTo(Instant.ofEpochMilli(timestamps[i]));
        }
        assertThat(database.jdbc().queryForObject("select count(*) from invocations where id = any(?::text[])"
                + " and kafka_timestamp is null and kafka_timestamp_millis is not null", Long.class,
                (Object) ids.toArray(String[]::new))).isEqualTo(5);
    }

    private Map<String, Map<String, Object>> rows(List<NewInvocation> batch) {
        return database.jdbc().queryForList("""
                select id, status, completion, failure_reason, last_failure, object_key, kafka_offset
                  from invocations where id = any(?::text[])""", (Object) batch.stream().map(NewInvocation::id)
                .toArray(String[]::new)).stream()
                .collect(Collectors.toMap(row -> (String) row.get("id"), row -> row));
    }

    private static NewInvocation exclusive(String key, String value) {
        return NewInvocation.exclusive(next(), "Account", "deposit", key, value.getBytes(StandardCharsets.UTF_8),
                List.of(new RecordHeader("trace", new byte[] {1, 2})), origin(Instant.now(),
                        key.getBytes(StandardCharsets.UTF_8)));
    }

    /** Text that PostgreSQL cannot compress below the size of an index entry. */
    private static String incompressible(int length) {
        Random random = new Random(42);
        StringBuilder text = new StringBuilder(length);
        while (text.length() < length) {
            text.append((char) ('!' + random.nextInt(94)));
        }
        return text.toString();
    }

    private static KafkaOrigin origin(Instant timestamp, byte[] key) {
        return new KafkaOrigin("sub_refused", "accounts", 0, offset, timestamp, key);
    }

    private static String next() {
        offset++;
        return "inv_refused_" + offset;
    }
}
