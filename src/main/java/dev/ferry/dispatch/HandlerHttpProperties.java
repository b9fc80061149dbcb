package dev.ferry.dispatch;

import java.time.Duration;

import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotNull;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * The connection pools of plain HTTP handler calls, one per endpoint (scheme, host and port: services on one
 * endpoint share its pool).
 *
 * @param maxConnectionsPerEndpoint connections open at once to one endpoint; a call finding them all busy waits in
 *                                  the endpoint's queue (the wait counts against the call's timeout). The default
 *                                  is {@code ferry.dispatch.max-in-flight}'s, so that by default no call waits
 * @param maxQueuedPerEndpoint      calls waiting for a connection to one endpoint; a call beyond them is not sent
 *                                  and is retried like a failed connection
 * @param idleTimeout               how long an unused connection stays open for the next call
 */
@ConfigurationProperties("ferry.dispatch.http")
@Validated
public record HandlerHttpProperties(
        @DefaultValue("256") @Min(1) int maxConnectionsPerEndpoint,
        @DefaultValue("1024") @Min(1) int maxQueuedPerEndpoint,
        @DefaultValue("30s") @NotNull Duration idleTimeout) {

    /** The defaults, for clients made outside Spring. */
    static HandlerHttpProperties defaults() {
        return new HandlerHttpProperties(256, 1024, Duration.ofSeconds(30));
    }
}
