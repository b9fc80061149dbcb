package dev.ferry.restate;

import java.time.Duration;
import java.time.Instant;

/**
 * Where an invocation's journal stands.
 *
 * @param length           entries stored
 * @param retriesSinceLast failed attempts since the journal last grew
 * @param lastEntryAt      when the journal last grew, or null if it never did
 */
public record JournalPosition(int length, int retriesSinceLast, Instant lastEntryAt) {

    /** The retry information for the next attempt's start message. */
    public AttemptRequest.RetryInfo retryInfo(Instant now) {
        Duration since = lastEntryAt == null ? Duration.ZERO : Duration.between(lastEntryAt, now);
        return new AttemptRequest.RetryInfo(retriesSinceLast, since);
    }
}
