package dev.ferry.web;

import java.time.Duration;

import org.springframework.boot.convert.DurationStyle;

/**
 * Reads the durations a request carries ({@code "30s"}, {@code "5m"}, {@code "PT1H"}) and refuses those out of
 * range, so that an absurd value becomes a 400 problem naming the field instead of an overflow further on.
 * Each kind of duration has one documented maximum:
 * <ul>
 * <li>{@link #MAX_WAIT} (365 days) for timeouts, retry intervals and delays;</li>
 * <li>{@link #MAX_RETENTION} (3650 days) for how long completed invocations are kept.</li>
 * </ul>
 */
public final class RequestDurations {

    /** The longest timeout, retry interval or delay a request may ask for. */
    public static final Duration MAX_WAIT = Duration.ofDays(365);

    /** The longest retention a request may ask for. */
    public static final Duration MAX_RETENTION = Duration.ofDays(3650);

    private RequestDurations() {
    }

    /** A positive duration of at most {@code max}; null when {@code text} is null. */
    public static Duration positive(String field, String text, Duration max) {
        return parse(field, text, max, false);
    }

    /** A duration of zero or more and at most {@code max}; null when {@code text} is null. */
    public static Duration nonNegative(String field, String text, Duration max) {
        return parse(field, text, max, true);
    }

    private static Duration parse(String field, String text, Duration max, boolean zeroAllowed) {
        if (text == null) {
            return null;
        }
        String range = (zeroAllowed ? "from 0" : "above 0") + " up to " + format(max);
        Duration duration;
        try {
            duration = DurationStyle.detectAndParse(text.strip());
        } catch (RuntimeException e) {
            throw InvalidRequest.of(field,
                    "'%s' is %s, not a duration: write it like \"500ms\", \"30s\" or \"5m\" (%s)."
                    .formatted(field, quoted(text), range));
        }
        if (duration.isNegative() || (!zeroAllowed && duration.isZero()) || duration.compareTo(max) > 0) {
            throw InvalidRequest.of(field, "'%s' is %s, out of range: give a duration %s, e.g. \"30s\"."
                    .formatted(field, quoted(text), range));
        }
        return duration;
    }

    /** The maximum as the shortest unit that says it exactly, e.g. "365d". */
    static String format(Duration duration) {
        if (duration.toSeconds() % 86_400 == 0) {
            return duration.toDays() + "d";
        }
        return duration.toSeconds() + "s";
    }

    /** The value as given, shortened so that a long one does not fill the problem. */
    private static String quoted(String text) {
        return "'" + (text.length() > 40 ? text.substring(0, 40) + "..." : text) + "'";
    }
}
