package dev.ferry.bench;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicIntegerArray;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.atomic.LongAdder;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

/**
 * The handler the benchmark calls: answers every {@code POST} with 200 {@code {}}, optionally after a delay,
 * and counts. It counts distinct records (by the {@code i} in the value), checks per-key order (each key's
 * {@code s} must only grow) and overlapping calls of one key, and measures the latency from the record's
 * {@code kafka.timestamp} header to receipt: over every call, and apart over the calls received from
 * {@value #WARM_AFTER_MILLIS} ms after the first one on, when the server under test has warmed up.
 *
 * <p>{@code GET /stats} answers the counters as JSON ({@code /stats?latency} adds the latency percentiles);
 * {@code POST /reset?records=&keys=&delay-ms=} starts a new count. A delayed response is completed by a
 * scheduler, so no thread waits out the delay.
 *
 * <p>Usage: {@code CountingHandler <port> [threads]}; binds 127.0.0.1 only.
 */
public final class CountingHandler {

    private static final byte[] OK = "{}".getBytes(StandardCharsets.US_ASCII);

    /** From how long after the first call on the latency is counted a second time, as the warm figure. */
    static final long WARM_AFTER_MILLIS = 10_000;

    private final ScheduledExecutorService delayer = Executors.newSingleThreadScheduledExecutor(runnable -> {
        Thread thread = new Thread(runnable, "delayer");
        thread.setDaemon(true);
        return thread;
    });
    private volatile Tally tally = new Tally(0, 0, 0);

    public static void main(String[] args) throws IOException {
        int port = Integer.parseInt(args[0]);
        int threads = args.length > 1 ? Integer.parseInt(args[1])
                : Math.max(2, Runtime.getRuntime().availableProcessors());
        Lifetime.boundTo(Lifetime.fromProperty());
        // the JDK server closes idle connections beyond 200 (its default), which breaks a caller's pool of 256
        System.setProperty("sun.net.httpserver.maxIdleConnections", "4096");
        new CountingHandler().start(port, threads);
    }

    private void start(int port, int threads) throws IOException {
        HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", port), 4096);
        ExecutorService executor = Executors.newFixedThreadPool(threads, runnable -> {
            Thread thread = new Thread(runnable, "handler");
            thread.setDaemon(true);
            return thread;
        });
        server.setExecutor(executor);
        server.createContext("/stats", exchange -> respond(exchange, tally.json(
                query(exchange.getRequestURI()).containsKey("latency")).getBytes(StandardCharsets.US_ASCII)));
        server.createContext("/reset", this::reset);
        server.createContext("/", this::call);
        server.start();
        Runtime.getRuntime().addShutdownHook(new Thread(() -> server.stop(0)));
        System.out.println("CountingHandler listening on 127.0.0.1:" + port + " with " + threads + " threads");
    }

    private void reset(HttpExchange exchange) throws IOException {
        Map<String, String> query = query(exchange.getRequestURI());
        exchange.getRequestBody().readAllBytes();
        tally = new Tally(Integer.parseInt(query.getOrDefault("records", "0")),
                Integer.parseInt(query.getOrDefault("keys", "0")), Long.parseLong(query.getOrDefault("delay-ms", "0")));
        respond(exchange, OK);
    }

    private void call(HttpExchange exchange) throws IOException {
        long now = System.currentTimeMillis();
        byte[] body = exchange.getRequestBody().readAllBytes();
        Tally current = tally;
        String timestamp = exchange.getRequestHeaders().getFirst("kafka.timestamp");
        int key = current.received(body, timestamp == null ? -1 : now - Long.parseLong(timestamp), now);
        byte[] answer = "application/vnd.ferry.object+json".equals(exchange.getRequestHeaders()
                .getFirst("content-type")) ? envelopeAnswer(body) : OK;
        if (current.delayMillis > 0) {
            delayer.schedule(() -> {
                current.done(key);
                try {
                    respond(exchange, answer);
                } catch (IOException | RuntimeException e) {
                    exchange.close();
                }
            }, current.delayMillis, TimeUnit.MILLISECONDS);
        } else {
            current.done(key);
            respond(exchange, answer);
        }
    }

    /**
     * The answer of a stateful handler with the state envelope: the object's count {@code n} one up, and the
     * record's {@code i} as the output.
     */
    static byte[] envelopeAnswer(byte[] body) {
        String text = new String(body, StandardCharsets.UTF_8);
        int at = text.lastIndexOf("\"state\":{\"n\":");
        long count = 0;
        if (at >= 0) {
            int digits = at + "\"state\":{\"n\":".length();
            int end = digits;
            while (end < text.length() && Character.isDigit(text.charAt(end))) {
                end++;
            }
            count = Long.parseLong(text.substring(digits, end));
        }
        return ("{\"output\":{\"i\":" + BenchRecord.field(body, 'i') + "},\"state\":{\"set\":{\"n\":"
                + (count + 1) + "}}}").getBytes(StandardCharsets.US_ASCII);
    }

    private static void respond(HttpExchange exchange, byte[] body) throws IOException {
        exchange.getResponseHeaders().set("content-type", "application/json");
        exchange.sendResponseHeaders(200, body.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(body);
        }
    }

    private static Map<String, String> query(URI uri) {
        Map<String, String> query = new HashMap<>();
        if (uri.getRawQuery() != null) {
            for (String pair : uri.getRawQuery().split("&")) {
                int eq = pair.indexOf('=');
                if (eq > 0) {
                    query.put(pair.substring(0, eq), pair.substring(eq + 1));
                } else if (!pair.isEmpty()) {
                    query.put(pair, "");
                }
            }
        }
        return query;
    }

