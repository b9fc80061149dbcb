package dev.ferry.web;

import java.util.Map;

import org.springframework.http.HttpStatus;

/**
 * A resource the request names does not exist (404). Each kind of resource is a subclass with a static factory,
 * such as {@code SubscriptionNotFound.of(id)}.
 */
public abstract class NotFound extends FerryException {

    protected NotFound(String type, String title, String detail, Map<String, ?> fields) {
        super(HttpStatus.NOT_FOUND, type, title, detail, fields);
    }
}
