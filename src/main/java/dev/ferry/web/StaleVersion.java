package dev.ferry.web;

import java.util.Map;

import org.springframework.http.HttpStatus;

/** A change sent with {@code If-Match} for a version that is no longer the stored one (412). */
public final class StaleVersion extends FerryException {

    private StaleVersion(String type, String title, String detail, Map<String, ?> fields) {
        super(HttpStatus.PRECONDITION_FAILED, type, title, detail, fields);
    }

    /** The If-Match tag names another version than the current one. */
    public static StaleVersion of(String resource, String name, String ifMatch, String currentTag) {
        return new StaleVersion("stale-version", "Stale version",
                ("The %s '%s' was changed since you read it: If-Match is %s, the current ETag is %s. Read it again,"
                        + " apply your change to what is stored now and send it with the new ETag.")
                        .formatted(resource, name, ifMatch, currentTag),
                Map.of("resource", resource, "name", name, "etag", currentTag));
    }

    /** Two changes of the same resource were committed at the same time; this one lost. */
    static StaleVersion concurrent() {
        return new StaleVersion("concurrent-change", "Changed concurrently",
                "Another request changed the same resource at the same time, so this change was not stored. Read the"
                        + " resource again and repeat the change.", Map.of());
    }
}
