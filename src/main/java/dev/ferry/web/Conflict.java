package dev.ferry.web;

import java.util.Map;

import org.springframework.http.HttpStatus;

/** The request clashes with the current state of a resource (409). */
public class Conflict extends FerryException {

    public Conflict(String type, String title, String detail, Map<String, ?> fields) {
        super(HttpStatus.CONFLICT, type, title, detail, fields);
    }
}
