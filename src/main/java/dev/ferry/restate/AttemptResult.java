package dev.ferry.restate;

import java.util.List;

/**
 * What one attempt produced: the entries to append to the stored journal (in order, including the input command
 * of a first attempt, run results and lazy state answers), the state changes those entries imply (in order),
 * and how the attempt ended. The caller stores entries and state changes in one transaction, fenced on the
 * journal length the attempt started from.
 *
 * @param newEntries   entries to append after the stored journal
 * @param stateChanges state changes to apply to the object, in order
 * @param ending       how the attempt ended
 */
public record AttemptResult(List<JournalEntry> newEntries, List<StateChange> stateChanges, AttemptEnding ending) {

    public AttemptResult {
        newEntries = List.copyOf(newEntries);
        stateChanges = List.copyOf(stateChanges);
    }
}
