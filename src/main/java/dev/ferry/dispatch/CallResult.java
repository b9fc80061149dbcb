package dev.ferry.dispatch;

import java.time.Duration;

import dev.ferry.invocation.FailureReason;

/** How one handler call ended, before the retry policy decides what follows. */
public sealed interface CallResult {

    /** The handler's answer is the result. */
    record Success(byte[] body, String contentType) implements CallResult {
    }

    /**
     * Trying again may help (plain HTTP: 408, 429, 5xx, timeouts and I/O errors); {@code retryAfter} is the
     * handler's wish, or null.
     */
    record Retryable(String failure, Duration retryAfter) implements CallResult {
    }

    /** The handler refused the input, and trying again would not help; {@code reason} says how it ends. */
    record Terminal(String failure, FailureReason reason) implements CallResult {

        public Terminal {
            reason = reason == null ? FailureReason.HANDLER_ERROR : reason;
        }

        /** A handler's error. */
        public Terminal(String failure) {
            this(failure, FailureReason.HANDLER_ERROR);
        }
    }

    /** The call cannot go on until an operator acts (resumes or kills the invocation); {@code failure} says why. */
    record Paused(String failure) implements CallResult {
    }
}
