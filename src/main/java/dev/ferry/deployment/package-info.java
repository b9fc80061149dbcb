/**
 * Restate SDK deployments: an endpoint whose manifest Ferry reads ({@code GET {uri}/discover}, over HTTP/2
 * cleartext or HTTP/1.1) and whose services it registers as services of protocol {@code restate}. Serves
 * {@code /deployments} and the {@code /v4/...} resources Restate's CLI reads, in the shapes of Restate's admin API.
 */
package dev.ferry.deployment;
