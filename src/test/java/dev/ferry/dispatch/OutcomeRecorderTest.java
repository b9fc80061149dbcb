package dev.ferry.dispatch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import java.util.stream.IntStream;

import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;
import org.junit.jupiter.api.Test;
import org.springframework.dao.DataIntegrityViolationException;
import org.springframework.jdbc.CannotGetJdbcConnectionException;

import dev.ferry.invocation.DatabaseFailure;
import dev.ferry.invocation.InvocationStore;
import dev.ferry.invocation.Outcome;

/**
 * How outcomes get written when the database refuses some: a refused row is isolated and paused, the rest
 * is written at once; an unreachable database keeps the batch until it answers again.
 */
class OutcomeRecorderTest {

    /** An in-memory invocation table that refuses outcomes whose failure text says BAD, as PostgreSQL refuses NUL. */
    static final class Table implements OutcomeRecorder.Store {

        final Map<String, Outcome> stored = new ConcurrentHashMap<>();
        final AtomicInteger statements = new AtomicInteger();
        final AtomicInteger unreachableFor = new AtomicInteger();
        /** Fenced successes whose journal grew meanwhile, as the completion statement would find them. */
        final Set<String> grown = ConcurrentHashMap.newKeySet();

        @Override
        public InvocationStore.Recorded record(String owner, List<Outcome> outcomes, Set<String> releasedKeys,
                Duration lease, int budget) {
            statements.incrementAndGet();
            if (unreachableFor.getAndUpdate(left -> Math.max(0, left - 1)) > 0) {
                throw new CannotGetJdbcConnectionException("Failed to obtain JDBC Connection",
                        new SQLException("Connection to 127.0.0.1:5432 refused", "08001"));
            }
            for (Outcome outcome : outcomes) {
                if (outcome instanceof Outcome.Retrying retrying && retrying.failure().contains("BAD")) {
                    throw new DataIntegrityViolationException("PreparedStatementCallback; bad SQL",
                            new SQLException("ERROR: invalid byte sequence for encoding \"UTF8\": 0x00", "22021"));
                }
            }
            Set<String> superseded = new HashSet<>();
            for (Outcome outcome : outcomes) {
                if (outcome instanceof Outcome.Succeeded success && success.fence() != null
                        && grown.contains(success.id())) {
                    superseded.add(success.id());
                    outcome = new Outcome.Retrying(success.id(), Instant.now(), success.fence().superseded());
                }
                Outcome written = outcome;
                stored.merge(written.id(), written, (was, now) -> {
                    throw new AssertionError("written twice: " + written.id());
                });
            }
            return new InvocationStore.Recorded(List.of(), superseded);
        }
    }

    @Test
    void writesTheOthersAtOnceAndPausesTheOutcomeTheDatabaseRefuses() throws Exception {
        Table table = new Table();
        OutcomeRecorder recorder = recorder(table, Duration.ofSeconds(30));
        List<Outcome> outcomes = outcomes(100, Set.of(7, 50, 93));
        outcomes.forEach(outcome -> recorder.add(outcome, null, List.of()));
        recorder.start();

        await().atMost(Duration.ofSeconds(10)).until(() -> table.stored.size() == 100);
        recorder.stop(Duration.ofSeconds(5));

        assertThat(table.stored.values()).filteredOn(Outcome.Paused.class::isInstance)
                .extracting(Outcome::id).containsExactlyInAnyOrder("inv-7", "inv-50", "inv-93");
        assertThat(((Outcome.Paused) table.stored.get("inv-50")).failure())
                .contains("invalid byte sequence").contains("22021").contains("resume");
        assertThat(table.stored.values()).filteredOn(Outcome.Retrying.class::isInstance).hasSize(97);
        assertThat(recorder.failing()).isNull();
        System.out.printf("OutcomeRecorderTest: 100 outcomes with 3 refused took %d statements%n",
                table.statements.get());
        assertThat(table.statements.get()).isLessThan(60);
    }

    @Test
    void keepsTheBatchWhileTheDatabaseCannotBeReachedAndSaysSinceWhen() throws Exception {
        Table table = new Table();
        table.unreachableFor.set(Integer.MAX_VALUE);
        OutcomeRecorder recorder = recorder(table, Duration.ZERO);
        outcomes(10, Set.of()).forEach(outcome -> recorder.add(outcome, null, List.of()));
        recorder.start();

        await().atMost(Duration.ofSeconds(10)).until(() -> table.statements.get() >= 3);
        OutcomeRecorder.Failing failing = recorder.failing();
        assertThat(failing).isNotNull();
        assertThat(failing.error()).contains("refused").contains("08001");
        assertThat(table.stored).isEmpty();

        table.unreachableFor.set(0);
        await().atMost(Duration.ofSeconds(15)).until(() -> table.stored.size() == 10);
        assertThat(table.stored.values()).allMatch(Outcome.Retrying.class::isInstance);
        await().atMost(Duration.ofSeconds(5)).until(() -> recorder.failing() == null);
        recorder.stop(Duration.ofSeconds(5));
    }

