package dev.ferry.consumer;

import java.time.Duration;

import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotNull;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * How Ferry runs its consumers.
 *
 * @param reconcileInterval how often the running consumers are compared with the stored subscriptions
 * @param concurrency       consumer threads per subscription on this instance
 * @param maxPollRecords    records per poll, and so per ingest transaction (a subscription option may override it)
 * @param pollTimeout       how long one poll waits for records; bounds how quickly a consumer stops
 * @param stopTimeout       how long stopping all consumers may take
 * @param lagInterval       how often each consumer measures its lag against the group's committed offsets
 */
@ConfigurationProperties("ferry.consumer")
@Validated
public record ConsumerProperties(
        @DefaultValue("10s") @NotNull Duration reconcileInterval,
        @DefaultValue("1") @Min(1) int concurrency,
        @DefaultValue("1000") @Min(1) int maxPollRecords,
        @DefaultValue("1s") @NotNull Duration pollTimeout,
        @DefaultValue("15s") @NotNull Duration stopTimeout,
        @DefaultValue("5s") @NotNull Duration lagInterval) {
}
