package dev.ferry.restate;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import com.google.protobuf.ByteString;
import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.datasource.DataSourceTransactionManager;
import org.springframework.jdbc.datasource.DriverManagerDataSource;
import org.springframework.transaction.support.TransactionTemplate;

import dev.ferry.dispatch.ObjectStates;
import dev.ferry.invocation.AttemptFence;
import dev.ferry.restate.JournalStore.AppendOutcome;
import dev.ferry.restate.wire.ServiceProtocol.CompletePromiseCommandMessage;
import dev.ferry.restate.wire.ServiceProtocol.CompletePromiseCompletionNotificationMessage;
import dev.ferry.restate.wire.ServiceProtocol.GetPromiseCommandMessage;
import dev.ferry.restate.wire.ServiceProtocol.GetPromiseCompletionNotificationMessage;
import dev.ferry.restate.wire.ServiceProtocol.NamedCommandMessage;
import dev.ferry.restate.wire.ServiceProtocol.PeekPromiseCompletionNotificationMessage;
import dev.ferry.restate.wire.ServiceProtocol.Value;
import dev.ferry.testsupport.EmbeddedDatabase;

/** The journal and object state tables against a real PostgreSQL, migrated by Flyway. */
class JournalStoreIT {

    private static final Instant NOW = Instant.parse("2026-05-01T10:00:00Z");

    private static EmbeddedDatabase database;
    private static JdbcTemplate jdbc;
    private static JournalStore journals;
    private static StateStore states;
    private static StateReads reads;
    private static int invocations;

    @BeforeAll
    static void migrate() {
        database = EmbeddedDatabase.forTests();
        String url = database.createDatabase("journal_store");
        DriverManagerDataSource dataSource = new DriverManagerDataSource(url, database.username(), database.password());
        Flyway.configure().dataSource(dataSource).locations("classpath:db/migration").load().migrate();
        jdbc = new JdbcTemplate(dataSource);
        TransactionTemplate transactions = new TransactionTemplate(new DataSourceTransactionManager(dataSource));
        states = new StateStore(jdbc);
        reads = new StateReads(jdbc);
        journals = new JournalStore(jdbc, transactions, states, Clock.fixed(NOW, ZoneOffset.UTC));
    }

    @AfterAll
    static void stop() {
        reads.close();
        database.close();
    }

    @Test
    void appendsEntriesInOrderAndAppliesStateChangesInOneGo() {
        String id = newInvocation();
        List<JournalEntry> entries = List.of(entry(0x0400, "in"), entry(0x0403, "set"), entry(0x0401, "out"));

        AppendOutcome outcome = journals.append(new JournalAppend(id, 0, entries, "Account", "alice", List.of(
                new StateChange.Set("balance", bytes("1")), new StateChange.Set("owner", bytes("\"alice\"")),
                new StateChange.Clear("owner"), new StateChange.Set("balance", bytes("2"))), false));

        assertThat(outcome).isEqualTo(AppendOutcome.APPENDED);
        assertThat(journals.load(id)).isEqualTo(entries);
        assertThat(journals.position(id)).contains(new JournalPosition(3, 0, NOW));
        assertThat(states.load("Account", "alice")).containsOnlyKeys("balance")
                .hasEntrySatisfying("balance",
                        value -> assertThat(new String(value, StandardCharsets.UTF_8)).isEqualTo("2"));
    }

    @Test
    void aStaleAttemptIsFencedOutAndWritesNothing() {
        String id = newInvocation();
        journals.append(new JournalAppend(id, 0, List.of(entry(0x0400, "")), "Account", "bob",
                List.of(new StateChange.Set("balance", bytes("1"))), false));

        AppendOutcome stale = journals.append(new JournalAppend(id, 0, List.of(entry(0x0400, ""), entry(0x0403, "")),
                "Account", "bob", List.of(new StateChange.Set("balance", bytes("99"))), false));

        assertThat(stale).isEqualTo(AppendOutcome.FENCED);
        assertThat(journals.load(id)).hasSize(1);
        assertThat(new String(states.load("Account", "bob").get("balance"), StandardCharsets.UTF_8)).isEqualTo("1");
    }

