package dev.ferry.web;

import java.util.Map;

import org.springframework.http.HttpStatus;

/**
 * The request clashes with the current state of a resource (409). Each clash is a subclass with a static factory,
 * such as {@code ServiceInUse.of(name, subscriptions)}.
 */
public abstract class Conflict extends FerryException {

    protected Conflict(String type, String title, String detail, Map<String, ?> fields) {
        super(HttpStatus.CONFLICT, type, title, detail, fields);
    }
}
