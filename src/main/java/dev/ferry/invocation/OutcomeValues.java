package dev.ferry.invocation;

import java.time.Instant;

/**
 * Makes the values of an outcome storable before they reach PostgreSQL: texts without NUL characters (which
 * {@code text} refuses) and of bounded length, instants within the range a {@code timestamptz} holds. A
 * handler's answer ends up in these values, so nothing a handler says can make an outcome unwritable.
 */
final class OutcomeValues {

    /** The longest failure text stored, in characters; longer ones are cut and end with an ellipsis. */
    static final int MAX_FAILURE_CHARS = 2000;

    /** The longest result content type stored, in characters. */
    static final int MAX_CONTENT_TYPE_CHARS = 255;

    /** The latest instant stored: the last second of year 9999, well within PostgreSQL's range. */
    static final Instant LATEST = Instant.parse("9999-12-31T23:59:59Z");

    /** The earliest instant stored. */
    static final Instant EARLIEST = Instant.parse("0001-01-01T00:00:00Z");

    private OutcomeValues() {
    }

    /**
     * {@code value} without NUL characters or lone surrogates, and cut to {@code max} characters (ending with an
     * ellipsis) when longer; null stays null.
     */
    static String text(String value, int max) {
        if (value == null) {
            return null;
        }
        StringBuilder clean = new StringBuilder(Math.min(value.length(), max + 1));
        for (int i = 0; i < value.length() && clean.length() <= max; i++) {
            char c = value.charAt(i);
            if (Character.isHighSurrogate(c) && i + 1 < value.length()
                    && Character.isLowSurrogate(value.charAt(i + 1))) {
                clean.append(c).append(value.charAt(++i));
            } else if (c != '\0' && !Character.isSurrogate(c)) {
                clean.append(c);
            }
        }
        if (clean.length() <= max) {
            return clean.toString();
        }
        int end = Math.max(0, max - 1);
        if (end > 0 && Character.isHighSurrogate(clean.charAt(end - 1))) {
            end--;
        }
        clean.setLength(end);
        return clean.append('…').toString();
    }

    static String failure(String value) {
        return text(value, MAX_FAILURE_CHARS);
    }

    /** {@code instant} within {@link #EARLIEST} and {@link #LATEST}; null stays null. */
    static Instant instant(Instant instant) {
        if (instant == null) {
            return null;
        }
        return instant.isAfter(LATEST) ? LATEST : instant.isBefore(EARLIEST) ? EARLIEST : instant;
    }
}
