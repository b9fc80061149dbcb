package dev.ferry.restate;

import java.time.Duration;

import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotNull;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.util.unit.DataSize;
import org.springframework.validation.annotation.Validated;

/**
 * How Ferry talks to Restate SDK deployments.
 *
 * @param connectTimeout  time to open a connection to a deployment
 * @param maxMessageSize  the largest single protocol message accepted from a deployment (a run result, an output)
 * @param maxResponseSize the largest whole answer of one attempt
 * @param maxStreamsPerConnection the attempts one HTTP/2 connection to a deployment carries at once; more attempts
 *                        open more connections. The streams of a connection share its flow-control window (64 KiB
 *                        by default in Node's HTTP/2 server) and the client's frame queue for it; 128 spread the
 *                        256 calls in flight that an instance makes by default over two connections
 */
@Validated
@ConfigurationProperties("ferry.restate")
public record RestateProperties(
        @DefaultValue("5s") @NotNull Duration connectTimeout,
        @DefaultValue("10MB") @NotNull DataSize maxMessageSize,
        @DefaultValue("64MB") @NotNull DataSize maxResponseSize,
        @DefaultValue("128") @Min(1) int maxStreamsPerConnection) {

    /** The defaults, for use outside Spring. */
    public static RestateProperties defaults() {
        return new RestateProperties(Duration.ofSeconds(5), DataSize.ofMegabytes(10), DataSize.ofMegabytes(64), 128);
    }
}
