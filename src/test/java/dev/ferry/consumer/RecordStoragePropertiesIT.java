package dev.ferry.consumer;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.lifecycle.BeforeContainer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.record.TimestampType;
import tools.jackson.databind.json.JsonMapper;

import dev.ferry.invocation.InvocationStore;
import dev.ferry.invocation.KafkaOrigin;
import dev.ferry.invocation.NewInvocation;
import dev.ferry.service.HandlerTarget;
import dev.ferry.testsupport.MigratedDatabase;

/**
 * Whatever a poll holds, every record in it ends as exactly one stored invocation against the real PostgreSQL,
 * and every one that failed is completed. Some invocations skip the converter's checks (an object key with NUL,
 * or one over the index limit) to stand for failures nobody foresaw: the store must isolate those as well.
 */
class RecordStoragePropertiesIT {

    private static final AtomicInteger polls = new AtomicInteger();
    private static MigratedDatabase database;
    private static InvocationStore store;

    private final RecordConverter converter = new RecordConverter(JsonMapper.builder().build(),
            () -> "inv_" + UUID.randomUUID());

    @BeforeContainer
    static void migrate() {
        database = MigratedDatabase.create("record_storage");
        store = new InvocationStore(database.jdbc(), database.transactions(), JsonMapper.builder().build(),
                event -> {
                }, Clock.systemUTC());
    }

    @Property(tries = 60)
    void storesEveryRecordOfAPollAsExactlyOneInvocation(@ForAll("polls") List<ConsumerRecord<byte[], byte[]>> poll,
            @ForAll("targets") HandlerTarget target, @ForAll("unforeseen") List<Integer> bypassed, @ForAll int budget) {
        String subscription = "sub_" + polls.incrementAndGet();
        List<NewInvocation> invocations = new ArrayList<>();
        for (int i = 0; i < poll.size(); i++) {
            NewInvocation converted = converter.convert(subscription, target, poll.get(i));
            invocations.add(bypassed.contains(i) ? unchecked(converted, i) : converted);
        }

        store.enqueue(invocations, "owner", Math.floorMod(budget, 5), Duration.ofMinutes(1));
        store.enqueue(invocations, "owner", 0, Duration.ofMinutes(1));

        List<Map<String, Object>> rows = database.jdbc().queryForList("""
                select kafka_offset, status, completion from invocations where subscription_id = ?
                 order by kafka_offset""", subscription);
        assertThat(rows).extracting(row -> ((Number) row.get("kafka_offset")).longValue())
                .containsExactlyElementsOf(poll.stream().map(ConsumerRecord::offset).toList());
        rows.stream().filter(row -> "failure".equals(row.get("completion")))
                .forEach(row -> assertThat(row.get("status")).isEqualTo("completed"));
    }

    /** The invocation with an object key PostgreSQL refuses, as if the converter had let it through. */
    private static NewInvocation unchecked(NewInvocation invocation, int i) {
        String key = i % 2 == 0 ? "bad\0key" : RecordArbitraries.incompressible(3000);
        KafkaOrigin origin = invocation.origin();
        return NewInvocation.exclusive(invocation.id(), "Account", "deposit", key, invocation.input(),
                invocation.headers(), origin);
    }

    @Provide
    Arbitrary<List<ConsumerRecord<byte[], byte[]>>> polls() {
        Arbitrary<ConsumerRecord<byte[], byte[]>> record = Combinators.combine(RecordArbitraries.keys(),
                RecordArbitraries.values(), RecordArbitraries.headers(), RecordArbitraries.timestamps())
                .as((key, value, headers, timestamp) -> {
                    RecordHeaders recordHeaders = new RecordHeaders();
                    headers.forEach(header -> recordHeaders.add(header.name(), header.value()));
                    return new ConsumerRecord<>("t", 0, 0L, timestamp, TimestampType.CREATE_TIME, 0, 0, key, value,
                            recordHeaders, Optional.empty());
                });
        return record.list().ofMinSize(1).ofMaxSize(12).map(RecordStoragePropertiesIT::numbered);
    }

    /** The records with consecutive offsets, as one partition's poll has them. */
    private static List<ConsumerRecord<byte[], byte[]>> numbered(List<ConsumerRecord<byte[], byte[]>> records) {
        List<ConsumerRecord<byte[], byte[]>> numbered = new ArrayList<>(records.size());
        for (int i = 0; i < records.size(); i++) {
            ConsumerRecord<byte[], byte[]> record = records.get(i);
            numbered.add(new ConsumerRecord<>("t", 0, 100L + i, record.timestamp(), TimestampType.CREATE_TIME, 0, 0,
                    record.key(), record.value(), record.headers(), Optional.empty()));
        }
        return numbered;
    }

    @Provide
    Arbitrary<HandlerTarget> targets() {
        return new RecordConverterPropertiesTest().targets();
    }

    @Provide
    Arbitrary<List<Integer>> unforeseen() {
        return Arbitraries.oneOf(Arbitraries.just(List.of()),
                Arbitraries.integers().between(0, 11).list().ofMaxSize(3));
    }
}
