package dev.ferry.invocation;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;

/**
 * Instants as PostgreSQL {@code timestamptz} text. {@link Instant#toString()} writes years past 9999 as
 * {@code +10000-...} and years before 1 with a minus sign, which PostgreSQL does not parse; this form has
 * four-digit years only, so every instant it writes is one PostgreSQL takes.
 */
final class StoredTimes {

    /** The earliest instant written as is; earlier ones are written as this. */
    static final Instant MIN = Instant.parse("0001-01-01T00:00:00Z");

    /** The latest instant written as is; later ones are written as this. */
    static final Instant MAX = Instant.parse("9999-12-31T23:59:59.999999Z");

    /** The latest record timestamp kept in {@code kafka_timestamp}; the earliest is the epoch. */
    static final Instant MAX_RECORD_TIME = Instant.parse("9999-12-31T23:59:59.999Z");

    private static final DateTimeFormatter TEXT = DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss.SSSSSS'Z'")
            .withZone(ZoneOffset.UTC);

    private StoredTimes() {
    }

    /** The instant as a {@code timestamptz} statement parameter. */
    static OffsetDateTime timestamp(Instant instant) {
        return instant.atOffset(ZoneOffset.UTC);
    }

    /** The instant as text PostgreSQL parses, held within {@link #MIN} and {@link #MAX}. */
    static String text(Instant instant) {
        Instant held = instant.isBefore(MIN) ? MIN : instant.isAfter(MAX) ? MAX : instant;
        return TEXT.format(held);
    }

    /** Whether a record timestamp is kept as {@code kafka_timestamp}; others go to {@code kafka_timestamp_millis}. */
    static boolean storedAsTimestamp(Instant recordTime) {
        return !recordTime.isBefore(Instant.EPOCH) && !recordTime.isAfter(MAX_RECORD_TIME);
    }
}
