package dev.ferry.console;

import java.time.Instant;
import java.util.Map;

import org.jspecify.annotations.Nullable;

/** Percentiles from a latency histogram's cumulative bucket counts, interpolated within the bucket. */
final class Quantiles {

    private Quantiles() {
    }

    /** p50 and p99 of the calls the buckets count (upper bound in ms to cumulative count); null for none. */
    static ConsoleMeters.@Nullable LatencyPoint point(Instant at, Map<Double, Double> cumulative) {
        double total = cumulative.values().stream().mapToDouble(Double::doubleValue).max().orElse(0);
        if (total <= 0) {
            return null;
        }
        return new ConsoleMeters.LatencyPoint(at, quantile(cumulative, total, 0.5), quantile(cumulative, total, 0.99),
                Math.round(total));
    }

    /** The buckets must iterate in ascending bound order (a {@code TreeMap}). */
    static double quantile(Map<Double, Double> cumulative, double total, double q) {
        double rank = q * total;
        double lowerBound = 0;
        double lowerCount = 0;
        for (Map.Entry<Double, Double> bucket : cumulative.entrySet()) {
            if (bucket.getValue() >= rank) {
                double inBucket = bucket.getValue() - lowerCount;
                double fraction = inBucket <= 0 ? 1 : (rank - lowerCount) / inBucket;
                return lowerBound + (bucket.getKey() - lowerBound) * fraction;
            }
            lowerBound = bucket.getKey();
            lowerCount = bucket.getValue();
        }
        return lowerBound;
    }
}
