package dev.ferry.invocation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.json.JsonMapper;

import dev.ferry.testsupport.MigratedDatabase;

/**
 * The ingest transaction passes on the keys of the records it stores: the head of each idle key starts running
 * under the ingesting instance's lease before the commit, within its call budget, and is handed back to be called
 * at once; beyond the budget it is made ready; a held key, an older waiting invocation and a key another
 * transaction has locked keep per-key order.
 */
class KeyedIntakeIT {

    private static final Duration WAIT = Duration.ofSeconds(60);
    private static final Duration LEASE = Duration.ofMinutes(5);
    private static final String OWNER = "instance-a";
    private static final AtomicLong OFFSETS = new AtomicLong();
    private static final ExecutorService THREADS = Executors.newCachedThreadPool();

    private static MigratedDatabase database;
    private static InvocationStore store;
    private static KeyPromotions promotions;
    private static RecordHeaders headers;

    @BeforeAll
    static void migrate() {
        database = MigratedDatabase.create("keyed_intake");
        JsonMapper json = JsonMapper.builder().build();
        headers = new RecordHeaders(json);
        store = new InvocationStore(database.jdbc(), database.transactions(), json, event -> {
        }, Clock.systemUTC());
        promotions = new KeyPromotions(database.jdbc(), database.transactions(), headers, Clock.systemUTC());
    }

    @AfterAll
    static void stopThreads() {
        THREADS.shutdownNow();
    }

    @Test
    void startsTheHeadOfEachIdleKeyAndLeavesTheRestOfTheKeyPending() {
        List<NewInvocation> a = exclusives("idle-a", 3);
        List<NewInvocation> b = exclusives("idle-b", 2);
        List<NewInvocation> batch = interleave(a, b);

        List<ClaimedInvocation> started = store.enqueue(batch, OWNER, 10, LEASE);

        assertThat(started).extracting(ClaimedInvocation::id).containsExactlyInAnyOrder(a.get(0).id(), b.get(0).id());
        assertThat(started).allSatisfy(claim -> {
            assertThat(claim.exclusive()).isTrue();
            assertThat(claim.attempt()).isEqualTo(1);
            assertThat(claim.input()).asString(StandardCharsets.UTF_8).isEqualTo("{}");
        });
        for (NewInvocation head : List.of(a.get(0), b.get(0))) {
            assertThat(row(head.id())).containsEntry("status", "running").containsEntry("attempts", 1)
                    .containsEntry("lease_owner", OWNER);
        }
        for (NewInvocation rest : List.of(a.get(1), a.get(2), b.get(1))) {
            assertThat(row(rest.id())).containsEntry("status", "pending").containsEntry("attempts", 0);
        }
    }

    @Test
    void startsNoSecondInvocationOfAKeyThatIsRunning() {
        List<NewInvocation> first = exclusives("held", 1);
        assertThat(store.enqueue(first, OWNER, 10, LEASE)).hasSize(1);

        List<NewInvocation> more = exclusives("held", 2);
        List<ClaimedInvocation> started = store.enqueue(more, "instance-b", 10, LEASE);

        assertThat(started).isEmpty();
        assertThat(row(first.get(0).id())).containsEntry("status", "running").containsEntry("lease_owner", OWNER);
        assertThat(more).allSatisfy(row -> assertThat(row(row.id())).containsEntry("status", "pending"));
        assertThat(count("held", "running") + count("held", "ready")).isEqualTo(1);
    }

    @Test
    void startsTheOldestWaitingInvocationOfAKeyBeforeTheNewOnes() {
        String older = pendingWithoutPromotion("older");
        List<NewInvocation> newer = exclusives("older", 2);

        List<ClaimedInvocation> started = store.enqueue(newer, OWNER, 10, LEASE);

        assertThat(started).extracting(ClaimedInvocation::id).containsExactly(older);
        assertThat(newer).allSatisfy(row -> assertThat(row(row.id())).containsEntry("status", "pending"));
    }

    @Test
    void makesTheHeadsBeyondTheBudgetReadyAfterServiceRecordsTookTheirShare() {
        NewInvocation service = NewInvocation.runnable(id("service"), "Plain", "run", null, json(), List.of(),
                origin());
        List<NewInvocation> x = exclusives("budget-x", 2);
        List<NewInvocation> y = exclusives("budget-y", 1);
        List<NewInvocation> z = exclusives("budget-z", 1);
        List<NewInvocation> batch = new ArrayList<>(List.of(service));
        batch.addAll(interleave(interleave(x, y), z));

        List<ClaimedInvocation> started = store.enqueue(batch, OWNER, 2, LEASE);

        assertThat(started).extracting(ClaimedInvocation::id).containsExactly(service.id(), x.get(0).id());
        assertThat(row(x.get(0).id())).containsEntry("status", "running");
        assertThat(row(y.get(0).id())).containsEntry("status", "ready").containsEntry("attempts", 0);
        assertThat(row(z.get(0).id())).containsEntry("status", "ready").containsEntry("attempts", 0);
        assertThat(row(x.get(1).id())).containsEntry("status", "pending");
    }

    @Test
    void makesTheHeadsReadyWithoutABudget() {
        List<NewInvocation> batch = exclusives("no-budget", 2);

        assertThat(store.enqueue(batch, OWNER, 0, LEASE)).isEmpty();

        assertThat(row(batch.get(0).id())).containsEntry("status", "ready");
        assertThat(row(batch.get(1).id())).containsEntry("status", "pending");
    }

