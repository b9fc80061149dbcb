package dev.ferry.service;

import java.time.Duration;

/**
 * What a handler of a Restate SDK deployment needs beyond a plain handler: the deployment it belongs to, whether
 * to call it over HTTP/1.1 instead of HTTP/2 cleartext, the range of service protocol versions the deployment
 * speaks (both inclusive), whether the handler asks for lazy state, the abort timeout (null: the default) and
 * the service's revision.
 */
public record RestateTarget(String deploymentId, boolean useHttp11, int minProtocolVersion, int maxProtocolVersion,
        boolean enableLazyState, Duration abortTimeout, int revision) {
}
