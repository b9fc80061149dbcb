package dev.ferry.invocation;

import java.time.Instant;

/** What became of one attempt, to be recorded by {@link InvocationStore#record}. */
public sealed interface Outcome {

    String id();

    /** The handler answered 2xx. */
    record Succeeded(String id, byte[] result, String contentType) implements Outcome {
    }

    /** The invocation is over without success. */
    record Failed(String id, FailureReason reason, String failure) implements Outcome {
    }

    /** The attempt failed and will be retried at {@code nextAttemptAt}. */
    record Retrying(String id, Instant nextAttemptAt, String failure) implements Outcome {
    }

    /**
     * The handler waits for completions of its journal (a Restate SDK suspension): the invocation keeps its
     * object key and becomes ready once a completion is due; {@code wakeAt} is its earliest timer, or null.
     */
    record Suspended(String id, Instant wakeAt) implements Outcome {
    }

    /** The attempt failed and the invocation waits for an operator. */
    record Paused(String id, String failure) implements Outcome {
    }
}
