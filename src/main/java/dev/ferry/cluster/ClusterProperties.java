package dev.ferry.cluster;

import java.time.Duration;
import java.util.List;

import jakarta.validation.constraints.NotNull;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * How Ferry watches its Kafka clusters.
 *
 * @param connectionCheckInterval how often every cluster is connected to, to report its state
 * @param connectionCheckTimeout  how long one connection check (and a {@code ?validate=true}) may take
 * @param allowedClasses          classes that class-valued client properties ({@code interceptor.classes},
 *                                {@code metric.reporters}, ...) may name besides Kafka's built-in ones
 */
@ConfigurationProperties("ferry.cluster")
@Validated
public record ClusterProperties(
        @DefaultValue("30s") @NotNull Duration connectionCheckInterval,
        @DefaultValue("10s") @NotNull Duration connectionCheckTimeout,
        @DefaultValue({}) List<String> allowedClasses) {
}
