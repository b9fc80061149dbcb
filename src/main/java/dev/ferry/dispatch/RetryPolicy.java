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

    /** The wait before the attempt that follows attempt number {@code attempt} (1-based). */
    Duration backoffAfter(int attempt) {
        double millis = initialInterval.toMillis() * Math.pow(factor, Math.max(0, attempt - 1));
        return millis >= maxInterval.toMillis() ? maxInterval : Duration.ofMillis((long) millis);
    }
}