    @Test
    void writesAnAttemptsDurableEffectsInTheTransactionOfItsOutcome() throws Exception {
        Table table = new Table();
        List<String> events = new CopyOnWriteArrayList<>();
        OutcomeRecorder recorder = new OutcomeRecorder((owner, outcomes, keys, lease, budget) -> {
            events.add("record " + outcomes.stream().map(Outcome::id).toList());
            return table.record(owner, outcomes, keys, lease, budget);
        }, "test-owner", () -> Duration.ofSeconds(30), wanted -> 0,
                (written, successors, reserved) -> {
        }, Clock.systemUTC(), Duration.ofSeconds(30), new OutcomeRecorder.Transactions() {
            @Override
            public <T> T inTransaction(Supplier<T> work) {
                events.add("begin");
                T result = work.get();
                events.add("commit");
                return result;
            }
        });
        List<Outcome> outcomes = outcomes(2, Set.of());
        recorder.add(outcomes.get(0), null, List.of(() -> events.add("effect of inv-0")));
        recorder.add(outcomes.get(1), null, List.of());
        recorder.start();

        await().atMost(Duration.ofSeconds(10)).until(() -> table.stored.size() == 2);
        recorder.stop(Duration.ofSeconds(5));

        assertThat(events).containsExactly("begin", "effect of inv-0", "record [inv-0, inv-1]", "commit");
    }

    @Test
    void writesOutcomesWithoutEffectsWithoutATransactionOfItsOwn() throws Exception {
        Table table = new Table();
        OutcomeRecorder recorder = new OutcomeRecorder(table, "test-owner", () -> Duration.ofSeconds(30), wanted -> 0,
                (written, successors, reserved) -> {
                }, Clock.systemUTC(), Duration.ofSeconds(30), new OutcomeRecorder.Transactions() {
                    @Override
                    public <T> T inTransaction(Supplier<T> work) {
                        throw new AssertionError("no transaction wanted for outcomes without effects");
                    }
                });
        outcomes(3, Set.of()).forEach(outcome -> recorder.add(outcome, null, List.of()));
        recorder.start();

        await().atMost(Duration.ofSeconds(10)).until(() -> table.stored.size() == 3);
        recorder.stop(Duration.ofSeconds(5));
        assertThat(table.stored.values()).allMatch(Outcome.Retrying.class::isInstance);
    }

    @Property(tries = 60)
    void everyOutcomeIsWrittenOnceAndNoRefusedOneHoldsTheOthers(
            @ForAll @IntRange(min = 1, max = 300) int count,
            @ForAll @Size(max = 20) Set<@IntRange(min = 0, max = 299) Integer> refused,
            @ForAll @IntRange(min = 0, max = 3) int outages) throws Exception {
        Table table = new Table();
        table.unreachableFor.set(outages);
        OutcomeRecorder recorder = recorder(table, Duration.ofSeconds(30));
        List<Outcome> outcomes = outcomes(count, refused);
        outcomes.forEach(outcome -> recorder.add(outcome, null, List.of()));
        recorder.start();

        await().atMost(Duration.ofSeconds(20)).until(() -> table.stored.size() == count);
        recorder.stop(Duration.ofSeconds(5));

        assertThat(recorder.backlog()).isZero();
        for (int i = 0; i < count; i++) {
            assertThat(table.stored.get("inv-" + i)).isInstanceOf(refused.contains(i) ? Outcome.Paused.class
                    : Outcome.Retrying.class);
        }
    }

    @Test
    void recordsARetryAtOnceReleasingNothingInPlaceOfASupersededOutcome() {
        Table table = new Table();
        List<Set<String>> released = new CopyOnWriteArrayList<>();
        OutcomeRecorder.Store store = (owner, outcomes, keys, lease, budget) -> {
            released.add(keys);
            return table.record(owner, outcomes, keys, lease, budget);
        };
        OutcomeRecorder recorder = new OutcomeRecorder(store, "test-owner", () -> Duration.ofSeconds(30), wanted -> 0,
                (written, successors, reserved) -> {
                }, Clock.systemUTC(), Duration.ofMinutes(1), OutcomeRecorderTest::inTransaction);
        AtomicInteger effects = new AtomicInteger();
        List<OutcomeRecorder.Pending> batch = new ArrayList<>(List.of(
                new OutcomeRecorder.Pending(new Outcome.Succeeded("inv-kept", new byte[0], null), "Account/a",
                        List.of(effects::incrementAndGet)),
                new OutcomeRecorder.Pending(new Outcome.Succeeded("inv-stale", new byte[0], null), "Account/b",
                        List.of(() -> {
                            throw new OutcomeSuperseded("the journal grew");
                        }))));

        recorder.writeIsolating(batch);

        assertThat(batch).isEmpty();
        assertThat(effects).hasValue(1);
        assertThat(table.stored.get("inv-kept")).isInstanceOf(Outcome.Succeeded.class);
        assertThat(table.stored.get("inv-stale")).isInstanceOfSatisfying(Outcome.Retrying.class, retrying ->
                assertThat(retrying.failure()).isEqualTo("the journal grew"));
        assertThat(released).containsExactly(Set.of("Account/a"));
    }