    @Test
    void ofTwoConcurrentAttemptsFromTheSameLengthExactlyOneIsStored() throws Exception {
        String id = newInvocation();
        Callable<AppendOutcome> attempt = () -> journals.append(new JournalAppend(id, 0, List.of(entry(0x0400, "")),
                "Counter", "c", List.of(new StateChange.Set("n", bytes("1"))), false));
        try (ExecutorService pool = Executors.newFixedThreadPool(2)) {
            Future<AppendOutcome> one = pool.submit(attempt);
            Future<AppendOutcome> two = pool.submit(attempt);
            assertThat(List.of(one.get(), two.get()))
                    .containsExactlyInAnyOrder(AppendOutcome.APPENDED, AppendOutcome.FENCED);
        }
        assertThat(journals.position(id).orElseThrow().length()).isEqualTo(1);
    }

    @Test
    void envelopeChangesOfManyAttemptsApplyOnlyForAttemptsThatStillRunAndEachObjectInOrder() {
        EnvelopeStates envelopes = new EnvelopeStates(states, reads, new AttemptFence(jdbc),
                Clock.fixed(NOW, ZoneOffset.UTC));
        String first = newInvocation();
        String again = newInvocation();
        String stale = newInvocation();
        String done = newInvocation();
        jdbc.update("update invocations set attempts = 2 where id = ?", stale);
        jdbc.update("update invocations set status = 'completed' where id = ?", done);
        ObjectStates.Changes clearAll = new ObjectStates.Changes(true, List.of(), Map.of("n", bytes("7")));

        Set<String> superseded = envelopes.applyFenced(List.of(
                new ObjectStates.Fenced(first, 1, "Tally", "grace", changes("n", "1")),
                new ObjectStates.Fenced(stale, 1, "Tally", "heidi", changes("n", "9")),
                new ObjectStates.Fenced(again, 1, "Tally", "grace", clearAll),
                new ObjectStates.Fenced(done, 1, "Tally", "ivan", changes("n", "9")),
                new ObjectStates.Fenced(first, 1, "Tally", "judy", changes("m", "2"))));

        assertThat(superseded).containsExactlyInAnyOrder(stale, done);
        assertThat(new String(states.load("Tally", "grace").get("n"), StandardCharsets.UTF_8)).isEqualTo("7");
        assertThat(new String(states.load("Tally", "judy").get("m"), StandardCharsets.UTF_8)).isEqualTo("2");
        assertThat(states.load("Tally", "heidi")).isEmpty();
        assertThat(states.load("Tally", "ivan")).isEmpty();
    }

    @Test
    void statesAskedForTogetherAreReadTogetherAndEachReaderGetsItsObjectsState() {
        for (int i = 0; i < 50; i++) {
            states.apply("Reads", "k" + i, List.of(new StateChange.Set("n", bytes(Integer.toString(i))),
                    new StateChange.Set("a", bytes("\"x\""))), NOW);
        }
        List<CompletableFuture<Map<String, byte[]>>> asked = new ArrayList<>();
        for (int i = 0; i < 60; i++) {
            asked.add(reads.load("Reads", "k" + (i % 55)));
        }

        for (int i = 0; i < 60; i++) {
            Map<String, byte[]> state = asked.get(i).join();
            if (i % 55 >= 50) {
                assertThat(state).isEmpty();
            } else {
                assertThat(state.keySet()).containsExactly("a", "n");
                assertThat(new String(state.get("n"), StandardCharsets.UTF_8)).isEqualTo(Integer.toString(i % 55));
            }
        }
        assertThat(asked.get(0).join()).isNotSameAs(asked.get(55).join());
    }

    private static ObjectStates.Changes changes(String name, String json) {
        return new ObjectStates.Changes(false, List.of(), Map.of(name, bytes(json)));
    }

    @Test
    void anAttemptWhoseInvocationWasClaimedAgainOrKilledMeanwhileWritesNothing() {
        String takenOver = newInvocation();
        String killed = newInvocation();
        jdbc.update("update invocations set attempts = attempts + 1 where id = ?", takenOver);
        jdbc.update("update invocations set status = 'completed' where id = ?", killed);

        for (String id : List.of(takenOver, killed)) {
            AppendOutcome stale = journals.append(new JournalAppend(id, 0, List.of(entry(0x0400, "")), "Account",
                    id, List.of(new StateChange.Set("balance", bytes("1"))), false, 1));

            assertThat(stale).isEqualTo(AppendOutcome.FENCED);
            assertThat(journals.load(id)).isEmpty();
            assertThat(states.load("Account", id)).isEmpty();
        }
    }

