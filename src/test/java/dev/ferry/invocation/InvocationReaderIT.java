package dev.ferry.invocation;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.json.JsonMapper;

import dev.ferry.testsupport.MigratedDatabase;

/** What the read side shows of a stored record, read back through the same header codec the store wrote with. */
class InvocationReaderIT {

    private static InvocationStore store;
    private static InvocationReader reader;

    @BeforeAll
    static void migrate() {
        MigratedDatabase database = MigratedDatabase.create("invocation_reader");
        JsonMapper json = JsonMapper.builder().build();
        store = new InvocationStore(database.jdbc(), database.transactions(), json, event -> {
        }, Clock.systemUTC());
        reader = new InvocationReader(database.jdbc(), json, List.of());
    }

    @Test
    void showsEveryRecordHeaderInOrderIncludingOneWithoutAValue() {
        List<RecordHeader> headers = List.of(new RecordHeader("trace", "t-1".getBytes(StandardCharsets.UTF_8)),
                new RecordHeader("tombstone", null), new RecordHeader("raw", new byte[] {(byte) 0xff}),
                new RecordHeader("trace", "t-2".getBytes(StandardCharsets.UTF_8)));
        NewInvocation invocation = NewInvocation.runnable("inv_reader_1", "Greeter", "greet", null,
                "{}".getBytes(StandardCharsets.UTF_8), headers,
                new KafkaOrigin("sub_reader", "greetings", 0, 1, Instant.now(), null));
        store.enqueue(List.of(invocation), "owner", 0, Duration.ofMinutes(1));

        InvocationDetails details = reader.details(invocation.id());

        assertThat(details.headers()).containsExactly(new InvocationDetails.Header("trace", "t-1", null),
                new InvocationDetails.Header("tombstone", null, null),
                new InvocationDetails.Header("raw", null, "/w=="),
                new InvocationDetails.Header("trace", "t-2", null));
    }
}
