package dev.ferry.web;

import java.util.Collection;
import java.util.Map;

/**
 * Size limits on the client properties of clusters and the options of subscriptions, which end up in
 * client configurations, thread names and log lines. Names hold at most {@value #MAX_NAME} characters;
 * values at most {@value #MAX_VALUE}, except PEM contents ({@code *.pem}, {@code *.certificates},
 * {@code *.key}, {@code *.chain}), which may hold a bundle of certificates, up to {@value #MAX_PEM_VALUE}.
 * No name or value may contain NUL, which PostgreSQL cannot store.
 */
public final class PropertyLimits {

    public static final int MAX_NAME = 256;
    public static final int MAX_VALUE = 4096;
    public static final int MAX_PEM_VALUE = 256 * 1024;

    private PropertyLimits() {
    }

    /** Refuses a property map over the limits with a 400 problem naming the property and the limit. */
    public static void check(String field, Map<String, String> properties) {
        if (properties == null) {
            return;
        }
        properties.forEach((name, value) -> {
            checkName(field, name);
            int max = isPem(name) ? MAX_PEM_VALUE : MAX_VALUE;
            if (value != null && value.length() > max) {
                throw InvalidRequest.of(field, "The value of %s '%s' is %d characters long; at most %d are allowed."
                        .formatted(what(field), name, value.length(), max));
            }
            if (value != null && value.indexOf('\0') >= 0) {
                throw InvalidRequest.of(field, "The value of %s '%s' contains a NUL character (U+0000)."
                        .formatted(what(field), name));
            }
        });
    }

    /** Refuses property names over the limits, such as those a PATCH unsets. */
    public static void checkNames(String field, Collection<String> names) {
        if (names != null) {
            names.forEach(name -> checkName(field, name));
        }
    }

    private static void checkName(String field, String name) {
        if (name == null) {
            return;
        }
        if (name.length() > MAX_NAME) {
            throw InvalidRequest.of(field, "A name in '%s' is %d characters long; property names hold at most %d."
                    .formatted(field, name.length(), MAX_NAME));
        }
        if (name.indexOf('\0') >= 0) {
            throw InvalidRequest.of(field, "A name in '%s' contains a NUL character (U+0000).".formatted(field));
        }
    }

    private static boolean isPem(String name) {
        return name.endsWith(".pem") || name.endsWith(".certificates") || name.endsWith(".key")
                || name.endsWith(".chain");
    }

    private static String what(String field) {
        return field.equals("options") ? "option" : "property";
    }
}
