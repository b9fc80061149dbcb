package dev.ferry.console;

import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.LinkedHashMap;
import java.util.Map;

import org.jspecify.annotations.Nullable;

import dev.ferry.invocation.InvocationQuery;
import dev.ferry.invocation.QueryChecks;
import dev.ferry.web.InvalidRequest;

/**
 * The filters of {@code GET /invocations} as the console's forms send them: blank fields match everything,
 * times are ISO-8601 instants.
 */
record InvocationFilter(@Nullable String subscription, @Nullable String service, @Nullable String handler,
        @Nullable String key, @Nullable String status, @Nullable String completion, @Nullable String createdAfter,
        @Nullable String createdBefore) {

    InvocationFilter {
        subscription = blankToNull(subscription);
        service = blankToNull(service);
        handler = blankToNull(handler);
        key = blankToNull(key);
        status = blankToNull(status);
        completion = blankToNull(completion);
        createdAfter = blankToNull(createdAfter);
        createdBefore = blankToNull(createdBefore);
    }

    InvocationQuery query(@Nullable String cursor, boolean oldestFirst, int limit) {
        return QueryChecks.checked(new InvocationQuery(subscription, service, handler, key, status, completion,
                instant("created_after", createdAfter), instant("created_before", createdBefore),
                blankToNull(cursor), oldestFirst, limit));
    }

    /** The same filter without its status, for counts by status. */
    InvocationQuery countQuery() {
        return new InvocationFilter(subscription, service, handler, key, null, completion, createdAfter,
                createdBefore).query(null, false, 1);
    }

    /** The filter as query parameters, for links that keep it (paging, the bulk form). */
    public Map<String, String> parameters() {
        Map<String, String> parameters = new LinkedHashMap<>();
        put(parameters, "subscription", subscription);
        put(parameters, "service", service);
        put(parameters, "handler", handler);
        put(parameters, "key", key);
        put(parameters, "status", status);
        put(parameters, "completion", completion);
        put(parameters, "createdAfter", createdAfter);
        put(parameters, "createdBefore", createdBefore);
        return parameters;
    }

    public boolean isEmpty() {
        return parameters().isEmpty();
    }

    private static void put(Map<String, String> parameters, String name, @Nullable String value) {
        if (value != null) {
            parameters.put(name, value);
        }
    }

    private static @Nullable Instant instant(String field, @Nullable String text) {
        if (text == null) {
            return null;
        }
        try {
            return Instant.parse(text);
        } catch (DateTimeParseException e) {
            throw InvalidRequest.of(field, "'%s' must be an ISO-8601 instant such as 2025-06-01T12:00:00Z, not '%s'."
                    .formatted(field, text));
        }
    }

    private static @Nullable String blankToNull(@Nullable String value) {
        return value == null || value.isBlank() ? null : value.strip();
    }
}
