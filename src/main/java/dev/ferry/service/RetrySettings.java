package dev.ferry.service;

import java.time.Duration;
import java.util.Objects;

import jakarta.persistence.Column;
import jakarta.persistence.Embeddable;

/**
 * Retry settings of a service or handler. Each field may be null, meaning "inherit": a handler's
 * setting wins over its service's, which wins over Ferry's global default.
 */
@Embeddable
public class RetrySettings {

    @Column(name = "retry_initial_interval_ms")
    private Long initialIntervalMillis;

    @Column(name = "retry_factor")
    private Double factor;

    @Column(name = "retry_max_interval_ms")
    private Long maxIntervalMillis;

    /** Attempts in all, including the first; 0 means unlimited. */
    @Column(name = "retry_max_attempts")
    private Integer maxAttempts;

    @Column(name = "retry_on_max_attempts")
    private String onMaxAttempts;

    protected RetrySettings() {
    }

    public RetrySettings(Duration initialInterval, Double factor, Duration maxInterval, Integer maxAttempts,
            OnMaxAttempts onMaxAttempts) {
        this.initialIntervalMillis = initialInterval == null ? null : initialInterval.toMillis();
        this.factor = factor;
        this.maxIntervalMillis = maxInterval == null ? null : maxInterval.toMillis();
        this.maxAttempts = maxAttempts;
        this.onMaxAttempts = onMaxAttempts == null ? null : onMaxAttempts.name();
    }

    public static RetrySettings inherit() {
        return new RetrySettings(null, null, null, null, null);
    }

    public Duration initialInterval() {
        return initialIntervalMillis == null ? null : Duration.ofMillis(initialIntervalMillis);
    }

    public Double factor() {
        return factor;
    }

    public Duration maxInterval() {
        return maxIntervalMillis == null ? null : Duration.ofMillis(maxIntervalMillis);
    }

    public Integer maxAttempts() {
        return maxAttempts;
    }

    public OnMaxAttempts onMaxAttempts() {
        return onMaxAttempts == null ? null : OnMaxAttempts.valueOf(onMaxAttempts);
    }

    /** This setting where present, otherwise the fallback's. */
    public RetrySettings orElse(RetrySettings fallback) {
        if (fallback == null) {
            return this;
        }
        return new RetrySettings(
                initialInterval() != null ? initialInterval() : fallback.initialInterval(),
                factor != null ? factor : fallback.factor(),
                maxInterval() != null ? maxInterval() : fallback.maxInterval(),
                maxAttempts != null ? maxAttempts : fallback.maxAttempts(),
                onMaxAttempts() != null ? onMaxAttempts() : fallback.onMaxAttempts());
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof RetrySettings that && Objects.equals(initialIntervalMillis, that.initialIntervalMillis)
                && Objects.equals(factor, that.factor)
                && Objects.equals(maxIntervalMillis, that.maxIntervalMillis)
                && Objects.equals(maxAttempts, that.maxAttempts)
                && Objects.equals(onMaxAttempts, that.onMaxAttempts);
    }

    @Override
    public int hashCode() {
        return Objects.hash(initialIntervalMillis, factor, maxIntervalMillis, maxAttempts, onMaxAttempts);
    }

    /** What happens when an invocation has used all its attempts. */
    public enum OnMaxAttempts {
        /** The invocation is paused, for an operator to resume or kill. */
        PAUSE,
        /** The invocation is completed with failure {@code killed}. */
        KILL
    }
}
