package dev.ferry.restate;

import java.time.Instant;
import java.util.Objects;

/**
 * A notification the runtime owes an invocation's journal, due at a time: a sleep's completion at its wake-up
 * time, or a result that arrived. Stored beside the journal until due; the next attempt appends it.
 *
 * @param dueAt        when the notification may be appended
 * @param notification the notification entry
 * @param target       the invocation it is owed to, when another than the one whose command produced it (an
 *                     awakeable completed by {@code ctx.resolveAwakeable}), else null
 */
public record PendingCompletion(Instant dueAt, JournalEntry notification, String target) {

    public PendingCompletion {
        Objects.requireNonNull(dueAt, "dueAt");
        Objects.requireNonNull(notification, "notification");
    }

    /** A notification owed to the invocation whose command produced it. */
    public PendingCompletion(Instant dueAt, JournalEntry notification) {
        this(dueAt, notification, null);
    }
}
