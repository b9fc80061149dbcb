package dev.ferry.invocation;

import java.time.Instant;

/** What became of one attempt, to be recorded by {@link InvocationStore#record}. */
public sealed interface Outcome {

    String id();

    /**
     * The handler answered 2xx. With a {@code fence}, the statement that completes the invocation also grows its
     * journal, and only if the journal still has the length the attempt started from: the attempt's entries are
     * written after it, in the same transaction, and an attempt found superseded is retried at once instead.
     */
    record Succeeded(String id, byte[] result, String contentType, JournalFence fence) implements Outcome {

        public Succeeded(String id, byte[] result, String contentType) {
            this(id, result, contentType, null);
        }

        /** This success, completing the invocation only under {@code journalFence}. */
        public Succeeded fencedBy(JournalFence journalFence) {
            return new Succeeded(id, result, contentType, journalFence);
        }
    }

    /**
     * The journal condition of a {@link Succeeded} outcome, which its statement checks and applies in place of a
     * statement of its own: one row version less for an attempt that completes its invocation.
     *
     * @param expectedLength the journal length the attempt started from
     * @param added          how many entries the attempt adds to the journal
     * @param attempt        the attempt number of the claim the attempt ran under, or {@link #ANY_ATTEMPT}
     * @param superseded     why the attempt runs again when the journal no longer has {@code expectedLength}
     */
    record JournalFence(int expectedLength, int added, int attempt, String superseded) {

        /** The attempt of a fence that holds under any claim of the invocation. */
        public static final int ANY_ATTEMPT = 0;

        /**
         * The fence as SQL, over the invocation {@code i} and the batch's row {@code u} with its {@code expected}
         * length and {@code attempt}: the journal still has the length the attempt started from, under its claim.
         */
        public static final String HOLDS = "i.journal_length = u.expected"
                + " and (u.attempt = %d or i.attempts = u.attempt)".formatted(ANY_ATTEMPT);
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