    @Test
    void writesTheEffectsOfOneBatchTogetherAndRetriesThoseItFindsSuperseded() {
        Table table = new Table();
        OutcomeRecorder recorder = new OutcomeRecorder(table, "test-owner", () -> Duration.ofSeconds(30), wanted -> 0,
                (written, successors, reserved) -> {
                }, Clock.systemUTC(), Duration.ofMinutes(1), OutcomeRecorderTest::inTransaction);
        List<List<DurableEffect>> calls = new CopyOnWriteArrayList<>();
        DurableEffect.Batch journals = effects -> {
            calls.add(List.copyOf(effects));
            return Map.of(effects.getLast(), "the journal grew");
        };
        AtomicInteger alone = new AtomicInteger();
        List<OutcomeRecorder.Pending> batch = new ArrayList<>();
        for (String id : List.of("inv-1", "inv-2", "inv-stale")) {
            batch.add(new OutcomeRecorder.Pending(new Outcome.Succeeded(id, new byte[0], null), null,
                    List.of(batched(journals))));
        }
        batch.add(new OutcomeRecorder.Pending(new Outcome.Succeeded("inv-alone", new byte[0], null), null,
                List.of(alone::incrementAndGet)));

        recorder.writeIsolating(batch);

        assertThat(batch).isEmpty();
        assertThat(calls).hasSize(1);
        assertThat(calls.getFirst()).hasSize(3);
        assertThat(alone).hasValue(1);
        assertThat(table.stored.get("inv-2")).isInstanceOf(Outcome.Succeeded.class);
        assertThat(table.stored.get("inv-alone")).isInstanceOf(Outcome.Succeeded.class);
        assertThat(table.stored.get("inv-stale")).isInstanceOfSatisfying(Outcome.Retrying.class, retrying ->
                assertThat(retrying.failure()).isEqualTo("the journal grew"));
    }

    @Test
    void writesAnEffectThatLeavesItsFenceToTheOutcomeAfterItAndOnlyIfTheOutcomeCompleted() {
        Table table = new Table();
        table.grown.add("inv-stale");
        List<String> events = new CopyOnWriteArrayList<>();
        OutcomeRecorder recorder = new OutcomeRecorder((owner, outcomes, keys, lease, budget) -> {
            events.add("record " + outcomes.stream().map(outcome -> outcome instanceof Outcome.Succeeded success
                    && success.fence() != null ? outcome.id() + " fenced at " + success.fence().expectedLength()
                    : outcome.id()).toList());
            return table.record(owner, outcomes, keys, lease, budget);
        }, "test-owner", () -> Duration.ofSeconds(30), wanted -> 0, (written, successors, reserved) -> {
        }, Clock.systemUTC(), Duration.ofMinutes(1), OutcomeRecorderTest::inTransaction);
        DurableEffect.Batch journals = new DurableEffect.Batch() {
            @Override
            public Map<DurableEffect, String> writeAll(List<DurableEffect> effects) {
                events.add("write " + effects.size() + " before");
                return Map.of();
            }

            @Override
            public void writeFenced(List<DurableEffect> effects) {
                events.add("write " + effects.size() + " after");
            }
        };
        List<OutcomeRecorder.Pending> batch = new ArrayList<>();
        for (String id : List.of("inv-1", "inv-2", "inv-stale")) {
            batch.add(new OutcomeRecorder.Pending(new Outcome.Succeeded(id, new byte[0], null), null,
                    List.of(fenced(journals, new Outcome.JournalFence(3, 2, 1, "the journal of " + id + " grew")))));
        }
        batch.add(new OutcomeRecorder.Pending(new Outcome.Retrying("inv-failed", Instant.now(), "boom"), null,
                List.of(fenced(journals, new Outcome.JournalFence(3, 1, 1, "unused")))));

        recorder.writeIsolating(batch);

        assertThat(batch).isEmpty();
        assertThat(events).containsExactly("write 1 before",
                "record [inv-1 fenced at 3, inv-2 fenced at 3, inv-stale fenced at 3, inv-failed]", "write 2 after");
        assertThat(table.stored.get("inv-1")).isInstanceOf(Outcome.Succeeded.class);
        assertThat(table.stored.get("inv-stale")).isInstanceOfSatisfying(Outcome.Retrying.class, retrying ->
                assertThat(retrying.failure()).isEqualTo("the journal of inv-stale grew"));
    }

