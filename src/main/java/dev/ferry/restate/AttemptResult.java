package dev.ferry.restate;

import java.util.List;

/**
 * What one attempt produced: the entries to append to the stored journal (in order, including the input command
 * of a first attempt, run results and lazy state answers), the state changes those entries imply (in order),
 * the completions the runtime owes for its new commands (a sleep's timer), and how the attempt ended. The caller
 * stores all of it in one transaction, fenced on the journal length the attempt started from.
 *
 * @param newEntries   entries to append after the stored journal
 * @param stateChanges state changes to apply to the object, in order
 * @param ending       how the attempt ended
 * @param completions  notifications to append once due
 * @param calls        invocations the new commands asked for (calls and sends), to create with the entries
 */
public record AttemptResult(List<JournalEntry> newEntries, List<StateChange> stateChanges, AttemptEnding ending,
        List<PendingCompletion> completions, List<OutgoingCall> calls) {

    public AttemptResult {
        newEntries = List.copyOf(newEntries);
        stateChanges = List.copyOf(stateChanges);
        completions = List.copyOf(completions);
        calls = List.copyOf(calls);
    }

    /** A result that owes no completions and calls nothing. */
    public AttemptResult(List<JournalEntry> newEntries, List<StateChange> stateChanges, AttemptEnding ending) {
        this(newEntries, stateChanges, ending, List.of(), List.of());
    }
}
