package dev.ferry.dispatch;

import java.time.Duration;

import jakarta.validation.Valid;
import jakarta.validation.constraints.DecimalMin;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotNull;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.util.unit.DataSize;
import org.springframework.validation.annotation.Validated;

import dev.ferry.service.RetrySettings.OnMaxAttempts;

/**
 * How Ferry runs invocations.
 *
 * @param maxInFlight     handler calls in flight at once on this instance
 * @param claimBatch      invocations claimed from the database in one statement
 * @param pollInterval    how often to look for work that no local event announced (due retries, other instances)
 * @param lease           how long a claimed invocation stays owned by this instance without renewal
 * @param callTimeout     default time a handler has to answer
 * @param connectTimeout  time to open a connection to a handler
 * @param shutdownTimeout how long a graceful stop of the dispatcher takes at most, in all: one deadline shared by
 *                        the claimer, the calls in flight and the writing of their outcomes
 * @param resultLimit     the largest handler response kept as an invocation's result
 * @param retry           the default retry policy, overridable per service and handler
 * @param stuckAfter      how long claiming or recording outcomes may fail before the {@code dispatcher} health
 *                        component reports it (DEGRADED) and a warning says so
 */
@ConfigurationProperties("ferry.dispatch")
@Validated
public record DispatchProperties(
        @DefaultValue("256") @Min(1) int maxInFlight,
        @DefaultValue("256") @Min(1) int claimBatch,
        @DefaultValue("500ms") @NotNull Duration pollInterval,
        @DefaultValue("30s") @NotNull Duration lease,
        @DefaultValue("30s") @NotNull Duration callTimeout,
        @DefaultValue("5s") @NotNull Duration connectTimeout,
        @DefaultValue("10s") @NotNull Duration shutdownTimeout,
        @DefaultValue("1MB") @NotNull DataSize resultLimit,
        @DefaultValue @Valid Retry retry,
        @DefaultValue("30s") @NotNull Duration stuckAfter) {

    /** The global retry policy. {@code maxAttempts} 0 means unlimited. */
    public record Retry(
            @DefaultValue("100ms") @NotNull Duration initialInterval,
            @DefaultValue("2.0") @DecimalMin("1.0") double factor,
            @DefaultValue("30s") @NotNull Duration maxInterval,
            @DefaultValue("50") @Min(0) int maxAttempts,
            @DefaultValue("PAUSE") @NotNull OnMaxAttempts onMaxAttempts) {
    }
}
