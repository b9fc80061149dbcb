package dev.ferry.consumer;

import java.time.Duration;

import jakarta.validation.Valid;
import jakarta.validation.constraints.DecimalMin;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotNull;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * How Ferry runs its consumers.
 *
 * @param reconcileInterval  how often the running consumers are compared with the stored subscriptions
 * @param concurrency        consumer threads per subscription on this instance
 * @param maxPollRecords     records per poll, and so per ingest transaction (a subscription option may override it)
 * @param pollTimeout        how long one poll waits for records; bounds how quickly a consumer stops
 * @param stopTimeout        how long stopping all consumers may take
 * @param lagInterval        how often each consumer measures its lag against the group's committed offsets
 * @param deadLetterInterval how often the records of failed invocations are looked for to publish as dead letters
 * @param errorBackoff       how a consumer waits before polling a batch again that it could not store
 * @param authRetryInterval  how long a consumer the cluster refused authentication waits before trying again
 * @param clientMetrics      export the Kafka clients' own metrics ({@code kafka_consumer_*} of each consumer,
 *                           {@code kafka_producer_*} of each dead-letter producer): some hundred series per client
 */
@ConfigurationProperties("ferry.consumer")
@Validated
public record ConsumerProperties(
        @DefaultValue("10s") @NotNull Duration reconcileInterval,
        @DefaultValue("1") @Min(1) int concurrency,
        @DefaultValue("1000") @Min(1) int maxPollRecords,
        @DefaultValue("1s") @NotNull Duration pollTimeout,
        @DefaultValue("15s") @NotNull Duration stopTimeout,
        @DefaultValue("5s") @NotNull Duration lagInterval,
        @DefaultValue("1s") @NotNull Duration deadLetterInterval,
        @DefaultValue @Valid ErrorBackoff errorBackoff,
        @DefaultValue("10s") @NotNull Duration authRetryInterval,
        @DefaultValue("true") boolean clientMetrics) {

    /**
     * Exponential backoff between attempts to store a batch: from {@code initialInterval} up to {@code maxInterval}.
     */
    public record ErrorBackoff(
            @DefaultValue("500ms") @NotNull Duration initialInterval,
            @DefaultValue("2.0") @DecimalMin("1.0") double multiplier,
            @DefaultValue("30s") @NotNull Duration maxInterval) {
    }
}
