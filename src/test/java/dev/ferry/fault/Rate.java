package dev.ferry.fault;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import java.util.stream.Collectors;

/**
 * Calls per second during a fault, leaving out its first seconds, while retry waits grow to their longest:
 * the average and the busiest one-second step.
 */
record Rate(double average, double busiest) {

    /** The part of a fault left out, while the retry waits grow from the first to the longest. */
    static final Duration RAMP = Duration.ofSeconds(5);

    /** From samples of a running count ({@code [nanoTime, count]}) taken once a second: busiest is one step's count. */
    static Rate ofSamples(List<long[]> samples, FaultWindow window) {
        List<long[]> steady = samples.stream().filter(sample -> sample[0] >= window.begin() + RAMP.toNanos()
                && sample[0] <= window.end()).sorted(Comparator.comparingLong(sample -> sample[0])).toList();
        assertThat(steady).as("samples during the outage").hasSizeGreaterThan(2);
        double busiest = 0;
        for (int i = 1; i < steady.size(); i++) {
            busiest = Math.max(busiest, steady.get(i)[1] - steady.get(i - 1)[1]);
        }
        long[] first = steady.getFirst();
        long[] last = steady.getLast();
        return new Rate(perSecond(last[1] - first[1], last[0] - first[0]), busiest);
    }

    /** From the calls the handler saw that match {@code which}, in one-second buckets. */
    static Rate ofCalls(List<KeyedStream.Call> calls, FaultWindow window, Predicate<KeyedStream.Call> which) {
        long from = window.begin() + RAMP.toNanos();
        long seconds = Math.max(1, (window.end() - from) / 1_000_000_000L);
        long[] buckets = new long[(int) seconds];
        long total = 0;
        for (KeyedStream.Call call : calls) {
            long bucket = (call.startNanos() - from) / 1_000_000_000L;
            if (call.startNanos() >= from && bucket < seconds && which.test(call)) {
                buckets[(int) bucket]++;
                total++;
            }
        }
        long busiest = 0;
        for (long bucket : buckets) {
            busiest = Math.max(busiest, bucket);
        }
        return new Rate(total / (double) seconds, busiest);
    }

    /** The shortest time between a call of a key that was refused during the window and that key's next call. */
    static Duration shortestRetryGap(List<KeyedStream.Call> calls, FaultWindow window) {
        Map<String, List<KeyedStream.Call>> byKey = calls.stream()
                .filter(call -> call.startNanos() >= window.begin() && call.startNanos() <= window.end())
                .collect(Collectors.groupingBy(KeyedStream.Call::key));
        long shortest = Long.MAX_VALUE;
        for (List<KeyedStream.Call> ofKey : byKey.values()) {
            List<KeyedStream.Call> sorted = new ArrayList<>(ofKey);
            sorted.sort(Comparator.comparingLong(KeyedStream.Call::startNanos));
            for (int i = 1; i < sorted.size(); i++) {
                if (!sorted.get(i - 1).succeeded()) {
                    shortest = Math.min(shortest, sorted.get(i).startNanos() - sorted.get(i - 1).startNanos());
                }
            }
        }
        return shortest == Long.MAX_VALUE ? Duration.ZERO : Duration.ofNanos(shortest);
    }

    /**
     * The average stays within a quarter above {@code averageBound} per second, and no second sees more than
     * {@code busiestBound} calls (one per key, when a key waits at least a second between calls).
     */
    void assertBounded(double averageBound, int busiestBound) {
        assertThat(average).as("calls per second during the outage, on average")
                .isLessThanOrEqualTo(averageBound * 1.25);
        assertThat(busiest).as("calls in the busiest second of the outage").isLessThanOrEqualTo(busiestBound);
    }

    private static double perSecond(long count, long nanos) {
        return nanos <= 0 ? 0 : count * 1e9 / nanos;
    }

    @Override
    public String toString() {
        return "%.1f/s on average, %.0f in the busiest second".formatted(average, busiest);
    }
}
