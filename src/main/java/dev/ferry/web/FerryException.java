package dev.ferry.web;

import java.net.URI;
import java.util.LinkedHashMap;
import java.util.Map;

import org.springframework.http.HttpStatus;

/**
 * A domain error that maps to one RFC 9457 problem: a {@code type}, a {@code title}, a {@code detail}
 * that tells the user what to do, and extra fields (such as {@code subscription_id}).
 * Subclasses offer static factories, for example {@code SubscriptionNotFound.of(id)}.
 */
public abstract class FerryException extends RuntimeException {

    private final HttpStatus status;
    private final String type;
    private final String title;
    private final Map<String, Object> fields;

    protected FerryException(HttpStatus status, String type, String title, String detail, Map<String, ?> fields) {
        super(detail);
        this.status = status;
        this.type = type;
        this.title = title;
        this.fields = new LinkedHashMap<>(fields);
    }

    public HttpStatus status() {
        return status;
    }

    /** The problem type, a URI relative to {@code https://ferry.dev/problems/}. */
    public URI type() {
        return URI.create("https://ferry.dev/problems/" + type);
    }

    public String title() {
        return title;
    }

    public String detail() {
        return getMessage();
    }

    public Map<String, Object> fields() {
        return fields;
    }
}
