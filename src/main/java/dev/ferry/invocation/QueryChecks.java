package dev.ferry.invocation;

import java.time.Instant;
import java.util.regex.Pattern;

import dev.ferry.shared.StoredText;
import dev.ferry.web.InvalidRequest;

/**
 * Refuses filters no invocation can match because they cannot be compared with what is stored: text
 * PostgreSQL would refuse (NUL, over-long keys), creation times outside the range an id can hold, and
 * cursors that are not invocation ids. The API and the console check every filter with it.
 */
public final class QueryChecks {

    /** The earliest creation time a filter may name: ids count milliseconds from the epoch. */
    static final Instant EARLIEST = Instant.EPOCH;

    /** The latest creation time a filter may name. */
    static final Instant LATEST = Instant.parse("9999-12-31T23:59:59.999Z");

    /** What {@code Ids.next("inv_", ...)} makes: the prefix and 26 Crockford base32 characters. */
    private static final Pattern INVOCATION_ID = Pattern.compile("inv_[0-9a-hjkmnp-tv-z]{26}");

    private QueryChecks() {
    }

    public static InvocationQuery checked(InvocationQuery query) {
        text("subscription", query.subscription(), StoredText.MAX_KEY_BYTES);
        text("service", query.service(), StoredText.MAX_KEY_BYTES);
        text("handler", query.handler(), StoredText.MAX_KEY_BYTES);
        text("key", query.key(), StoredText.MAX_KEY_BYTES);
        time("created_after", query.createdAfter());
        time("created_before", query.createdBefore());
        if (query.cursor() != null && !INVOCATION_ID.matcher(query.cursor()).matches()) {
            throw InvalidRequest.of("cursor", "cursor is not one Ferry gave: pass the next_cursor of the previous"
                    + " page as it is, or leave it out to start from the first page.");
        }
        return query;
    }

    /** Whether the query filters on anything at all, as a bulk action must unless it asks for all. */
    public static boolean filtersAnything(InvocationQuery query) {
        return query.subscription() != null || query.service() != null || query.handler() != null
                || query.key() != null || query.status() != null || query.completion() != null
                || query.createdAfter() != null || query.createdBefore() != null;
    }

    private static void text(String field, String value, int maxBytes) {
        String problem = value == null ? null : StoredText.problem("'" + field + "'", value, maxBytes);
        if (problem != null) {
            throw InvalidRequest.of(field, problem + ".");
        }
    }

    private static void time(String field, Instant value) {
        if (value != null && (value.isBefore(EARLIEST) || value.isAfter(LATEST))) {
            throw InvalidRequest.of(field, "'%s' must be between %s and %s, such as 2025-06-01T12:00:00Z."
                    .formatted(field, EARLIEST, LATEST));
        }
    }
}
