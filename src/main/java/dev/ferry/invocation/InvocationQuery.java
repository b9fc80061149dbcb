package dev.ferry.invocation;

import java.time.Instant;

/**
 * Filters for listing invocations; null fields match everything. {@code cursor} is the id of the last
 * invocation of the previous page.
 */
public record InvocationQuery(String subscription, String service, String handler, String key, String status,
        String completion, Instant createdAfter, Instant createdBefore, String cursor, boolean oldestFirst,
        int limit) {

    public static InvocationQuery newest(int limit) {
        return new InvocationQuery(null, null, null, null, null, null, null, null, null, false, limit);
    }
}
