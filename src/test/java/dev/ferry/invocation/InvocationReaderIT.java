package dev.ferry.invocation;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Set;

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

    @Test
    void listsOneTargetsCompletedAndUnfinishedInvocationsTogether() {
        NewInvocation done = NewInvocation.runnable("inv_reader_done", "Ledger", "add", "acct-1",
                "1".getBytes(StandardCharsets.UTF_8), List.of(), at(1));
        NewInvocation waiting = NewInvocation.runnable("inv_reader_waiting", "Ledger", "add", "acct-1",
                "2".getBytes(StandardCharsets.UTF_8), List.of(), at(2));
        NewInvocation otherKey = NewInvocation.runnable("inv_reader_other", "Ledger", "add", "acct-2",
                "3".getBytes(StandardCharsets.UTF_8), List.of(), at(3));
        store.enqueue(List.of(done), "owner", 1, Duration.ofMinutes(1));
        store.record("owner", List.of(new Outcome.Succeeded(done.id(), new byte[0], null)), Set.of(),
                Duration.ofMinutes(1), 0);
        store.enqueue(List.of(waiting, otherKey), "owner", 0, Duration.ofMinutes(1));
        InvocationQuery byKey = new InvocationQuery(null, "Ledger", "add", "acct-1", null, null, null, null, null,
                true, 10);

        assertThat(reader.list(byKey).invocations()).extracting(InvocationView::id)
                .containsExactly(done.id(), waiting.id());
        assertThat(reader.countByStatus(byKey)).containsEntry("completed", 1L).containsEntry("ready", 1L)
                .containsEntry("running", 0L);
    }

    private static KafkaOrigin at(long offset) {
        return new KafkaOrigin("sub_reader", "accounts", 0, offset, Instant.now(), null);
    }
}
