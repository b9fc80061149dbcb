package dev.ferry.invocation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.json.JsonMapper;

import dev.ferry.testsupport.MigratedDatabase;

/**
 * Promotions lock only the keys they promote: a promotion of one key never waits for another key's, one of the
 * same key waits for the first to end, overlapping sets of keys are locked without deadlocks, and an instance
 * of an older version that still takes the one global lock keeps being excluded during a rolling upgrade.
 */
class KeyPromotionsIT {

    private static final Duration WAIT = Duration.ofSeconds(60);
    private static final AtomicLong OFFSETS = new AtomicLong();
    /** Threads of their own: the common pool may have one thread only, and every task here blocks. */
    private static final ExecutorService THREADS = Executors.newCachedThreadPool();

    private static MigratedDatabase database;
    private static InvocationStore store;
    private static KeyPromotions promotions;
    private static RecordHeaders headers;

    /** Ends every transaction a test left open, so that a failed test does not hold its locks for the next. */
    @AfterEach
    void releaseHolders() {
        Holder.ALL.forEach(Holder::release);
        Holder.ALL.forEach(holder -> await().atMost(WAIT).until(holder.ended()::isDone));
        Holder.ALL.clear();
    }

    @AfterAll
    static void stopThreads() {
        THREADS.shutdownNow();
    }

    @BeforeAll
    static void migrate() {
        database = MigratedDatabase.create("key_promotions");
        JsonMapper json = JsonMapper.builder().build();
        headers = new RecordHeaders(json);
        store = new InvocationStore(database.jdbc(), database.transactions(), json, event -> {
        }, Clock.systemUTC());
        promotions = new KeyPromotions(database.jdbc(), database.transactions(), headers, Clock.systemUTC());
    }

    @Test
    void promotesOtherKeysWhileOneKeyIsLockedAndThatKeyOnceItIsFree() throws Exception {
        String a = pending("apart-a");
        String b = pending("apart-b");
        Holder holder = Holder.locking(List.of(key("apart-a")));
        try {
            await().atMost(WAIT).until(holder::locked);
            CompletableFuture<Integer> other = promoting("apart-b");
            await().atMost(WAIT).until(other::isDone);
            assertThat(other.join()).isEqualTo(1);
            assertThat(status(b)).isEqualTo("ready");

            CompletableFuture<Integer> same = promoting("apart-a");
            await().atMost(WAIT).until(() -> waitingAdvisoryLocks() == 1);
            assertThat(same).isNotDone();
            assertThat(status(a)).isEqualTo("pending");

            holder.release();
            await().atMost(WAIT).until(same::isDone);
            assertThat(same.join()).isEqualTo(1);
            assertThat(status(a)).isEqualTo("ready");
        } finally {
            holder.release();
        }
    }

    @Test
    void startsTheNextInvocationOfNoMoreKeysThanTheCallerHasSlotsForAndMakesTheOthersReady() {
        List<String> keys = List.of(key("budget-a"), key("budget-b"), key("budget-c"));
        List<String> heads = new ArrayList<>();
        List<String> successors = new ArrayList<>();
        for (String name : List.of("budget-a", "budget-b", "budget-c")) {
            heads.add(pending(name));
            successors.add(pending(name));
        }
        String owner = "budget-owner";
        Duration lease = Duration.ofMinutes(1);
        // the heads run under the owner's lease, as if it had claimed them
        assertThat(database.jdbc().update("""
                update invocations set status = 'running', attempts = 1, lease_owner = ?,
                       lease_until = now() + interval '1 minute'
                 where id = any(?::text[])""", owner, heads.toArray(String[]::new))).isEqualTo(3);

        List<ClaimedInvocation> started = store.record(owner, heads.stream().<Outcome>map(id -> new Outcome.Succeeded(
                id, "{}".getBytes(StandardCharsets.UTF_8), "application/json")).toList(), Set.copyOf(keys), lease, 1);

        assertThat(started).hasSize(1);
        assertThat(successors).contains(started.getFirst().id());
        assertThat(successors.stream().map(KeyPromotionsIT::status).toList())
                .containsExactlyInAnyOrder("running", "ready", "ready");
    }

    @Test
    void locksOverlappingKeysInOneOrderWhateverOrderTheyAreGivenIn() throws Exception {
        List<String> keys = byHash(key("order-x"), key("order-y"));
        String first = keys.get(0);
        String second = keys.get(1);
        Holder holder = Holder.locking(List.of(first));
        try {
            await().atMost(WAIT).until(holder::locked);
            // asks for the keys in the order that would deadlock against the holder's next lock if taken as given
            Holder both = Holder.locking(List.of(second, first));
            await().atMost(WAIT).until(() -> waitingAdvisoryLocks() == 1);

            CompletableFuture<Void> next = holder.alsoLock(List.of(second));
            await().atMost(WAIT).until(next::isDone);
            assertThat(next).isNotCompletedExceptionally();
            holder.release();
            await().atMost(WAIT).until(both::locked);
            both.release();
            assertThat(both.ended()).succeedsWithin(WAIT);
            assertThat(holder.ended()).succeedsWithin(WAIT);
        } finally {
            holder.release();
        }
    }

