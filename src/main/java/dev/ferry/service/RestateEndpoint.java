package dev.ferry.service;

/**
 * Where the services of one Restate SDK deployment are served: its id ({@code dp_...}), its URI, the HTTP version
 * to call it with and the range of service protocol versions its manifest declared (both inclusive).
 */
public record RestateEndpoint(String deploymentId, String uri, boolean useHttp11, int minProtocolVersion,
        int maxProtocolVersion) {
}