    @Test
    void appendsOfManyAttemptsAreWrittenTogetherEachFencedOnItsOwn() {
        String first = newInvocation();
        String second = newInvocation();
        String stale = newInvocation();
        jdbc.update("update invocations set attempts = 2 where id = ?", stale);
        JournalAppend clearing = new JournalAppend(second, 1, List.of(entry(0x0404, "")), "Account", "erin",
                List.of(new StateChange.Clear("a"), new StateChange.Set("b", bytes("3"))), false, 1);
        JournalAppend fenced = new JournalAppend(stale, 0, List.of(entry(0x0400, "")), "Account", "frank",
                List.of(new StateChange.Set("a", bytes("9"))), false, 1);

        List<JournalAppend> out = journals.appendAll(List.of(
                new JournalAppend(first, 0, List.of(entry(0x0400, ""), entry(0x0403, "")), "Account", "frank",
                        List.of(new StateChange.Set("a", bytes("1")), new StateChange.Set("a", bytes("2"))), false, 1),
                new JournalAppend(second, 0, List.of(entry(0x0400, "")), "Account", "erin",
                        List.of(new StateChange.Set("a", bytes("1"))), false, 1),
                clearing, fenced));

        assertThat(out).containsExactly(fenced);
        assertThat(journals.load(first)).hasSize(2);
        assertThat(journals.load(second)).hasSize(2);
        assertThat(journals.load(stale)).isEmpty();
        assertThat(new String(states.load("Account", "frank").get("a"), StandardCharsets.UTF_8)).isEqualTo("2");
        assertThat(states.load("Account", "erin")).containsOnlyKeys("b");
    }

    @Test
    void countsFailedAttemptsSinceTheJournalLastGrew() {
        String id = newInvocation();
        journals.append(new JournalAppend(id, 0, List.of(), "S", "", List.of(), true));
        journals.append(new JournalAppend(id, 0, List.of(), "S", "", List.of(), true));
        assertThat(journals.position(id)).contains(new JournalPosition(0, 2, null));

        journals.append(new JournalAppend(id, 0, List.of(entry(0x0400, "")), "S", "", List.of(), true));
        JournalPosition position = journals.position(id).orElseThrow();
        assertThat(position).isEqualTo(new JournalPosition(1, 1, NOW));
        assertThat(position.retryInfo(NOW.plusSeconds(3)))
                .isEqualTo(new AttemptRequest.RetryInfo(1, Duration.ofSeconds(3)));
    }

    @Test
    void clearAllRemovesOnlyThatObjectsState() {
        String id = newInvocation();
        journals.append(new JournalAppend(id, 0, List.of(entry(0x0400, "")), "Account", "carol",
                List.of(new StateChange.Set("a", bytes("1")), new StateChange.Set("b", bytes("2"))), false));
        journals.append(new JournalAppend(newInvocation(), 0, List.of(entry(0x0400, "")), "Account", "dave",
                List.of(new StateChange.Set("a", bytes("1"))), false));

        journals.append(new JournalAppend(id, 1, List.of(entry(0x0405, "")), "Account", "carol",
                List.of(new StateChange.ClearAll()), false));

        assertThat(states.load("Account", "carol")).isEmpty();
        assertThat(states.load("Account", "dave")).containsOnlyKeys("a");
    }

    @Test
    void anAppendIsOneRowThatLoadsBackAsItsEntriesInOrder() {
        String id = newInvocation();
        List<JournalEntry> first = List.of(entry(0x0400, "in"), entry(0x0402, "get"), entry(0x0403, "set"));
        List<JournalEntry> second = List.of(entry(0x0401, "out"));
        journals.append(new JournalAppend(id, 0, first, "Account", "erin", List.of(), false));
        journals.append(new JournalAppend(id, 0, List.of(entry(0x0400, "stale")), "Account", "erin", List.of(),
                false));
        journals.append(new JournalAppend(id, 3, second, "Account", "erin", List.of(), false));

        assertThat(jdbc.queryForList("select first_index, entry_count from journal_segments where invocation_id = ?"
                + " order by first_index", id)).containsExactly(Map.of("first_index", 0, "entry_count", 3),
                        Map.of("first_index", 3, "entry_count", 1));
        List<JournalEntry> all = new ArrayList<>(first);
        all.addAll(second);
        assertThat(journals.load(id)).containsExactlyElementsOf(all);
    }