    /** The keys beyond the lock bound of one transaction are promoted after it, as before. */
    @Test
    void promotesTheKeysBeyondTheLockBoundAfterTheCommit() {
        int keys = KeyPromotions.KEYS_PER_TRANSACTION + 20;
        List<NewInvocation> batch = new ArrayList<>();
        for (int k = 0; k < keys; k++) {
            batch.add(exclusive("bound-" + k));
        }

        List<ClaimedInvocation> started = store.enqueue(batch, OWNER, keys, LEASE);

        assertThat(started).extracting(ClaimedInvocation::id)
                .containsExactlyInAnyOrderElementsOf(batch.subList(0, KeyPromotions.KEYS_PER_TRANSACTION).stream()
                        .map(NewInvocation::id).toList());
        batch.subList(KeyPromotions.KEYS_PER_TRANSACTION, keys).forEach(row ->
                assertThat(row(row.id())).containsEntry("status", "ready"));
    }

    /**
     * Another instance's transaction holding a key's lock (an outcome starting the key's next invocation) makes
     * the ingest wait before it reads or writes, then see what that transaction committed.
     */
    @Test
    void waitsForAnotherTransactionOnTheKeyAndSeesWhatItStarted() throws Exception {
        String head = pendingWithoutPromotion("locked");
        CountDownLatch locked = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        CompletableFuture<Void> other = CompletableFuture.runAsync(() -> database.transactions()
                .executeWithoutResult(status -> {
                    promotions.lock(List.of(key("locked")));
                    database.jdbc().update("update invocations set status = 'running', attempts = 1,"
                            + " lease_owner = 'instance-b' where id = ?", head);
                    locked.countDown();
                    awaitLatch(release);
                }), THREADS);
        try {
            assertThat(locked.await(WAIT.toSeconds(), TimeUnit.SECONDS)).isTrue();
            List<NewInvocation> batch = exclusives("locked", 1);
            CompletableFuture<List<ClaimedInvocation>> ingest = CompletableFuture.supplyAsync(
                    () -> store.enqueue(batch, OWNER, 10, LEASE), THREADS);
            await().atMost(WAIT).until(() -> waitingAdvisoryLocks() == 1);
            assertThat(ingest).isNotDone();
            assertThat(database.jdbc().queryForObject("select count(*) from invocations where id = ?", Integer.class,
                    batch.get(0).id())).isZero();

            release.countDown();
            assertThat(ingest.get(WAIT.toSeconds(), TimeUnit.SECONDS)).isEmpty();
            assertThat(row(head)).containsEntry("status", "running").containsEntry("lease_owner", "instance-b");
            assertThat(row(batch.get(0).id())).containsEntry("status", "pending");
        } finally {
            release.countDown();
            assertThat(other).succeedsWithin(WAIT);
        }
    }

    /** A batch PostgreSQL refuses as a whole is stored in parts, none running, and its keys promoted after. */
    @Test
    void promotesTheKeysOfABatchStoredInPartsAfterwards() {
        List<NewInvocation> good = exclusives("parts", 2);
        NewInvocation refused = exclusive("bad\0key");
        List<NewInvocation> batch = List.of(good.get(0), refused, good.get(1));

        assertThat(store.enqueue(batch, OWNER, 10, LEASE)).isEmpty();

        assertThat(row(good.get(0).id())).containsEntry("status", "ready");
        assertThat(row(good.get(1).id())).containsEntry("status", "pending");
        assertThat(row(refused.id())).containsEntry("status", "completed")
                .containsEntry("failure_reason", "invalid-record");
    }

    private static void awaitLatch(CountDownLatch latch) {
        try {
            latch.await(WAIT.toSeconds(), TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** a0, b0, a1, b1, ...: the order records of two keys arrive in from one partition. */
    private static List<NewInvocation> interleave(List<NewInvocation> a, List<NewInvocation> b) {
        List<NewInvocation> both = new ArrayList<>();
        for (int i = 0; i < Math.max(a.size(), b.size()); i++) {
            if (i < a.size()) {
                both.add(a.get(i));
            }
            if (i < b.size()) {
                both.add(b.get(i));
            }
        }
        return both;
    }

    private static List<NewInvocation> exclusives(String name, int count) {
        List<NewInvocation> rows = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            rows.add(exclusive(name));
        }
        return rows;
    }

    private static NewInvocation exclusive(String name) {
        return NewInvocation.exclusive(id(name), "Keys", "add", name, json(), List.of(), origin());
    }

    /** Stores a pending invocation of {@code name}'s object without passing its key on. */
    private static String pendingWithoutPromotion(String name) {
        NewInvocation invocation = exclusive(name);
        database.transactions().executeWithoutResult(status -> RecordBatchInsert.insert(database.jdbc(),
                RecordBatchInsert.Conflict.SAME_RECORD, List.of(invocation), OffsetDateTime.now(),
                RecordBatchInsert.Direct.NONE, headers));
        return invocation.id();
    }

    private static String id(String name) {
        return "inv_" + name.replace("\0", "") + "_" + OFFSETS.incrementAndGet();
    }

    private static KafkaOrigin origin() {
        return new KafkaOrigin("sub_keyed", "keyed", 0, OFFSETS.incrementAndGet(), null, null);
    }

    private static byte[] json() {
        return "{}".getBytes(StandardCharsets.UTF_8);
    }

    private static String key(String name) {
        return "Keys/" + name;
    }

    private static Map<String, Object> row(String id) {
        return database.jdbc().queryForMap("select status, attempts, lease_owner, failure_reason from invocations"
                + " where id = ?", id);
    }

    private static int count(String name, String status) {
        return database.jdbc().queryForObject("select count(*) from invocations where exclusive_key = ? and status = ?",
                Integer.class, key(name), status);
    }

    private static int waitingAdvisoryLocks() {
        return database.jdbc().queryForObject("""
                select count(*) from pg_locks l join pg_stat_activity s on s.pid = l.pid
                 where not l.granted and l.locktype = 'advisory' and s.datname = current_database()""",
                Integer.class);
    }
}
