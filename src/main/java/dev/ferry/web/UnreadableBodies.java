package dev.ferry.web;

import java.math.BigInteger;
import java.time.Duration;
import java.time.temporal.Temporal;
import java.util.Arrays;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

import org.springframework.http.converter.HttpMessageNotReadableException;
import tools.jackson.core.JacksonException;
import tools.jackson.core.exc.StreamConstraintsException;
import tools.jackson.core.exc.StreamReadException;
import tools.jackson.databind.exc.MismatchedInputException;
import tools.jackson.databind.json.JsonMapper;

import dev.ferry.shared.JsonValues;

/**
 * Says in the API's own words why a request body could not be read: which field (as a JSON path such as
 * {@code handlers[0].type}) and what it must hold, or which JSON limit the body broke. Never the parser's
 * own message, which names Java types and method signatures.
 */
final class UnreadableBodies {

    private static final Pattern IDENTIFIER = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*");

    private UnreadableBodies() {
    }

    /** The problem's detail, and the field it is about (null when it is about the body as a whole). */
    record Explanation(String detail, String field) {
    }

    static Explanation explain(HttpMessageNotReadableException e, JsonMapper json) {
        Throwable cause = e.getCause();
        if (cause == null && e.getMessage() != null && e.getMessage().startsWith("Required request body is missing")) {
            return new Explanation("The request body is missing: send a JSON object with the documented fields.", null);
        }
        if (cause instanceof StreamConstraintsException limit) {
            return new Explanation("The request body holds " + JsonValues.limitExceeded(json, limit)
                    + ", more than Ferry reads; send a smaller document.", null);
        }
        if (cause instanceof MismatchedInputException mismatch && !mismatch.getPath().isEmpty()) {
            String field = path(mismatch.getPath());
            return new Explanation("Field '%s' must be %s."
                    .formatted(field, expected(mismatch.getTargetType())), field);
        }
        if (cause instanceof MismatchedInputException mismatch) {
            return new Explanation("The request body must be %s with the documented fields."
                    .formatted(expected(mismatch.getTargetType())), null);
        }
        if (cause instanceof StreamReadException syntax) {
            return new Explanation("The request body is not valid JSON" + where(syntax)
                    + ". Send a JSON object with the documented fields.", null);
        }
        if (cause instanceof JacksonException other && !other.getPath().isEmpty()) {
            String field = path(other.getPath());
            return new Explanation("Field '%s' has a value Ferry cannot read; see the API documentation for its type."
                    .formatted(field), field);
        }
        return new Explanation("The request body is not valid JSON for this operation. Send a JSON object with the"
                + " documented fields.", null);
    }

    /** A JSON path: {@code handlers[0].type}, {@code properties["bootstrap.servers"]}. */
    static String path(List<JacksonException.Reference> references) {
        StringBuilder path = new StringBuilder();
        for (JacksonException.Reference reference : references) {
            String name = reference.getPropertyName();
            if (name != null) {
                if (IDENTIFIER.matcher(name).matches()) {
                    path.append(path.isEmpty() ? "" : ".").append(name);
                } else {
                    path.append("[\"").append(name).append("\"]");
                }
            } else if (reference.getIndex() >= 0) {
                path.append('[').append(reference.getIndex()).append(']');
            }
        }
        return path.toString();
    }

    /** What a value of the given type looks like in JSON, in the API's terms. */
    static String expected(Class<?> type) {
        if (type == null) {
            return "a value of the documented type";
        }
        if (type.isEnum()) {
            return "one of " + Arrays.stream(type.getEnumConstants()).map(Object::toString)
                    .collect(Collectors.joining(", "));
        }
        if (CharSequence.class.isAssignableFrom(type)) {
            return "a string";
        }
        if (type == Boolean.class || type == boolean.class) {
            return "true or false";
        }
        if (type == Integer.class || type == int.class || type == Long.class || type == long.class
                || type == Short.class || type == short.class || type == BigInteger.class) {
            return "a whole number";
        }
        if (Number.class.isAssignableFrom(type) || type.isPrimitive()) {
            return "a number";
        }
        if (Temporal.class.isAssignableFrom(type)) {
            return "a timestamp such as \"2025-06-01T12:00:00Z\"";
        }
        if (type == Duration.class) {
            return "a duration such as \"30s\"";
        }
        if (Collection.class.isAssignableFrom(type) || type.isArray()) {
            return "an array";
        }
        if (Map.class.isAssignableFrom(type)) {
            return "an object whose values are strings";
        }
        return "an object";
    }

    private static String where(JacksonException e) {
        return e.getLocation() == null || e.getLocation().getLineNr() < 1 ? ""
                : " (line %d, column %d)".formatted(e.getLocation().getLineNr(), e.getLocation().getColumnNr());
    }
}
