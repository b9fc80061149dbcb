package dev.ferry.fault;

import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Function;
import java.util.stream.Collectors;

import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import dev.ferry.testsupport.HandlerServer;
import dev.ferry.testsupport.HandlerServer.Received;
import dev.ferry.testsupport.HandlerServer.Response;
import dev.ferry.testsupport.Records;

/**
 * One keyed stream of a fault run: produces records {@code {"key":..,"seq":n}} round by round (one record per
 * key and round, so each key's sequence numbers rise with its partition offsets) and is the exclusive handler
 * they are delivered to. It notes every call (key, sequence number, invocation, status, start and end), every
 * call of a key that starts while another of that key runs, and can run a fault's first step from inside a
 * chosen call, so that the fault lands while calls are in flight.
 */
final class KeyedStream implements AutoCloseable {

    private static final JsonMapper JSON = JsonMapper.builder().build();

    /** One handler call as the handler saw it. */
    record Call(String key, int seq, String invocationId, int status, long startNanos, long endNanos) {

        boolean succeeded() {
            return status / 100 == 2;
        }
    }

    /** One record as the broker acknowledged it. */
    record Produced(String key, int seq, int partition, long offset) {

        String coordinates() {
            return partition + "@" + offset;
        }
    }

    private record Sent(String key, int seq, Future<RecordMetadata> ack) {
    }

    private record Trigger(int atCall, Runnable action, CompletableFuture<Void> done) {
    }

    final HandlerServer handler = HandlerServer.start();
    private final String topic;
    private final int keys;
    private final Records records;
    private final ScheduledExecutorService pacer = Executors.newSingleThreadScheduledExecutor();
    private final List<Sent> sent = new CopyOnWriteArrayList<>();
    private final List<Call> calls = new CopyOnWriteArrayList<>();
    private final Map<String, AtomicInteger> activeByKey = new ConcurrentHashMap<>();
    private final AtomicInteger active = new AtomicInteger();
    private final AtomicInteger started = new AtomicInteger();
    private final List<String> overlaps = new CopyOnWriteArrayList<>();
    private final AtomicReference<Trigger> trigger = new AtomicReference<>();
    private volatile Function<Received, Response> outage;
    private int rounds;

    KeyedStream(String topic, int keys, String bootstrapServers) {
        this.topic = topic;
        this.keys = keys;
        this.records = new Records(bootstrapServers);
        handler.respondWith(this::respond);
    }

    int keys() {
        return keys;
    }

    /** Sends {@code count} more rounds, one every 10 ms, on a background thread; completes when all are sent. */
    CompletableFuture<Void> produce(int count) {
        return produce(count, 10);
    }

    /** Sends {@code count} more rounds, one every {@code periodMillis}; completes when all are sent. */
    CompletableFuture<Void> produce(int count, long periodMillis) {
        CompletableFuture<Void> done = new CompletableFuture<>();
        AtomicInteger left = new AtomicInteger(count);
        AtomicReference<ScheduledFuture<?>> task = new AtomicReference<>();
        task.set(pacer.scheduleAtFixedRate(() -> {
            try {
                if (left.getAndDecrement() <= 0) {
                    done.complete(null);
                    task.get().cancel(false);
                    return;
                }
                int seq = rounds++;
                for (int k = 0; k < keys; k++) {
                    String key = "key-" + k;
                    sent.add(new Sent(key, seq, records.send(new ProducerRecord<>(topic, Records.bytes(key),
                            Records.bytes("{\"key\":\"%s\",\"seq\":%d}".formatted(key, seq))))));
                }
            } catch (RuntimeException e) {
                done.completeExceptionally(e);
                task.get().cancel(false);
            }
        }, 0, periodMillis, TimeUnit.MILLISECONDS));
        return done;
    }

    /** Every record sent, once the broker acknowledged it (waits for outstanding acknowledgements). */
    List<Produced> produced() throws InterruptedException, ExecutionException, TimeoutException {
        records.flush();
        List<Produced> produced = new ArrayList<>();
        for (Sent record : sent) {
            RecordMetadata metadata = record.ack().get(2, TimeUnit.MINUTES);
            produced.add(new Produced(record.key(), record.seq(), metadata.partition(), metadata.offset()));
        }
        return produced;
    }

    int sentCount() {
        return sent.size();
    }

    /**
     * Runs {@code action} inside the handler call that starts as call number {@code atCall} of this stream, before
     * that call answers; the returned future completes once it ran.
     */
    CompletableFuture<Void> atCall(int atCall, Runnable action) {
        Trigger armed = new Trigger(atCall, action, new CompletableFuture<>());
        trigger.set(armed);
        return armed.done();
    }

    /** While set, every call is answered by {@code answer} at once (an outage of the handler's own making). */
    void answerWith(Function<Received, Response> answer) {
        this.outage = answer;
    }

    List<Call> calls() {
        return List.copyOf(calls);
    }

    /** Calls that started while another call of their key ran, as {@code key#seq}. */
    List<String> overlaps() {
        return List.copyOf(overlaps);
    }

    /** Handler calls started but not yet answered. */
    int inFlight() {
        return active.get();
    }

    /** Invocations that were answered 2xx at least once. */
    Set<String> answered() {
        return calls.stream().filter(Call::succeeded).map(Call::invocationId).collect(Collectors.toSet());
    }

    /** Waits until no handler call is in flight, so that every answer given so far is in {@link #calls()}. */
    void awaitNoCallInFlight() {
        await("handler calls in flight answered").atMost(Duration.ofSeconds(30)).until(() -> active.get() == 0);
    }

    private Response respond(Received request) {
        long start = System.nanoTime();
        JsonNode body = JSON.readTree(request.body());
        String key = body.get("key").asString();
        int seq = body.get("seq").asInt();
        AtomicInteger ofKey = activeByKey.computeIfAbsent(key, k -> new AtomicInteger());
        if (ofKey.incrementAndGet() > 1) {
            overlaps.add(key + "#" + seq);
        }
        active.incrementAndGet();
        try {
            Function<Received, Response> answer = outage;
            Response response;
            if (answer != null) {
                response = answer.apply(request);
            } else {
                // a handler that takes a little time, so that calls of different keys overlap
                LockSupport.parkNanos(TimeUnit.MICROSECONDS.toNanos(ThreadLocalRandom.current().nextInt(5000)));
                response = Response.ok("{}");
            }
            Trigger armed = trigger.get();
            boolean fire = started.incrementAndGet() >= (armed == null ? Integer.MAX_VALUE : armed.atCall())
                    && trigger.compareAndSet(armed, null);
            RuntimeException failed = null;
            if (fire) {
                try {
                    armed.action().run();
                } catch (RuntimeException e) {
                    failed = e;
                }
            }
            calls.add(new Call(key, seq, request.header("idempotency-key"), response.status(), start,
                    System.nanoTime()));
            if (fire && failed != null) {
                armed.done().completeExceptionally(failed);
            } else if (fire) {
                armed.done().complete(null);
            }
            return response;
        } finally {
            ofKey.decrementAndGet();
            active.decrementAndGet();
        }
    }

    @Override
    public void close() {
        pacer.shutdownNow();
        records.close();
        handler.close();
    }
}
