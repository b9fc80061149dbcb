package dev.ferry.invocation;

import java.time.Duration;

import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotNull;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * How long completed invocations are kept, and how they are purged.
 *
 * @param retention     how long a completed invocation is kept (a service's retention overrides it)
 * @param sweepInterval how often expired invocations are purged
 * @param sweepBatch    rows deleted per statement, so a sweep never holds long locks
 * @param gaugeInterval how often the instance reporting the database-wide gauges refreshes them; the others
 *                      take over reporting once it has not done so for three intervals
 * @param workflowRetention how long a workflow's completed run is kept, and with it the workflow's state and
 *                      promises (Restate's default, one day; a service's retention overrides it); until it is
 *                      purged, the key cannot run again
 */
@ConfigurationProperties("ferry.invocations")
@Validated
public record InvocationProperties(
        @DefaultValue("24h") @NotNull Duration retention,
        @DefaultValue("1m") @NotNull Duration sweepInterval,
        @DefaultValue("1000") @Min(1) int sweepBatch,
        @DefaultValue("15s") @NotNull Duration gaugeInterval,
        @DefaultValue("24h") @NotNull Duration workflowRetention) {
}
