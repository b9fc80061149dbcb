package dev.ferry.dispatch;

import java.time.Duration;

import dev.ferry.service.RetrySettings;
import dev.ferry.service.RetrySettings.OnMaxAttempts;

/** A fully resolved retry policy: handler settings over service settings over the global defaults. */
record RetryPolicy(Duration initialInterval, double factor, Duration maxInterval, int maxAttempts,
        OnMaxAttempts onMaxAttempts) {

    static RetryPolicy resolve(RetrySettings target, DispatchProperties.Retry defaults) {
        return new RetryPolicy(
                target.initialInterval() != null ? target.initialInterval() : defaults.initialInterval(),
                target.factor() != null ? target.factor() : defaults.factor(),
                target.maxInterval() != null ? target.maxInterval() : defaults.maxInterval(),
                target.maxAttempts() != null ? target.maxAttempts() : defaults.maxAttempts(),
                target.onMaxAttempts() != null ? target.onMaxAttempts() : defaults.onMaxAttempts());
    }

    /** Whether another attempt is allowed after {@code attempt} attempts have been made. */
    boolean allowsAnotherAfter(int attempt) {
        return maxAttempts == 0 || attempt < maxAttempts;
    }

    /**
     * The wait before the attempt that follows attempt number {@code attempt} (1-based), at most
     * {@code maxInterval}; computed in floating point, so no interval or attempt number overflows it.
     */
    Duration backoffAfter(int attempt) {
        double millis = millis(initialInterval) * Math.pow(factor, Math.max(0, attempt - 1));
        if (Double.isNaN(millis) || millis >= millis(maxInterval)) {
            return maxInterval;
        }
        return Duration.ofMillis((long) Math.max(0, millis));
    }

    private static double millis(Duration duration) {
        return duration.getSeconds() * 1000.0 + duration.getNano() / 1_000_000.0;
    }
}
