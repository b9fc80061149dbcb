package dev.ferry.dispatch;

import java.time.DateTimeException;
import java.time.Duration;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.random.RandomGenerator;

import dev.ferry.invocation.ClaimedInvocation;
import dev.ferry.invocation.FailureReason;
import dev.ferry.invocation.Outcome;
import dev.ferry.service.RetrySettings.OnMaxAttempts;

/**
 * Decides what follows one handler call: from the call's result, the handler's retry policy and the attempt
 * number to the outcome to record and, for a retry, the wait before the next attempt. Pure and total: every
 * input yields a decision, and a retry is never scheduled before now nor more than the policy's
 * {@code max_interval} (and at most {@link #MAX_WAIT}) ahead, whatever a handler's {@code Retry-After} says.
 * The backoff has equal jitter: the wait is drawn between half the exponential backoff and all of it, so
 * that invocations which failed together do not all return to a recovering handler at the same moment.
 * A handler's {@code Retry-After} is honoured as it is (capped as above), without jitter.
 */
final class OutcomePolicy {

    /** The longest wait before a retry, whatever {@code max_interval} says: keeps every instant storable. */
    static final Duration MAX_WAIT = Duration.ofDays(365);

    /** Decimal seconds beyond which a {@code Retry-After} only means "as long as allowed". */
    private static final int MAX_SECONDS_DIGITS = 12;

    /**
     * @param outcome    what to record
     * @param releasedKey the exclusive key the outcome frees, or null
     * @param completion "success" or "failure" when the invocation is over, else null
     * @param retryIn    the wait before the next attempt when the outcome is a retry or a suspension with a timer,
     *                   else null
     */
    record Decision(Outcome outcome, String releasedKey, String completion, Duration retryIn) {
    }

    private final RandomGenerator random;

    /** @param random draws the jitter; tests give one with a fixed seed */
    OutcomePolicy(RandomGenerator random) {
        this.random = random;
    }

    Decision decide(ClaimedInvocation invocation, RetryPolicy policy, CallResult result, Instant now) {
        String key = invocation.exclusive() ? invocation.service() + '/' + invocation.objectKey() : null;
        return switch (result) {
            case CallResult.Success success -> new Decision(new Outcome.Succeeded(invocation.id(), success.body(),
                    success.contentType()), key, "success", null);
            case CallResult.Terminal terminal -> new Decision(new Outcome.Failed(invocation.id(),
                    terminal.reason(), terminal.failure()), key, "failure", null);
            case CallResult.Retryable retryable -> retry(invocation, policy, retryable, key, now);
            case CallResult.Paused paused -> new Decision(new Outcome.Paused(invocation.id(), paused.failure()), null,
                    null, null);
            case CallResult.Suspended suspended -> new Decision(new Outcome.Suspended(invocation.id(),
                    suspended.wakeAt()), null, null, suspended.wakeAt() == null ? null
                            : bound(Duration.between(now, suspended.wakeAt()), MAX_WAIT));
        };
    }

    /** A retry after {@code wait}, bounded as every retry is; for outcomes Ferry itself could not decide. */
    static Decision retryLater(String id, Duration wait, String failure, Instant now) {
        Duration bounded = bound(wait, MAX_WAIT);
        return new Decision(new Outcome.Retrying(id, now.plus(bounded), failure), null, null, bounded);
    }

    private Decision retry(ClaimedInvocation invocation, RetryPolicy policy, CallResult.Retryable failure,
            String key, Instant now) {
        if (!policy.allowsAnotherAfter(invocation.attempt())) {
            String why = "gave up after %d attempts; last: %s".formatted(invocation.attempt(), failure.failure());
            return policy.onMaxAttempts() == OnMaxAttempts.KILL
                    ? new Decision(new Outcome.Failed(invocation.id(), FailureReason.KILLED, why), key, "failure", null)
                    : new Decision(new Outcome.Paused(invocation.id(), why), null, null, null);
        }
        Duration wait = failure.retryAfter() != null ? bound(failure.retryAfter(), policy.maxInterval())
                : jittered(bound(policy.backoffAfter(invocation.attempt()), policy.maxInterval()));
        return retryLater(invocation.id(), wait, failure.failure(), now);
    }

    /** Equal jitter: a wait between half of {@code backoff} and all of it (at most a year: its nanos fit a long). */
    private Duration jittered(Duration backoff) {
        long half = backoff.toNanos() / 2;
        return backoff.minusNanos(random.nextLong(half + 1));
    }

    /** {@code wait} within zero and {@code max} (itself within zero and {@link #MAX_WAIT}). */
    static Duration bound(Duration wait, Duration max) {
        Duration ceiling = max == null || max.compareTo(MAX_WAIT) > 0 ? MAX_WAIT
                : max.isNegative() ? Duration.ZERO : max;
        if (wait == null || wait.isNegative()) {
            return Duration.ZERO;
        }
        return wait.compareTo(ceiling) > 0 ? ceiling : wait;
    }

    /**
     * A {@code Retry-After} value as a wait from {@code now}: delta-seconds or an HTTP date (a date in the past
     * means now). Null when absent or unreadable (negative, fractional, garbage), so the backoff applies. A
     * wait too long to represent comes back as {@link #MAX_WAIT}; the retry policy caps it further.
     */
    static Duration retryAfter(String value, Instant now) {
        if (value == null) {
            return null;
        }
        String text = value.strip();
        if (text.isEmpty()) {
            return null;
        }
        if (text.chars().allMatch(c -> c >= '0' && c <= '9')) {
            String digits = text.replaceFirst("^0+(?=.)", "");
            return digits.length() > MAX_SECONDS_DIGITS ? MAX_WAIT
                    : bound(Duration.ofSeconds(Long.parseLong(digits)), MAX_WAIT);
        }
        try {
            Instant at = ZonedDateTime.parse(text, DateTimeFormatter.RFC_1123_DATE_TIME).toInstant();
            return at.isBefore(now) ? Duration.ZERO : bound(Duration.between(now, at), MAX_WAIT);
        } catch (DateTimeException | ArithmeticException unreadable) {
            return null;
        }
    }
}
