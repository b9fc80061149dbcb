package dev.ferry.results;

import java.time.Duration;

import jakarta.validation.constraints.NotNull;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * Producing results to Kafka.
 *
 * @param interval      how often the result outbox is looked at when the last round found nothing
 * @param batch         results produced in one Kafka transaction at most
 * @param lookBack      how far before a cut-short round a result topic is read to find what that round produced
 * @param commitTimeout how long one Kafka transaction may take before the round is given up and tried again
 */
@ConfigurationProperties("ferry.results")
@Validated
record ResultProperties(@DefaultValue("100ms") @NotNull Duration interval, @DefaultValue("500") int batch,
        @DefaultValue("5m") @NotNull Duration lookBack, @DefaultValue("30s") @NotNull Duration commitTimeout) {
}
