package dev.ferry.console;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.distribution.CountAtBucket;
import org.jspecify.annotations.Nullable;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;

/**
 * What the console reads from Ferry's own meters: consumer lag per partition, records in and invocations
 * completed per second over the last minute, and p50/p99 handler-call latency over time. Rates and latency
 * come from samples taken every {@code ferry.console.sample-interval} (10 s), since the meters themselves
 * are cumulative; the samples of the last {@value #KEPT_POINTS} intervals are kept, in memory only.
 */
@Component
class ConsoleMeters {

    static final int KEPT_POINTS = 60;
    static final Duration RATE_WINDOW = Duration.ofMinutes(1);

    /** One partition's lag, as {@code topic-partition}. */
    record Lag(String partition, long lag) {
    }

    /** p50 and p99 of the handler calls made during one sample interval, in milliseconds. */
    record LatencyPoint(Instant at, double p50, double p99, long calls) {
    }

    private record Count(Instant at, double value) {
    }

    private final MeterRegistry registry;
    private final Clock clock;
    private final Map<String, Deque<Count>> ingested = new ConcurrentHashMap<>();
    private final Map<String, Deque<Count>> completed = new ConcurrentHashMap<>();
    private final Map<String, Deque<LatencyPoint>> latency = new ConcurrentHashMap<>();
    private final Map<String, Map<Double, Double>> lastBuckets = new ConcurrentHashMap<>();
    private volatile @Nullable Instant lastSample;

    ConsoleMeters(MeterRegistry registry, Clock clock) {
        this.registry = registry;
        this.clock = clock;
    }

    List<Lag> lag(String subscription) {
        return registry.find("ferry.consumer.lag").tag("subscription", subscription).gauges().stream()
                .map(gauge -> new Lag(gauge.getId().getTag("topic") + "-" + gauge.getId().getTag("partition"),
                        (long) gauge.value()))
                .sorted(Comparator.comparing(Lag::partition)).toList();
    }

    double ingestRate(String subscription) {
        return rate(ingested.get(subscription));
    }

    double completionRate(String service, String handler) {
        return rate(completed.get(service + "/" + handler));
    }

    List<LatencyPoint> latency(String service, String handler) {
        Deque<LatencyPoint> points = latency.get(service + "/" + handler);
        return points == null ? List.of() : List.copyOf(points);
    }

    @Scheduled(fixedRateString = "${ferry.console.sample-interval:10s}", initialDelay = 0)
    void sample() {
        Instant now = clock.instant();
        Instant before = lastSample == null ? now : lastSample;
        lastSample = now;
        Map<String, Double> in = new HashMap<>();
        registry.find("ferry.records.ingested").counters().forEach(counter ->
                in.merge(counter.getId().getTag("subscription"), counter.count(), Double::sum));
        in.forEach((subscription, value) -> count(ingested, subscription, before, now, value));
        Map<String, Double> done = new HashMap<>();
        for (Counter counter : registry.find("ferry.invocations.completed").counters()) {
            done.merge(handlerKey(counter.getId().getTag("service"), counter.getId().getTag("handler")),
                    counter.count(), Double::sum);
        }
        done.forEach((handler, value) -> count(completed, handler, before, now, value));
        sampleLatency(now);
    }

    private void sampleLatency(Instant now) {
        Map<String, Map<Double, Double>> buckets = new HashMap<>();
        for (Timer timer : registry.find("ferry.handler.calls").timers()) {
            Map<Double, Double> handler = buckets.computeIfAbsent(
                    handlerKey(timer.getId().getTag("service"), timer.getId().getTag("handler")),
                    ignored -> new TreeMap<>());
            for (CountAtBucket bucket : timer.takeSnapshot().histogramCounts()) {
                handler.merge(bucket.bucket(TimeUnit.MILLISECONDS), bucket.count(), Double::sum);
            }
        }
        buckets.forEach((handler, cumulative) -> {
            Map<Double, Double> previous = lastBuckets.put(handler, cumulative);
            Map<Double, Double> delta = new TreeMap<>();
            boolean restarted = false;
            for (Map.Entry<Double, Double> bucket : cumulative.entrySet()) {
                double before = previous == null ? 0 : previous.getOrDefault(bucket.getKey(), 0.0);
                restarted |= bucket.getValue() < before;
                delta.put(bucket.getKey(), bucket.getValue() - before);
            }
            LatencyPoint point = restarted ? Quantiles.point(now, cumulative) : Quantiles.point(now, delta);
            if (point != null) {
                keep(latency, handler, point);
            }
        });
    }

    /** A counter seen for the first time was at zero when the sample before was taken. */
    private static void count(Map<String, Deque<Count>> series, String key, Instant before, Instant now,
            double value) {
        if (!series.containsKey(key) && before.isBefore(now)) {
            keep(series, key, new Count(before, 0));
        }
        keep(series, key, new Count(now, value));
    }

    private static <T> void keep(Map<String, Deque<T>> series, String key, T value) {
        Deque<T> values = series.computeIfAbsent(key, ignored -> new ArrayDeque<>());
        synchronized (values) {
            values.addLast(value);
            while (values.size() > KEPT_POINTS) {
                values.removeFirst();
            }
        }
    }

    /** Per second, between the newest sample and the oldest one within the last minute. */
    private static double rate(Deque<Count> counts) {
        if (counts == null) {
            return 0;
        }
        List<Count> copy;
        synchronized (counts) {
            copy = new ArrayList<>(counts);
        }
        if (copy.size() < 2) {
            return 0;
        }
        Count newest = copy.getLast();
        Count oldest = copy.stream().filter(count -> !count.at().isBefore(newest.at().minus(RATE_WINDOW)))
                .findFirst().orElse(newest);
        double seconds = Duration.between(oldest.at(), newest.at()).toMillis() / 1000.0;
        return seconds <= 0 ? 0 : Math.max(0, newest.value() - oldest.value()) / seconds;
    }

    static String handlerKey(String service, String handler) {
        return service + "/" + handler;
    }
}
