package dev.ferry.web;

import java.util.Map;

import org.springframework.http.HttpStatus;

/** A resource the request names does not exist (404). */
public class NotFound extends FerryException {

    public NotFound(String type, String title, String detail, Map<String, ?> fields) {
        super(HttpStatus.NOT_FOUND, type, title, detail, fields);
    }
}