    /** The counters of one run; replaced as a whole on reset. */
    private static final class Tally {

        final long delayMillis;
        private final int records;
        private final int keys;
        private final AtomicLongArray seen;
        private final AtomicIntegerArray lastSequence;
        private final AtomicIntegerArray inFlight;
        private final LongAdder requests = new LongAdder();
        private final LongAdder distinct = new LongAdder();
        private final LongAdder unknown = new LongAdder();
        private final LongAdder orderViolations = new LongAdder();
        private final LongAdder repeatedSequences = new LongAdder();
        private final LongAdder overlaps = new LongAdder();
        private final AtomicInteger concurrent = new AtomicInteger();
        private final AtomicInteger peakConcurrent = new AtomicInteger();
        private final AtomicLong firstAt = new AtomicLong(Long.MAX_VALUE);
        private final AtomicLong lastDistinctAt = new AtomicLong();
        private final Histogram latency = new Histogram();
        private final Histogram warmLatency = new Histogram();

        Tally(int records, int keys, long delayMillis) {
            this.records = records;
            this.keys = keys;
            this.delayMillis = delayMillis;
            this.seen = new AtomicLongArray(Math.max(1, (records + 63) / 64));
            this.lastSequence = new AtomicIntegerArray(Math.max(1, keys));
            this.inFlight = new AtomicIntegerArray(Math.max(1, keys));
            for (int k = 0; k < keys; k++) {
                lastSequence.set(k, -1);
            }
        }

        /** Counts a received call; returns its key index if order is checked, else -1. */
        int received(byte[] body, long latencyMillis, long now) {
            requests.increment();
            peakConcurrent.accumulateAndGet(concurrent.incrementAndGet(), Math::max);
            long first = firstAt.accumulateAndGet(now, Math::min);
            if (latencyMillis >= 0) {
                latency.add(latencyMillis);
                if (now - first >= WARM_AFTER_MILLIS) {
                    warmLatency.add(latencyMillis);
                }
            }
            long i = BenchRecord.field(body, 'i');
            if (i < 0 || i >= records) {
                unknown.increment();
                return -1;
            }
            long bit = 1L << (i & 63);
            if ((seen.getAndAccumulate((int) (i >>> 6), bit, (a, b) -> a | b) & bit) == 0) {
                distinct.increment();
                lastDistinctAt.accumulateAndGet(now, Math::max);
            }
            if (keys == 0) {
                return -1;
            }
            int k = (int) BenchRecord.field(body, 'k');
            int s = (int) BenchRecord.field(body, 's');
            if (k < 0 || k >= keys) {
                return -1;
            }
            if (inFlight.incrementAndGet(k) > 1) {
                overlaps.increment();
            }
            int previous = lastSequence.getAndAccumulate(k, s, Math::max);
            if (s < previous) {
                orderViolations.increment();
            } else if (s == previous) {
                repeatedSequences.increment();
            }
            return k;
        }

        void done(int key) {
            concurrent.decrementAndGet();
            if (key >= 0) {
                inFlight.decrementAndGet(key);
            }
        }

        /** The counters as JSON; the latency percentiles (a scan of every bucket) only when asked for. */
        String json(boolean withLatency) {
            return ("{\"requests\":%d,\"distinct\":%d,\"unknown\":%d,\"order_violations\":%d,\"repeated_sequences\":%d,"
                    + "\"overlaps\":%d,\"in_flight\":%d,\"peak_in_flight\":%d,\"first_at\":%d,\"last_distinct_at\":%d,"
                    + "\"latency_ms\":%s,\"warm_latency_ms\":%s}").formatted(requests.sum(),
                    distinct.sum(), unknown.sum(), orderViolations.sum(), repeatedSequences.sum(), overlaps.sum(),
                    concurrent.get(), peakConcurrent.get(), firstAt.get() == Long.MAX_VALUE ? 0 : firstAt.get(),
                    lastDistinctAt.get(), latency.json(withLatency), warmLatency.json(withLatency));
        }
    }

    /** Latencies in one-millisecond buckets up to {@value #LATENCY_BUCKETS} ms. */
    private static final class Histogram {

        private static final int LATENCY_BUCKETS = 300_000;

        private final AtomicLongArray buckets = new AtomicLongArray(LATENCY_BUCKETS + 1);
        private final AtomicLong max = new AtomicLong(-1);
        private final LongAdder count = new LongAdder();

        void add(long millis) {
            buckets.incrementAndGet((int) Math.min(millis, LATENCY_BUCKETS));
            count.increment();
            max.accumulateAndGet(millis, Math::max);
        }

        String json(boolean withPercentiles) {
            long n = count.sum();
            return "{\"count\":%d,\"p50\":%d,\"p99\":%d,\"max\":%d}".formatted(n,
                    withPercentiles ? percentile(n, 0.50) : -1, withPercentiles ? percentile(n, 0.99) : -1, max.get());
        }

        private long percentile(long n, double fraction) {
            if (n == 0) {
                return -1;
            }
            long rank = (long) Math.ceil(fraction * n);
            long cumulative = 0;
            for (int b = 0; b <= LATENCY_BUCKETS; b++) {
                cumulative += buckets.get(b);
                if (cumulative >= rank) {
                    return b;
                }
            }
            return LATENCY_BUCKETS;
        }
    }
}