    @Test
    void waitsForTheGlobalLockOfAnOlderVersion() throws Exception {
        String id = pending("legacy");
        Holder older = Holder.run(() -> database.jdbc().queryForObject("select pg_advisory_xact_lock(?)::text",
                String.class, KeyPromotions.LEGACY_PROMOTION_LOCK));
        try {
            await().atMost(WAIT).until(older::locked);
            CompletableFuture<Integer> promotion = promoting("legacy");
            await().atMost(WAIT).until(() -> waitingAdvisoryLocks() == 1);
            assertThat(status(id)).isEqualTo("pending");

            older.release();
            await().atMost(WAIT).until(promotion::isDone);
            assertThat(promotion.join()).isEqualTo(1);
            assertThat(status(id)).isEqualTo("ready");
        } finally {
            older.release();
        }
    }

    @Test
    void leavesAHeadKilledWhilePromotingItCompletedAndPromotesTheNextOne() throws Exception {
        String killed = pending("killed");
        String next = pending("killed");
        Holder kill = Holder.run(() -> database.jdbc().update("""
                update invocations set status = 'completed', completion = 'failure', failure_reason = 'killed',
                       completed_at = now() where id = ?""", killed));
        try {
            await().atMost(WAIT).until(kill::locked);
            CompletableFuture<Integer> promotion = promoting("killed");
            // the promotion picked the killed head from its snapshot and waits for the kill's row lock
            await().atMost(WAIT).until(() -> waitingRowLocks() == 1);
            kill.release();
            await().atMost(WAIT).until(promotion::isDone);

            assertThat(promotion.join()).isZero();
            assertThat(status(killed)).isEqualTo("completed");
            assertThat(store.promote(Set.of(key("killed")))).isEqualTo(1);
            assertThat(status(next)).isEqualTo("ready");
        } finally {
            kill.release();
        }
    }

    /**
     * Three instances claim, finish and pass on the invocations of a few keys while a fourth promotes every key
     * over and over: no key ever has two invocations out at once, and each key's run in the order stored.
     */
    @Test
    void neverHandsOutTwoInvocationsOfOneKeyAtOnceToRacingInstances() {
        int keys = 6;
        int perKey = 25;
        List<NewInvocation> invocations = new ArrayList<>();
        Map<String, List<String>> stored = new ConcurrentHashMap<>();
        for (int seq = 0; seq < perKey; seq++) {
            for (int k = 0; k < keys; k++) {
                NewInvocation invocation = exclusive("race-" + k);
                invocations.add(invocation);
                stored.computeIfAbsent(invocation.exclusiveKey(), key -> new ArrayList<>()).add(invocation.id());
            }
        }
        store.enqueue(invocations, "nobody", 0, Duration.ZERO);
        Racers racers = new Racers(stored.keySet());
        List<CompletableFuture<Void>> running = new ArrayList<>();
        for (int instance = 0; instance < 3; instance++) {
            String owner = "instance-" + instance;
            running.add(CompletableFuture.runAsync(() -> racers.work(owner, keys * perKey), THREADS));
        }
        running.add(CompletableFuture.runAsync(() -> racers.promote(keys * perKey), THREADS));

        assertThat(CompletableFuture.allOf(running.toArray(CompletableFuture[]::new))).succeedsWithin(WAIT);
        assertThat(racers.overlaps).as("invocations of one key out at once").isEmpty();
        assertThat(racers.started).as("invocations of each key in the order they started")
                .containsAllEntriesOf(stored);
        assertThat(database.jdbc().queryForObject("select max(attempts) from invocations where exclusive_key like ?",
                Integer.class, key("race-%"))).isEqualTo(1);
    }

    /** Instances racing on the same keys through the store (and on what other tests left), and what they saw. */
    private static final class Racers {

        private final Set<String> keys;
        private final Map<String, AtomicInteger> outByKey = new ConcurrentHashMap<>();
        private final Map<String, List<String>> started = new ConcurrentHashMap<>();
        private final List<String> overlaps = new CopyOnWriteArrayList<>();
        private final AtomicInteger done = new AtomicInteger();

        Racers(Set<String> keys) {
            this.keys = keys;
        }

