package dev.ferry.invocation;

/** Filters for listing invocations; null fields match everything. */
public record InvocationQuery(String subscription, String service, String handler, String key, String status,
        int limit) {
}
