package dev.ferry.web;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.util.unit.DataSize;

/**
 * Limits on what a request may carry.
 *
 * @param maxRequestSize the largest body of an admin API request (clusters, services, subscriptions,
 *        invocations); a larger one is refused with 413
 * @param maxRpcRequestSize the largest body of {@code POST /call/...} and {@code /send/...}, the handler's
 *        input; a larger one is refused with 413
 */
@ConfigurationProperties("ferry.api")
public record ApiProperties(@DefaultValue("1MB") DataSize maxRequestSize,
        @DefaultValue("1MB") DataSize maxRpcRequestSize) {
}
