package dev.ferry.restate;

import java.util.List;
import java.util.Objects;

import dev.ferry.invocation.Outcome;

/**
 * What one attempt adds to an invocation, for {@link JournalStore#append}: written in one transaction, and only
 * if the journal still has the length the attempt started from and the invocation is still running under the
 * attempt's claim.
 *
 * @param invocationId   the invocation
 * @param expectedLength the journal length the attempt replayed ({@link JournalPosition#length()})
 * @param entries        the attempt's new entries ({@link AttemptResult#newEntries()})
 * @param service        the object's service, for the state changes
 * @param objectKey      the object's key (empty for a null record key); ignored when there are no state changes
 * @param stateChanges   the attempt's state changes ({@link AttemptResult#stateChanges()})
 * @param attemptFailed  true when the attempt ended in a failure that will be retried: counts towards the
 *                       retries since the last stored entry
 * @param attempt        the attempt number the claim started ({@code ClaimedInvocation#attempt()}): every new claim
 *                       of the invocation counts up, so an attempt whose invocation was killed, or taken over after
 *                       its lease ran out, writes nothing; {@link #ANY_ATTEMPT} fences on the length and on the
 *                       invocation running only
 * @param completions    notifications the runtime owes for the new commands (a sleep's timer), stored beside
 *                       the journal until due ({@link AttemptResult#completions()})
 * @param calls          invocations to create with the entries ({@link AttemptResult#calls()})
 */
public record JournalAppend(String invocationId, int expectedLength, List<JournalEntry> entries, String service,
        String objectKey, List<StateChange> stateChanges, boolean attemptFailed, int attempt,
        List<PendingCompletion> completions, List<OutgoingCall> calls) {

    /** An append not tied to one claim of its invocation. */
    public static final int ANY_ATTEMPT = Outcome.JournalFence.ANY_ATTEMPT;

    public JournalAppend {
        Objects.requireNonNull(invocationId, "invocationId");
        entries = List.copyOf(entries);
        stateChanges = List.copyOf(stateChanges);
        objectKey = objectKey == null ? "" : objectKey;
        completions = List.copyOf(completions);
        calls = List.copyOf(calls);
    }

    /** An append fenced on the journal length and on the invocation running, whichever claim runs it. */
    public JournalAppend(String invocationId, int expectedLength, List<JournalEntry> entries, String service,
            String objectKey, List<StateChange> stateChanges, boolean attemptFailed) {
        this(invocationId, expectedLength, entries, service, objectKey, stateChanges, attemptFailed, ANY_ATTEMPT);
    }

    /** An append fenced on the claim that started {@code attempt}, owing nothing and calling no one. */
    public JournalAppend(String invocationId, int expectedLength, List<JournalEntry> entries, String service,
            String objectKey, List<StateChange> stateChanges, boolean attemptFailed, int attempt) {
        this(invocationId, expectedLength, entries, service, objectKey, stateChanges, attemptFailed, attempt,
                List.of(), List.of());
    }

    /** The append of an attempt's result, fenced on the claim that started {@code attempt}. */
    public static JournalAppend of(String invocationId, int expectedLength, String service, String objectKey,
            AttemptResult result, int attempt) {
        boolean failed = result.ending() instanceof AttemptEnding.Failed;
        return new JournalAppend(invocationId, expectedLength, result.newEntries(), service, objectKey,
                result.stateChanges(), failed, attempt, result.completions(), result.calls());
    }

    /** The append of an attempt's result, not tied to one claim. */
    public static JournalAppend of(String invocationId, int expectedLength, String service, String objectKey,
            AttemptResult result) {
        return of(invocationId, expectedLength, service, objectKey, result, ANY_ATTEMPT);
    }
}
