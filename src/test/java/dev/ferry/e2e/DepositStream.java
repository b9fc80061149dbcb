package dev.ferry.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

import dev.ferry.testsupport.Api;
import dev.ferry.testsupport.Records;

/**
 * A steady stream of deposits of 1 into the accounts {@code acct-0 .. acct-(keys-1)} of the test service
 * {@code account-counter.mjs}: one record per key every 50 ms, round after round, that holds back its second half
 * until {@link #release()}, so that a crash test's kill lands mid-stream, with records still to come.
 */
final class DepositStream implements AutoCloseable {

    private final Records records;
    private final String topic;
    private final int keys;
    private final int rounds;
    private final ScheduledExecutorService producer = Executors.newSingleThreadScheduledExecutor();
    private final CountDownLatch released = new CountDownLatch(1);
    private final CountDownLatch allSent = new CountDownLatch(1);
    private final AtomicInteger round = new AtomicInteger();
    private final AtomicReference<Throwable> failure = new AtomicReference<>();

    /** A stream of {@code total} records, a multiple of {@code keys}, onto {@code topic}; call {@link #start()}. */
    DepositStream(Records records, String topic, int keys, int total) {
        if (total % keys != 0) {
            throw new IllegalArgumentException(total + " records do not spread evenly over " + keys + " keys");
        }
        this.records = records;
        this.topic = topic;
        this.keys = keys;
        this.rounds = total / keys;
    }

    static String key(int k) {
        return "acct-" + k;
    }

    void start() {
        producer.scheduleAtFixedRate(this::sendRound, 0, 50, TimeUnit.MILLISECONDS);
    }

    /** Lets the second half of the stream go. */
    void release() {
        released.countDown();
    }

    /** Waits until every record is acknowledged by the broker, and fails if producing one failed. */
    void awaitAllSent(Duration atMost) {
        await("whole stream produced").atMost(atMost)
                .until(() -> allSent.getCount() == 0 || failure.get() != null);
        assertThat(failure.get()).as("producing the stream").isNull();
    }

    /** The sum of all accounts' balances, each read through {@code POST /call/Account/{key}/balance}. */
    long sumOfBalances(Api api) {
        long sum = 0;
        for (int k = 0; k < keys; k++) {
            Api.Reply balance = api.post("/call/Account/" + key(k) + "/balance", "");
            assertThat(balance.status()).as(balance.text()).isEqualTo(200);
            sum += Long.parseLong(balance.text());
        }
        return sum;
    }

    private void sendRound() {
        try {
            int next = round.get();
            if (next >= rounds || (next >= rounds / 2 && released.getCount() > 0)) {
                return;
            }
            for (int k = 0; k < keys; k++) {
                records.send(topic, key(k), "1");
            }
            if (round.incrementAndGet() == rounds) {
                records.flush();
                allSent.countDown();
            }
        } catch (RuntimeException e) {
            failure.compareAndSet(null, e);
        }
    }

    @Override
    public void close() {
        producer.shutdownNow();
    }
}