    @Test
    void aResolvedPromiseWakesItsWaiterInTheSameTransactionAndASecondCompletionFailsWith409() throws Exception {
        String run = newInvocation();
        String shared = newInvocation();
        journals.append(new JournalAppend(run, 0, List.of(entry(0x0400, ""), promiseCommand(0x0409, "approval", 1)),
                "Signup", "ada", List.of(), false));
        jdbc.update("update invocations set status = 'suspended' where id = ?", run);
        assertThat(owed(run)).as("nothing to give before the promise completes").isEmpty();

        journals.append(new JournalAppend(shared, 0, List.of(entry(0x0400, ""), complete("approval", "\"yes\"", 1),
                complete("approval", "\"again\"", 2), promiseCommand(0x040A, "approval", 3)), "Signup", "ada",
                List.of(), false));

        assertThat(jdbc.queryForObject("select status from invocations where id = ?", String.class, run))
                .isEqualTo("ready");
        GetPromiseCompletionNotificationMessage got = GetPromiseCompletionNotificationMessage.parseFrom(
                owed(run).getFirst().toFrame().body());
        assertThat(got.getCompletionId()).isEqualTo(1);
        assertThat(got.getValue().getContent().toStringUtf8()).isEqualTo("\"yes\"");
        List<JournalEntry> answers = owed(shared);
        assertThat(answers).extracting(JournalEntry::typeName).containsExactly(
                "CompletePromiseCompletionNotification", "CompletePromiseCompletionNotification",
                "PeekPromiseCompletionNotification");
        assertThat(CompletePromiseCompletionNotificationMessage.parseFrom(answers.get(0).toFrame().body()).hasVoid())
                .isTrue();
        CompletePromiseCompletionNotificationMessage twice = CompletePromiseCompletionNotificationMessage.parseFrom(
                answers.get(1).toFrame().body());
        assertThat(twice.getFailure().getCode()).isEqualTo(409);
        assertThat(twice.getFailure().getMessage()).isEqualTo("promise was already completed");
        assertThat(PeekPromiseCompletionNotificationMessage.parseFrom(answers.get(2).toFrame().body()).getValue()
                .getContent().toStringUtf8()).isEqualTo("\"yes\"");
        assertThat(jdbc.queryForObject("select count(*) from workflow_promise_waiters", Integer.class)).isZero();
    }

    private static List<JournalEntry> owed(String invocationId) {
        return jdbc.query("select frame from invocation_completions where invocation_id = ? order by seq",
                (row, n) -> JournalEntry.ofStored(row.getBytes(1)), invocationId);
    }

    private static JournalEntry promiseCommand(int type, String name, int completionId) {
        return JournalEntry.of(Frame.of(type, GetPromiseCommandMessage.newBuilder().setKey(name)
                .setResultCompletionId(completionId).build().toByteArray()));
    }

    private static JournalEntry complete(String name, String value, int completionId) {
        return JournalEntry.of(Frame.of(0x040B, CompletePromiseCommandMessage.newBuilder().setKey(name)
                .setCompletionValue(Value.newBuilder().setContent(ByteString.copyFromUtf8(value)))
                .setResultCompletionId(completionId).build().toByteArray()));
    }

    private static String newInvocation() {
        String id = "inv_test" + (++invocations);
        jdbc.update("""
                insert into invocations (id, service, handler, status, attempts, created_at, modified_at)
                values (?, 'Account', 'deposit', 'running', 1, ?, ?)""", id, Timestamp.from(NOW), Timestamp.from(NOW));
        return id;
    }

    private static JournalEntry entry(int type, String name) {
        byte[] body = NamedCommandMessage.newBuilder().setName(name).build().toByteArray();
        return JournalEntry.of(Frame.of(type, body));
    }

    private static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }
}
