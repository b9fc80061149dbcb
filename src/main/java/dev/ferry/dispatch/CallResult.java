package dev.ferry.dispatch;

import java.time.Duration;
import java.time.Instant;

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
    record Retryable(String failure, Duration retryAfter, CallFailure kind) implements CallResult {

        public Retryable(String failure, Duration retryAfter) {
            this(failure, retryAfter, CallFailure.OTHER);
        }
    }

    /**
     * The handler refused the input, and trying again would not help: {@code kind} is how the call ended for the
     * meters, {@code reason} how the invocation ends.
     */
    record Terminal(String failure, CallFailure kind, FailureReason reason) implements CallResult {

        public Terminal {
            kind = kind == null ? CallFailure.OTHER : kind;
            reason = reason == null ? FailureReason.HANDLER_ERROR : reason;
        }

        /** A handler's error. */
        public Terminal(String failure) {
            this(failure, CallFailure.OTHER, FailureReason.HANDLER_ERROR);
        }

        /** A handler's error, metered as {@code kind}. */
        public Terminal(String failure, CallFailure kind) {
            this(failure, kind, FailureReason.HANDLER_ERROR);
        }

        /** An answer Ferry could not take, ending the invocation for {@code reason}. */
        public Terminal(String failure, FailureReason reason) {
            this(failure, CallFailure.OTHER, reason);
        }
    }

    /**
     * The handler waits for completions the runtime produces (a timer, a call's result, an awakeable); the
     * invocation is suspended until one is due. {@code wakeAt} is the earliest timer among them, or null.
     */
    record Suspended(Instant wakeAt) implements CallResult {
    }

    /** The call cannot go on until an operator acts (resumes or kills the invocation); {@code failure} says why. */
    record Paused(String failure) implements CallResult {
    }
}