        /** Claims what is runnable, and runs each claimed invocation and the successors its outcome starts. */
        void work(String owner, int total) {
            Duration lease = Duration.ofMinutes(5);
            while (done.get() < total) {
                Deque<ClaimedInvocation> out = new ArrayDeque<>();
                handOut(store.claim(owner, 3, lease, Set.of()), out);
                while (!out.isEmpty()) {
                    ClaimedInvocation invocation = out.poll();
                    String key = key(invocation.objectKey());
                    started.computeIfAbsent(key, k -> new CopyOnWriteArrayList<>()).add(invocation.id());
                    // given back before the outcome is durable: a successor handed out after that is no overlap
                    outByKey.get(key).decrementAndGet();
                    handOut(store.record(owner, List.of(new Outcome.Succeeded(invocation.id(),
                            "{}".getBytes(StandardCharsets.UTF_8), "application/json")), Set.of(key), lease, 1), out);
                    if (keys.contains(key)) {
                        done.incrementAndGet();
                    }
                }
            }
        }

        /** Counts each invocation handed out as out until its outcome is written. */
        private void handOut(List<ClaimedInvocation> invocations, Deque<ClaimedInvocation> out) {
            for (ClaimedInvocation invocation : invocations) {
                String key = key(invocation.objectKey());
                if (outByKey.computeIfAbsent(key, k -> new AtomicInteger()).incrementAndGet() > 1) {
                    overlaps.add(invocation.id());
                }
                out.add(invocation);
            }
        }

        /** Promotes every key again and again, as the safety net and other instances' intakes do. */
        void promote(int total) {
            while (done.get() < total) {
                store.promote(keys);
                store.promoteAll();
            }
        }
    }

    /** Promotes {@code name}'s object on a thread of its own. */
    private static CompletableFuture<Integer> promoting(String name) {
        return CompletableFuture.supplyAsync(() -> store.promote(Set.of(key(name))), THREADS);
    }

    private static NewInvocation exclusive(String name) {
        String id = "inv_" + name + "_" + OFFSETS.incrementAndGet();
        return NewInvocation.exclusive(id, "Keys", "add", name, "{}".getBytes(StandardCharsets.UTF_8), List.of(),
                new KafkaOrigin("sub_keys", "keys", 0, OFFSETS.incrementAndGet(), null, null));
    }

    /** Stores a pending invocation of {@code name}'s object, without promoting it. */
    private static String pending(String name) {
        NewInvocation invocation = exclusive(name);
        database.transactions().executeWithoutResult(status -> RecordBatchInsert.insert(database.jdbc(),
                RecordBatchInsert.Conflict.SAME_RECORD, List.of(invocation), OffsetDateTime.now(),
                RecordBatchInsert.Direct.NONE, headers));
        return invocation.id();
    }

    private static String key(String name) {
        return "Keys/" + name;
    }

    /** The keys in the order their locks are taken. */
    private static List<String> byHash(String... keys) {
        return database.jdbc().queryForList("select k from unnest(?::text[]) as k order by hashtext(k)",
                String.class, (Object) keys);
    }

    private static String status(String id) {
        return database.jdbc().queryForObject("select status from invocations where id = ?", String.class, id);
    }

    private static int waitingAdvisoryLocks() {
        return waiting("advisory");
    }

    private static int waitingRowLocks() {
        return waiting("transactionid");
    }

    /** Locks of this test's database that a transaction waits for (a row lock's wait is on the holder's id). */
    private static int waiting(String type) {
        return database.jdbc().queryForObject("""
                select count(*) from pg_locks l join pg_stat_activity s on s.pid = l.pid
                 where not l.granted and l.locktype = ? and s.datname = current_database()""", Integer.class, type);
    }

    /** A transaction on a thread of its own that runs some work, then stays open, taking more, until released. */
    private static final class Holder {

        private static final Runnable RELEASE = () -> {
        };
        static final List<Holder> ALL = new CopyOnWriteArrayList<>();

        private final CountDownLatch locked = new CountDownLatch(1);
        private final BlockingQueue<Runnable> commands = new LinkedBlockingQueue<>();
        private final CompletableFuture<Void> ended;

        private Holder(Runnable work) {
            ended = CompletableFuture.runAsync(() -> database.transactions().executeWithoutResult(status -> {
                work.run();
                locked.countDown();
                for (Runnable next = take(); next != RELEASE; next = take()) {
                    next.run();
                }
            }), THREADS);
            ALL.add(this);
        }

        static Holder locking(List<String> keys) {
            return new Holder(() -> promotions.lock(keys));
        }

        static Holder run(Runnable work) {
            return new Holder(work);
        }

        /** Makes the open transaction lock more keys; completes once it holds them. */
        CompletableFuture<Void> alsoLock(List<String> keys) {
            CompletableFuture<Void> done = new CompletableFuture<>();
            commands.add(() -> {
                try {
                    promotions.lock(keys);
                    done.complete(null);
                } catch (RuntimeException e) {
                    done.completeExceptionally(e);
                }
            });
            return done;
        }

        boolean locked() {
            return locked.getCount() == 0;
        }

        void release() {
            commands.add(RELEASE);
        }

        CompletableFuture<Void> ended() {
            return ended;
        }

        private Runnable take() {
            try {
                return commands.take();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return RELEASE;
            }
        }
    }
}