    /** An effect written with its batch, leaving {@code fence} (or none) to a successful outcome. */
    private static DurableEffect fenced(DurableEffect.Batch batch, Outcome.JournalFence fence) {
        return new DurableEffect() {
            @Override
            public void write() {
                throw new AssertionError("written on its own instead of with its batch");
            }

            @Override
            public Batch batch() {
                return batch;
            }

            @Override
            public Outcome.JournalFence successFence() {
                return fence;
            }
        };
    }

    private static DurableEffect batched(DurableEffect.Batch batch) {
        return fenced(batch, null);
    }

    @Test
    void givesTheSlotsItsOutcomesHoldToTheirWriteAndReservesAnewWhenTheWriteIsRetried() throws Exception {
        Table table = new Table();
        table.unreachableFor.set(1);
        List<Integer> asked = new CopyOnWriteArrayList<>();
        List<String> writes = new CopyOnWriteArrayList<>();
        OutcomeRecorder recorder = new OutcomeRecorder((owner, outcomes, keys, lease, budget) -> {
            writes.add(outcomes.size() + " outcomes, " + keys.size() + " keys, budget " + budget);
            return table.record(owner, outcomes, keys, lease, budget);
        }, "test-owner", () -> Duration.ofSeconds(30), wanted -> {
            asked.add(wanted);
            return wanted;
        }, (written, successors, reserved) -> writes.add("freed " + reserved + " after " + written),
                Clock.systemUTC(), Duration.ofSeconds(30), OutcomeRecorderTest::inTransaction);
        Instant next = Instant.parse("2026-03-01T12:00:00Z");
        recorder.add(new Outcome.Retrying("inv-held", next, "HTTP 503"), "Account/a", List.of(), true);
        recorder.add(new Outcome.Retrying("inv-free", next, "HTTP 503"), "Account/b", List.of(), false);
        recorder.add(new Outcome.Retrying("inv-keyless", next, "HTTP 503"), null, List.of(), true);
        recorder.start();

        await().atMost(Duration.ofSeconds(10)).until(() -> table.stored.size() == 3);
        recorder.stop(Duration.ofSeconds(5));

        // the first write fails: the held slot and the one reserved are freed, and the retry reserves both anew
        assertThat(writes).containsExactly("3 outcomes, 2 keys, budget 2", "freed 2 after 0",
                "3 outcomes, 2 keys, budget 2", "freed 2 after 3");
        assertThat(asked).containsExactly(1, 2);
    }

    @Test
    void tellsUnreachableFromRefused() {
        assertThat(DatabaseFailure.isTransient(new CannotGetJdbcConnectionException("down"))).isTrue();
        assertThat(DatabaseFailure.isTransient(new RuntimeException(new SQLException("gone", "08006")))).isTrue();
        assertThat(DatabaseFailure.isTransient(new RuntimeException(new SQLException("deadlock", "40P01")))).isTrue();
        assertThat(DatabaseFailure.isTransient(new RuntimeException(new SQLException("shutdown", "57P01")))).isTrue();
        assertThat(DatabaseFailure.isTransient(new DataIntegrityViolationException("x",
                new SQLException("out of range", "22008")))).isFalse();
        assertThat(DatabaseFailure.isTransient(new RuntimeException(new SQLException("unique", "23505")))).isFalse();
        assertThat(DatabaseFailure.isTransient(new IllegalStateException("a bug"))).isFalse();
    }

    private static OutcomeRecorder recorder(Table table, Duration stuckAfter) {
        return new OutcomeRecorder(table, "test-owner", () -> Duration.ofSeconds(30), wanted -> 0,
                (written, successors, reserved) -> {
        }, Clock.systemUTC(), stuckAfter, OutcomeRecorderTest::inTransaction);
    }

    private static <T> T inTransaction(Supplier<T> work) {
        return work.get();
    }

    private static List<Outcome> outcomes(int count, Set<Integer> refused) {
        Instant next = Instant.parse("2026-03-01T12:00:00Z");
        return IntStream.range(0, count).<Outcome>mapToObj(i -> new Outcome.Retrying("inv-" + i, next,
                refused.contains(i) ? "HTTP 503: BAD" : "HTTP 503")).toList();
    }
}
