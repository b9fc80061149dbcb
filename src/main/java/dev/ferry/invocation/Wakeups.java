package dev.ferry.invocation;

import static dev.ferry.invocation.InvocationStatus.READY;
import static dev.ferry.invocation.InvocationStatus.SUSPENDED;

import java.time.Clock;
import java.time.OffsetDateTime;

import org.springframework.context.ApplicationEventPublisher;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * Wakes suspended invocations: one statement makes ready every suspended invocation with a due completion (a
 * timer whose time has come, a call's result, a resolved awakeable). Any instance may run it at any time: the row
 * locks let one of two concurrent runs move an invocation and the other find it no longer suspended. A suspended
 * exclusive invocation still holds its key, so it needs no promotion.
 */
final class Wakeups {

    private static final String WAKE = """
            update invocations set status = %s, next_attempt_at = ?, modified_at = ?
             where status = %s
               and id in (select c.invocation_id from invocation_completions c where c.due_at <= ?)"""
            .formatted(READY.sql(), SUSPENDED.sql());

    private final JdbcTemplate jdbc;
    private final ApplicationEventPublisher events;
    private final Clock clock;

    Wakeups(JdbcTemplate jdbc, ApplicationEventPublisher events, Clock clock) {
        this.jdbc = jdbc;
        this.events = events;
        this.clock = clock;
    }

    /** See {@link InvocationStore#wakeSuspended}. */
    int wake() {
        OffsetDateTime now = StoredTimes.timestamp(clock.instant());
        int woken = jdbc.update(WAKE, now, now, now);
        if (woken > 0) {
            events.publishEvent(new InvocationsEnqueued(woken));
        }
        return woken;
    }
}
