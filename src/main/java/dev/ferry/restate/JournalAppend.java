package dev.ferry.restate;

import java.util.List;
import java.util.Objects;

/**
 * What one attempt adds to an invocation, for {@link JournalStore#append}: written in one transaction, and only
 * if the journal still has the length the attempt started from.
 *
 * @param invocationId   the invocation
 * @param expectedLength the journal length the attempt replayed ({@link JournalPosition#length()})
 * @param entries        the attempt's new entries ({@link AttemptResult#newEntries()})
 * @param service        the object's service, for the state changes
 * @param objectKey      the object's key (empty for a null record key); ignored when there are no state changes
 * @param stateChanges   the attempt's state changes ({@link AttemptResult#stateChanges()})
 * @param attemptFailed  true when the attempt ended in a failure that will be retried: counts towards the
 *                       retries since the last stored entry
 * @param completions    notifications the runtime owes for the new commands (a sleep's timer), stored beside
 *                       the journal until due ({@link AttemptResult#completions()})
 * @param calls          invocations to create with the entries ({@link AttemptResult#calls()})
 */
public record JournalAppend(String invocationId, int expectedLength, List<JournalEntry> entries, String service,
        String objectKey, List<StateChange> stateChanges, boolean attemptFailed, List<PendingCompletion> completions,
        List<OutgoingCall> calls) {

    public JournalAppend {
        Objects.requireNonNull(invocationId, "invocationId");
        entries = List.copyOf(entries);
        stateChanges = List.copyOf(stateChanges);
        objectKey = objectKey == null ? "" : objectKey;
        completions = List.copyOf(completions);
        calls = List.copyOf(calls);
    }

    /** An append that owes no completions. */
    public JournalAppend(String invocationId, int expectedLength, List<JournalEntry> entries, String service,
            String objectKey, List<StateChange> stateChanges, boolean attemptFailed) {
        this(invocationId, expectedLength, entries, service, objectKey, stateChanges, attemptFailed, List.of(),
                List.of());
    }

    /** The append of an attempt's result. */
    public static JournalAppend of(String invocationId, int expectedLength, String service, String objectKey,
            AttemptResult result) {
        boolean failed = result.ending() instanceof AttemptEnding.Failed;
        return new JournalAppend(invocationId, expectedLength, result.newEntries(), service, objectKey,
                result.stateChanges(), failed, result.completions(), result.calls());
    }
}
