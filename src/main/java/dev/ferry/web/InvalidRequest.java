package dev.ferry.web;

import java.util.Map;

import org.springframework.http.HttpStatus;

/** The request itself is wrong; the detail says what to change (400). */
public class InvalidRequest extends FerryException {

    private InvalidRequest(String detail, Map<String, ?> fields) {
        super(HttpStatus.BAD_REQUEST, "invalid-request", "Invalid request", detail, fields);
    }

    /** @param field the request field (or parameter) to change */
    public static InvalidRequest of(String field, String detail) {
        return new InvalidRequest(detail, Map.of("field", field));
    }
}
