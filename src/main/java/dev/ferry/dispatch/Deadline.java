package dev.ferry.dispatch;

import java.time.Duration;
import java.util.concurrent.TimeUnit;

/** One deadline for a whole stop: each wait on the way gets what is left of it, never more. */
record Deadline(long nanoTime) {

    static Deadline after(Duration timeout) {
        return new Deadline(System.nanoTime() + timeout.toNanos());
    }

    long leftNanos() {
        return Math.max(0, nanoTime - System.nanoTime());
    }

    /** What is left, at least one millisecond: a wait of zero would be one without end for {@link Thread#join}. */
    long leftMillis() {
        return Math.max(1, TimeUnit.NANOSECONDS.toMillis(leftNanos()));
    }

    Duration left() {
        return Duration.ofMillis(leftMillis());
    }
}
